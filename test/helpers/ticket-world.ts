// The world of the Jira ticket end-to-end tests: a real Temporal dev server and Redis, the fake Jira (project SHOP,
// its people and their permissions, a workflow with a way into "In Review"), the fake GitLab serving the cart project
// (a real git repository with a real test suite), the fake model answering as a planner and an implementer, and
// forgebot as deployed — the webhook app, the main worker and the agent worker with the local sandbox running the real
// runner. Jira's deliveries are real Cloud payloads (../shared/fixtures) edited to the ticket, signed with the secret.
import { execFile } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Redis } from 'ioredis';
import { richTextToMarkdown } from '../../src/activities/jira/adf-to-markdown.js';
import { markdownToAdf } from '../../src/activities/jira/markdown-to-adf.js';
import { ticketBranchName } from '../../src/domain/jira/branch-name.js';
import { fencedData } from '../../src/fakes/anthropic/demo-answerer.js';
import { FakeAnthropic } from '../../src/fakes/anthropic/fake-anthropic.js';
import { text, textOf, toolUse, type MessagesRequest, type ScriptedReply } from '../../src/fakes/anthropic/messages.js';
import { FakeGitLab } from '../../src/fakes/gitlab/fake-gitlab.js';
import { FakeJira } from '../../src/fakes/jira/fake-jira.js';
import { MEMBER_PERMISSIONS } from '../../src/fakes/jira/permissions.js';
import type { FakeJiraUser } from '../../src/fakes/jira/state.js';
import { DEFAULT_WORKFLOW } from '../../src/fakes/jira/workflow.js';
import { registerSearchAttributes } from '../../src/workers/register-search-attributes.js';
import type { ticketWorkflow } from '../../src/workflows/ticket.js';
import type { TicketTiming } from '../../src/workflows/ticket/timing.js';
import { ticketStatusQuery, type TicketStatus } from '../../src/workflows/ticket-definitions.js';
import { buggyProject, CART_FIX, CART_PATH, SPARSE_TEST, SPARSE_TEST_PATH } from './buggy-project.js';
import { E2E_GITLAB_TOKEN, E2E_MODEL_KEY } from './e2e-world.js';
import { loadFixture } from './fixtures.js';
import { eventually, startForgebot, type Stack, type StackOptions } from './forgebot-stack.js';
import { connectRedis } from './redis.js';
import { startTemporal } from './temporal.js';

const run = promisify(execFile);

export const JIRA_TEST_SECRET = 'jira-e2e-webhook-secret';
const JIRA_BOT = { email: 'forgebot@acme.example', token: 'jira-e2e-api-token-0123456789' };
export const GITLAB_PROJECT = { id: 7, path: 'acme/cart' } as const;
export const JIRA_PROJECT = 'SHOP';
/** The planner's plan: the cart's source and a new test of it. */
export const PLAN_FILES = [CART_PATH, SPARSE_TEST_PATH];

/** One ticket of the world: its key and id in the fake Jira, its workflow, the branch its plan goes on. */
export interface Ticket {
  key: string;
  id: string;
  summary: string;
  workflowId: string;
  branch: string;
}

/** An HTTP answer of the webhook app. */
export interface Reply {
  status: number;
  json: Record<string, unknown>;
}

/** The MR as the fake GitLab holds it. */
export interface TicketChange {
  number: number;
  description: string;
  draft: boolean;
  state: string;
  labels: string[];
}

export interface TicketWorld {
  env: TestWorkflowEnvironment;
  jira: FakeJira;
  gitlab: FakeGitLab;
  model: FakeAnthropic;
  /** The stack now running (restartWorkers replaces it). */
  readonly stack: Stack;
  /** olivia holds TRANSITION_ISSUES (the approve permission); mallory may only browse and comment. */
  people: { olivia: FakeJiraUser; mallory: FakeJiraUser };
  /** A new ticket in SHOP (in To Do): the cart skips the holes of a sparse list. */
  addTicket(): Ticket;
  /** A person moves the ticket (the status in the fake Jira), then Jira's signed `jira:issue_updated` about it. */
  move(ticket: Ticket, from: string, to: string): Promise<Reply>;
  /** A person's comment in the fake Jira, then Jira's signed `comment_created`. Answers the comment's id too. */
  comment(ticket: Ticket, author: FakeJiraUser, body: string): Promise<Reply & { commentId: string }>;
  handle(ticket: Ticket): WorkflowHandle<typeof ticketWorkflow>;
  status(ticket: Ticket): Promise<TicketStatus>;
  /** The status once `ready` says so; fails at once when the run ended first or a worker died. */
  statusWhen(ticket: Ticket, ready: (status: TicketStatus) => boolean, what: string, timeoutMs?: number): Promise<TicketStatus>;
  result(ticket: Ticket, timeoutMs?: number): Promise<TicketStatus>;
  /** forgebot's comments on the ticket as Markdown, oldest first. */
  botComments(ticket: Ticket): string[];
  /** The MRs from `branch`, oldest first. */
  changes(branch: string): TicketChange[];
  /** The head of `branch` in the repository GitLab serves ('' when there is none), a file at a ref, the files a branch changed against main. */
  head(branch: string): Promise<string>;
  show(ref: string, path: string): Promise<string>;
  changedFiles(branch: string): Promise<string[]>;
  /** The commits `branch` has beyond main, oldest first: each one's sha, parents and subject line. */
  commitsBeyondMain(branch: string): Promise<{ sha: string; parents: string[]; subject: string }[]>;
  /** How the implementer works from now on (the world starts `as-planned`). */
  implementAs(next: ImplementerScript): void;
  /** The ticket's workflow started as the webhook starts it (in Ready for Dev), with shorter waits than people's. */
  startWithTiming(ticket: Ticket, timing: Partial<TicketTiming>): Promise<void>;
  /** CI: the first pipeline read (the merge stage's) finds the branch head's pipeline passed. */
  passPipelineOnFirstRead(branch: string): void;
  /** The main and agent workers (and the webhook app) stopped, and new ones started on the same task queues. */
  restartWorkers(): Promise<void>;
  stop(): Promise<void>;
}

/** "Send to review" from Ready for Dev and In Progress: how forgebot moves a ticket it opened an MR for. */
const WORKFLOW = { ...DEFAULT_WORKFLOW, transitions: [...DEFAULT_WORKFLOW.transitions, { id: '91', name: 'Send to review', from: ['10001', '3'], to: '10002' }] };

const statusId = (name: string) => {
  const found = WORKFLOW.statuses.find((status) => status.name === name);
  if (!found) throw new Error(`no status ${name}`);
  return found.id;
};

/**
 * How the scripted implementer works: `as-planned` (the test, the fix, tests pass); `outside-plan` (that, and a line
 * added to README.md, which no plan lists); `failing-tests` (the test without the fix: `test` fails, submitted anyway).
 */
export type ImplementerScript = 'as-planned' | 'outside-plan' | 'failing-tests';

function implementerSteps(script: ImplementerScript): ScriptedReply[] {
  const writeTest: ScriptedReply = { content: [text('Writing the test of a sparse cart first.'), toolUse('write_file', { path: SPARSE_TEST_PATH, content: SPARSE_TEST }), toolUse('run_command', { name: 'test' })] };
  const fix: ScriptedReply = { content: [toolUse('replace_in_file', { path: CART_PATH, old_text: CART_FIX.from, new_text: CART_FIX.to })] };
  const runTests: ScriptedReply = { content: [toolUse('run_command', { name: 'test' })] };
  const submit: ScriptedReply = { content: [toolUse('submit_work', { summary: 'total() skips holes now; a new test covers a sparse cart and the tests pass.', commit_message: 'Skip holes in a sparse cart\n\ntotal() read price of undefined.' })] };
  if (script === 'failing-tests') return [writeTest, runTests, submit];
  if (script === 'outside-plan') return [writeTest, fix, { content: [toolUse('replace_in_file', { path: 'README.md', old_text: '# cart', new_text: '# cart\n\nSparse carts are supported.' })] }, runTests, submit];
  return [writeTest, fix, runTests, submit];
}

/** The planner (submit_plan offered) and the implementer (submit_work): stateless, by the turns of the conversation. */
function ticketBrain(request: MessagesRequest, script: ImplementerScript): ScriptedReply {
  const tools = new Set((request.tools ?? []).map((tool) => tool.name));
  const turns = request.messages.filter((message) => message.role === 'assistant').length;
  const brief = textOf(request.messages[0]?.content ?? '');
  if (tools.has('submit_plan')) {
    if (turns === 0) return { content: [text('Reading the cart first.'), toolUse('read_file', { path: CART_PATH })] };
    const feedback = fencedData(brief, 'feedback');
    return {
      content: [
        toolUse('submit_plan', {
          summary: `total() skips the holes of a sparse list of items.${feedback ? ` Revised: ${feedback.replace(/\s+/g, ' ').slice(0, 200)}` : ''}`,
          steps: ['In total(), skip an index of the list that holds no item.', 'Add a test of a sparse cart.'],
          files: [
            { path: CART_PATH, change: 'modify', why: 'total() reads price of a hole.' },
            { path: SPARSE_TEST_PATH, change: 'add', why: 'The test of a sparse cart.' },
          ],
          tests: [{ path: SPARSE_TEST_PATH, what: 'A cart with a hole at index 1 totals the other items.' }],
          risks: ['A null item is skipped too.'],
          size: { files: 2, lines: 12 },
        }),
      ],
    };
  }
  if (tools.has('submit_work')) {
    const steps = implementerSteps(script);
    return steps[Math.min(turns, steps.length - 1)] ?? { content: [text('Done.')] };
  }
  return { error: { status: 400, type: 'invalid_request_error', message: `ticket world: an unexpected role (tools ${[...tools].join(', ')})` } };
}

function sign(body: string): string {
  return `sha256=${createHmac('sha256', JIRA_TEST_SECRET).update(body).digest('hex')}`;
}

async function deliver(url: string, fixtureHeaders: Record<string, string>, json: unknown): Promise<Reply> {
  const body = JSON.stringify(json);
  const headers = { ...fixtureHeaders, 'X-Atlassian-Webhook-Identifier': randomUUID(), 'X-Hub-Signature': sign(body) };
  const response = await fetch(`${url}/webhook/jira`, { method: 'POST', headers, body });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** A fixture's issue made this ticket's (its key, id and project). */
function asTicket(issue: Record<string, unknown>, ticket: Ticket): Record<string, unknown> {
  const fields = (issue.fields ?? {}) as Record<string, unknown>;
  const project = (fields.project ?? {}) as Record<string, unknown>;
  return { ...issue, id: ticket.id, key: ticket.key, self: `https://acme.atlassian.net/rest/api/2/issue/${ticket.id}`, fields: { ...fields, summary: ticket.summary, project: { ...project, key: JIRA_PROJECT, name: 'Shop' } } };
}

let changelogs = 50_000;

/** How a test file changes the world: settings added to forgebot's, and how its stack runs (e.g. no agent worker in-process). */
export interface TicketWorldOptions {
  vars?: Record<string, string>;
  stackOptions?: StackOptions;
}

export async function startTicketWorld(options: TicketWorldOptions = {}): Promise<TicketWorld> {
  const env = await startTemporal();
  await registerSearchAttributes(env.connection, 'default');
  const redis: Redis = await connectRedis();
  const jira = new FakeJira({ forgebot: JIRA_BOT });
  jira.state.workflow = WORKFLOW;
  await jira.start();
  jira.addProject({ key: JIRA_PROJECT, name: 'Shop' });
  const olivia = jira.addUser({ displayName: 'Olivia Lead' });
  const mallory = jira.addUser({ displayName: 'Mallory Outsider' });
  jira.grant(JIRA_PROJECT, olivia.accountId, ...MEMBER_PERMISSIONS);
  jira.grant(JIRA_PROJECT, mallory.accountId, 'BROWSE_PROJECTS', 'ADD_COMMENTS');

  const { repo } = await buggyProject();
  const scratch = await mkdtemp(join(tmpdir(), 'forgebot-ticket-forge-'));
  const bare = join(scratch, 'cart.git');
  await run('git', ['clone', '--quiet', '--bare', repo.dir, bare], { timeout: 30_000 });
  await repo.remove();
  const gitlab = new FakeGitLab({ token: E2E_GITLAB_TOKEN });
  await gitlab.start();
  gitlab.addProject({ id: GITLAB_PROJECT.id, pathWithNamespace: GITLAB_PROJECT.path, repoDir: bare });
  const git = (...args: string[]) => run('git', args, { cwd: bare, timeout: 30_000, maxBuffer: 16 * 1024 * 1024 }).then(({ stdout }) => stdout.trim());
  const head = (branch: string) => git('rev-parse', '--verify', '--quiet', `refs/heads/${branch}`).catch(() => '');

  let script: ImplementerScript = 'as-planned';
  const model = new FakeAnthropic({ apiKey: E2E_MODEL_KEY, brain: (request) => ticketBrain(request, script) });
  await model.start();
  const vars: Record<string, string> = {
    GITLAB_URL: gitlab.url,
    GITLAB_TOKEN: E2E_GITLAB_TOKEN,
    ANTHROPIC_API_KEY: E2E_MODEL_KEY,
    ANTHROPIC_BASE_URL: model.url,
    JIRA_WEBHOOK_SECRET: JIRA_TEST_SECRET,
    JIRA_URL: jira.url,
    JIRA_EMAIL: JIRA_BOT.email,
    JIRA_API_TOKEN: JIRA_BOT.token,
    JIRA_REPOSITORIES: JSON.stringify([
      { jiraProject: JIRA_PROJECT, forge: 'gitlab', projectId: GITLAB_PROJECT.id, projectPath: GITLAB_PROJECT.path, maxFiles: 5, maxLines: 200, inReviewStatus: 'In Review' },
    ]),
    ...options.vars,
  };
  let stack = await startForgebot(env, redis, vars, options.stackOptions);

  const updated = loadFixture('jira', 'issue_updated--status-todo-to-in-progress');
  const commented = loadFixture('jira', 'comment_created--cloud');
  const handle = (ticket: Ticket) => env.client.workflow.getHandle<typeof ticketWorkflow>(ticket.workflowId);
  const status = (ticket: Ticket) => handle(ticket).query(ticketStatusQuery);

  return {
    env, jira, gitlab, model, people: { olivia, mallory },
    get stack() {
      return stack;
    },
    addTicket() {
      const summary = 'Skip holes in a sparse cart';
      const description = markdownToAdf(
        ['total() raises a TypeError when the list of items is sparse (a hole at an index).', '', '## Acceptance criteria', '', '- a hole is skipped: the total of the other items', '- a test covers a sparse cart'].join('\n'),
      );
      const issue = jira.addIssue({ project: JIRA_PROJECT, summary, description, reporter: olivia.accountId });
      return { key: issue.key, id: issue.id, summary, workflowId: `ticket:jira:${issue.key}`, branch: ticketBranchName(issue.key, summary) };
    },
    async move(ticket, from, to) {
      jira.setStatus(ticket.key, to);
      changelogs += 1;
      const item = { field: 'status', fieldtype: 'jira', fieldId: 'status', from: statusId(from), fromString: from, to: statusId(to), toString: to };
      const json = { ...updated.json, timestamp: Date.now(), issue: asTicket(updated.json.issue as Record<string, unknown>, ticket), changelog: { id: String(changelogs), items: [item] } };
      return deliver(stack.server.url, updated.headers, json);
    },
    async comment(ticket, author, body) {
      const added = jira.addComment(ticket.key, author.accountId, markdownToAdf(body));
      const fixture = commented.json.comment as Record<string, unknown>;
      const person = { ...(fixture.author as Record<string, unknown>), accountId: author.accountId, displayName: author.displayName };
      const comment = { ...fixture, id: added.id, self: `https://acme.atlassian.net/rest/api/2/issue/${ticket.id}/comment/${added.id}`, author: person, updateAuthor: person, body };
      const json = { ...commented.json, timestamp: Date.now(), comment, issue: asTicket(commented.json.issue as Record<string, unknown>, ticket) };
      return { ...(await deliver(stack.server.url, commented.headers, json)), commentId: added.id };
    },
    handle,
    status,
    statusWhen(ticket, ready, what, timeoutMs = 60_000) {
      return eventually(async () => {
        const failure = stack.workerFailure();
        if (failure) throw failure;
        const current = await status(ticket);
        if (ready(current)) return current;
        if (current.outcome !== undefined) throw new Error(`${ticket.key} ended (${current.outcome}: ${current.outcomeDetail ?? ''}) before ${what}`);
        return undefined;
      }, what, timeoutMs);
    },
    async result(ticket, timeoutMs = 90_000) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`${ticket.workflowId} did not end within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        return await Promise.race([handle(ticket).result(), late]);
      } finally {
        clearTimeout(timer);
      }
    },
    botComments: (ticket) => jira.comments(ticket.key).filter((comment) => comment.authorId === jira.forgebot?.accountId).map((comment) => richTextToMarkdown(comment.body)),
    changes: (branch) =>
      [...gitlab.state.mergeRequests.values()]
        .filter((mr) => mr.projectId === GITLAB_PROJECT.id && mr.sourceBranch === branch)
        .sort((a, b) => a.iid - b.iid)
        .map((mr) => ({ number: mr.iid, description: mr.description, draft: mr.draft, state: mr.state, labels: [...mr.labels] })),
    head,
    show: (ref, path) => git('show', `${ref}:${path}`),
    changedFiles: async (branch) => (await git('diff', '--name-only', `main...${branch}`)).split('\n').filter(Boolean).sort(),
    commitsBeyondMain: async (branch) =>
      (await git('log', '--reverse', '--format=%H%x09%P%x09%s', `main..${branch}`)).split('\n').filter(Boolean).map((line) => {
        const [sha = '', parents = '', subject = ''] = line.split('\t');
        return { sha, parents: parents.split(' ').filter(Boolean), subject };
      }),
    implementAs(next) {
      script = next;
    },
    async startWithTiming(ticket, timing) {
      jira.setStatus(ticket.key, 'Ready for Dev');
      await env.client.workflow.start<typeof ticketWorkflow>('ticketWorkflow', {
        taskQueue: stack.config.TEMPORAL_TASK_QUEUE,
        workflowId: ticket.workflowId,
        args: [{ subject: { kind: 'jira-ticket', key: ticket.key }, timing }],
      });
    },
    passPipelineOnFirstRead(branch) {
      gitlab.beforeNext({
        method: 'GET',
        pathPattern: new RegExp(`^/projects/${GITLAB_PROJECT.id}/pipelines$`),
        action: async () => {
          const sha = await head(branch);
          if (sha) gitlab.setPipeline(GITLAB_PROJECT.id, sha, 'success', branch);
        },
      });
    },
    async restartWorkers() {
      const { config } = stack;
      await stack.stop();
      stack = await startForgebot(env, redis, { ...vars, TEMPORAL_TASK_QUEUE: config.TEMPORAL_TASK_QUEUE, AGENT_TASK_QUEUE: config.AGENT_TASK_QUEUE, CLAIM_STORE_DIR: config.CLAIM_STORE_DIR ?? '' }, options.stackOptions);
    },
    async stop() {
      await stack.stop();
      await Promise.allSettled([jira.stop(), model.stop(), gitlab.stop()]);
      await rm(scratch, { recursive: true, force: true });
      redis.disconnect();
      await env.teardown();
    },
  };
}
