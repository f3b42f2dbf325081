// The world the ticket workflow runs in for its tests and its replay recordings: every activity it calls as a
// plain-object fake of its contract (TicketActivities, the repository / forge / author activities it uses, the agent
// activities), recording what the workflow asked for. Jira's comments are one list, people's and forgebot's, with
// increasing ids as Jira gives them.
import { Context } from '@temporalio/activity';
import type { WorkflowHandle } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { AgentActivities, AgentAssignment } from '../../src/activities/agent-activities.js';
import type { CommandActivities, CommandAnswer } from '../../src/activities/command-activities.js';
import type { PlanDigest, WorkDigest } from '../../src/activities/agent-digest.js';
import type { PipelineState } from '../../src/activities/forge.js';
import type { ChangeState } from '../../src/activities/forge-activities.js';
import type { TicketActivities, TicketCommentRead, TicketDigest, TicketNote } from '../../src/activities/jira/ticket-contracts.js';
import type { RepositoryActivities } from '../../src/activities/sentry/contracts.js';
import type { ChangeRef, RepositoryRef } from '../../src/domain/change-ref.js';
import type { GateAuditActivities, GateDecisionToRecord } from '../../src/audit/gate-decision-activities.js';
import type { ChangeContributors } from '../../src/domain/change-contributors.js';
import type { ClaimRef } from '../../src/domain/claim-ref.js';
import { JiraRepositoryMapping } from '../../src/domain/jira/ticket-mapping.js';
import type { JiraUser } from '../../src/domain/jira/ticket.js';
import { parseRepoSettings, type ParsedRepoSettings } from '../../src/domain/review-settings.js';
import { workflowIdFor } from '../../src/domain/subject-ref.js';
import { workflowBundle } from '../../src/workers/workflow-source.js';
import type { RunSettings } from '../../src/workflows/definitions.js';
import type { ticketWorkflow } from '../../src/workflows/ticket.js';
import type { TicketRunInput, TicketTiming } from '../../src/workflows/ticket/timing.js';
import { ticketCommentSignal, ticketReadySignal } from '../../src/workflows/ticket-definitions.js';

export const sha = (n: number) => n.toString(16).padStart(40, 'a');
export const claim = (kind: string, n = 0): ClaimRef => ({ store: 'file', key: `${kind}.${n.toString(16).padStart(64, '0')}`, sha256: n.toString(16).padStart(64, '0'), bytes: 10 });
const usage = { inputTokens: 100, outputTokens: 20, cacheReadTokens: 0, cacheWriteTokens: 0, turns: 2 };

export type TicketHandle = WorkflowHandle<typeof ticketWorkflow>;

type Main = TicketActivities &
  GateAuditActivities &
  Pick<CommandActivities, 'answerCommand'> &
  Pick<RepositoryActivities, 'locateFiles' | 'readRepositorySettings' | 'readPipeline' | 'postChangeNote'> & {
    readChangeState(ref: ChangeRef): Promise<ChangeState['state']>;
    changeContributors(ref: ChangeRef): Promise<ChangeContributors>;
    markWorkReady(ref: ChangeRef): Promise<void>;
    mergeWork(ref: ChangeRef, sha: string): Promise<{ mergeSha?: string }>;
    closeWorkChange(ref: ChangeRef): Promise<void>;
    deleteWorkBranch(repo: RepositoryRef, branch: string): Promise<void>;
    readRunSettings(): Promise<RunSettings>;
  };

export const alice: JiraUser = { accountId: 'acc-alice', displayName: 'Alice Approver' };
export const mallory: JiraUser = { accountId: 'acc-mallory', displayName: 'Mallory Reader' };

/** A planner's answer: a plan (its files, size) or questions. */
export type PlanScript = Partial<Pick<PlanDigest, 'files' | 'size' | 'questions'>>;
export type WorkScript = Partial<Pick<WorkDigest, 'paths' | 'filesChanged' | 'linesAdded' | 'linesDeleted' | 'commands'>>;

export class TicketWorld {
  calls: string[] = [];
  modelCalls: AgentAssignment[] = [];
  notes: Array<{ id: string; note: TicketNote }> = [];
  comments: TicketCommentRead[] = [];
  openedPlans: Array<Parameters<TicketActivities['openPlanChange']>[0]> = [];
  described: Array<Parameters<TicketActivities['describeTicketChange']>[1]> = [];
  commits: Array<Parameters<TicketActivities['commitTicketWork']>[0]> = [];
  transitions: string[] = [];
  permissionChecks: Array<{ accountId: string; permission: string }> = [];
  closed: number[] = [];
  deleted: string[] = [];
  ready: number[] = [];
  merged: Array<{ number: number; sha: string }> = [];
  cancelled: string[] = [];
  /** Answers in threads on the change (`/claude revise` notes): the note's id and what was said. */
  threadAnswers: Array<{ noteId: string; answer: CommandAnswer }> = [];

  readonly key: string;
  ticket: TicketDigest;
  gone = false;
  mapped = true;
  /** People with the mapping's approve permission. */
  permitted = new Set([alice.accountId]);
  repoSettings: ParsedRepoSettings = parseRepoSettings('commands:\n  test: npm test\n');
  /** The planner's answers, in turn (then the default plan). */
  plans: PlanScript[] = [];
  /** The implementer's answers, in turn (then the default work). */
  works: WorkScript[] = [];
  /** The n-th agent call of this role (1-based) waits until it is cancelled. */
  hang: { role: 'planner' | 'implementer'; call: number } | undefined;
  pipeline: PipelineState = 'success';
  changeState: ChangeState['state'] = 'opened';
  /** Who the forge says worked on the change (changeContributors answers it as it is at each call). */
  contributors: ChangeContributors = { people: [], unmappedEmails: 0, truncated: false };
  /** Notes forgebot posted on the change (postChangeNote), e.g. an approval withdrawn at the merge gate. */
  changeNotes: string[] = [];
  /** The gate decisions the workflow recorded for the audit trail (recordGateDecisions: not in `calls`). */
  gateDecisions: GateDecisionToRecord[] = [];
  /** Branch heads a person moved (locateFiles answers them). */
  heads = new Map<string, string>();
  private nextCommentId = 10_000;
  private commitCount = 0;

  constructor(
    readonly mapping: JiraRepositoryMapping,
    options: { key: string; agentTaskQueue: string },
    readonly runSettings: RunSettings = { debounceMs: 0, reviewDrafts: false, agentTaskQueue: options.agentTaskQueue, agentTimeoutMs: 60_000, agentHeartbeatTimeoutMs: 10_000, reviewsPerRun: 10 },
  ) {
    this.key = options.key;
    this.ticket = {
      key: options.key,
      projectKey: options.key.split('-')[0] ?? 'PROJ',
      summary: 'Add a CSV export to the report page',
      status: { id: '3', name: 'Ready for Dev' },
      inReady: true,
      webUrl: `https://jira.test/browse/${options.key}`,
      labels: [],
      components: [],
    };
  }

  /** A mapping with the defaults of JIRA_REPOSITORIES, for `group/<path>`. */
  static mapping(path: string, overrides: Partial<JiraRepositoryMapping> = {}): JiraRepositoryMapping {
    return JiraRepositoryMapping.parse({ jiraProject: 'PROJ', forge: 'gitlab', projectId: 4242, projectPath: path, inReviewStatus: 'In Review', ...overrides });
  }

  /** The default plan: one source file and its test. */
  static readonly planFiles = ['src/report/export.ts', 'test/report/export.test.ts'];

  get branch(): string {
    return this.openedPlans[0]?.branch ?? '';
  }

  notesOf(kind: TicketNote['kind']): TicketNote[] {
    return this.notes.map(({ note }) => note).filter((note) => note.kind === kind);
  }

  private call(name: string): void {
    this.calls.push(name);
  }

  private ref(number: number): ChangeRef {
    return { forge: this.mapping.forge, projectId: this.mapping.projectId, projectPath: this.mapping.projectPath, number };
  }

  /** A person's comment on the ticket, as Jira keeps it (the webhook's signal is `notify`). */
  addComment(author: JiraUser, intent: TicketCommentRead['intent'], text: string): TicketCommentRead {
    const comment: TicketCommentRead = { id: String(this.nextCommentId++), author, byForgebot: false, intent, text };
    this.comments.push(comment);
    return comment;
  }

  /** A person comments, and the webhook signals the workflow. */
  async comment(handle: TicketHandle, author: JiraUser, intent: TicketCommentRead['intent'], text: string): Promise<TicketCommentRead> {
    const comment = this.addComment(author, intent, text);
    await handle.signal(ticketCommentSignal, { commentId: comment.id, author });
    return comment;
  }

  /** Waits until the activity is cancelled (heartbeating, so the cancel reaches it). */
  private async hangUntilCancelled(what: string): Promise<never> {
    const context = Context.current();
    const beat = setInterval(() => context.heartbeat(), 100);
    try {
      return await new Promise<never>((_resolve, reject) => context.cancellationSignal.addEventListener('abort', () => reject(new CancelledFailure('stopped'))));
    } finally {
      this.cancelled.push(what);
      clearInterval(beat);
    }
  }

  main(): Main {
    return {
      readRunSettings: async () => this.runSettings,
      answerCommand: async (_ref, noted, answer) => {
        this.call(`answerCommand:${answer.kind}`);
        this.threadAnswers.push({ noteId: noted.noteId, answer });
        return { id: `answer-${this.threadAnswers.length}` };
      },
      recordGateDecisions: async ({ decisions }) => {
        this.gateDecisions.push(...decisions);
        return { written: decisions.length };
      },
      readTicketForWork: async () => {
        this.call('readTicketForWork');
        if (this.gone) return { kind: 'gone' };
        return {
          kind: 'found',
          ticket: { ...this.ticket },
          ...(this.mapped ? { mapping: this.mapping } : { unmappedReason: `no JIRA_REPOSITORIES mapping for project ${this.ticket.projectKey}` }),
          requirementsClaim: claim('ticket-requirements', this.calls.length),
          acceptanceCriteria: 'section',
        };
      },
      readTicketComments: async (_key, afterId) => {
        this.call('readTicketComments');
        const after = afterId === undefined ? -1 : Number(afterId);
        return this.comments.filter((comment) => Number(comment.id) > after);
      },
      checkTicketPermission: async (_key, accountId, permission) => {
        this.call('checkTicketPermission');
        this.permissionChecks.push({ accountId, permission });
        return this.permitted.has(accountId);
      },
      commentOnTicket: async (_key, note) => {
        this.call(`commentOnTicket:${note.kind}`);
        const id = String(this.nextCommentId++);
        this.notes.push({ id, note });
        this.comments.push({ id, author: { accountId: 'forgebot', displayName: 'forgebot' }, byForgebot: true, intent: 'answer', text: note.kind });
        return { id };
      },
      transitionTicket: async (_key, statusName) => {
        this.call('transitionTicket');
        this.transitions.push(statusName);
        this.ticket = { ...this.ticket, status: { id: '4', name: statusName }, inReady: false };
        return true;
      },
      openPlanChange: async (input) => {
        this.call('openPlanChange');
        this.openedPlans.push(input);
        return { change: { ref: this.ref(7), webUrl: `https://forge.test/${this.mapping.projectPath}/-/merge_requests/7` }, branch: input.branch, headSha: sha(2) };
      },
      describeTicketChange: async (_ref, input) => {
        this.call('describeTicketChange');
        this.described.push(input);
      },
      commitTicketWork: async (input) => {
        this.call('commitTicketWork');
        this.commits.push(input);
        this.commitCount += 1;
        return { sha: sha(100 + this.commitCount) };
      },
      locateFiles: async (_repo, branch) => {
        this.call('locateFiles');
        const ours = branch === this.mapping.defaultBranch ? sha(1) : (this.commits.length > 0 ? sha(100 + this.commitCount) : sha(2));
        return { headSha: this.heads.get(branch) ?? ours, existing: [], cloneUrl: 'file:///nowhere' };
      },
      readRepositorySettings: async () => {
        this.call('readRepositorySettings');
        return this.repoSettings;
      },
      readPipeline: async () => {
        this.call('readPipeline');
        return { state: this.pipeline, webUrl: 'https://forge.test/pipelines/1' };
      },
      readChangeState: async () => {
        this.call('readChangeState');
        return this.changeState;
      },
      postChangeNote: async (_ref, body) => {
        this.call('postChangeNote');
        this.changeNotes.push(body);
        return { id: `change-note-${this.changeNotes.length}` };
      },
      changeContributors: async () => {
        this.call('changeContributors');
        return structuredClone(this.contributors);
      },
      markWorkReady: async (change) => {
        this.call('markWorkReady');
        this.ready.push(change.number);
      },
      mergeWork: async (change, commitSha) => {
        this.call('mergeWork');
        this.merged.push({ number: change.number, sha: commitSha });
        return { mergeSha: sha(3) };
      },
      closeWorkChange: async (change) => {
        this.call('closeWorkChange');
        this.closed.push(change.number);
      },
      deleteWorkBranch: async (_repo, branch) => {
        this.call('deleteWorkBranch');
        this.deleted.push(branch);
      },
    };
  }

  agent(): AgentActivities {
    const calls = { planner: 0, implementer: 0 };
    return {
      runAgent: async ({ assignment }) => {
        this.call(`runAgent:${assignment.role}`);
        this.modelCalls.push(assignment);
        if (assignment.role !== 'planner' && assignment.role !== 'implementer') throw new Error(`no ${assignment.role} in this world`);
        calls[assignment.role] += 1;
        if (this.hang?.role === assignment.role && this.hang.call === calls[assignment.role]) await this.hangUntilCancelled(assignment.role);
        if (assignment.role === 'planner') {
          const script = this.plans.shift() ?? {};
          const files = script.files ?? TicketWorld.planFiles;
          const digest: PlanDigest = { role: 'planner', files, size: script.size ?? { files: files.length, lines: 40 }, questions: script.questions ?? 0, usage, costUsd: 0.01, truncated: false };
          return { claim: claim('agent-planner', calls.planner), digest };
        }
        const script = this.works.shift() ?? {};
        const paths = script.paths ?? TicketWorld.planFiles;
        const digest: WorkDigest = {
          role: 'implementer',
          filesChanged: script.filesChanged ?? paths.length,
          linesAdded: script.linesAdded ?? 30,
          linesDeleted: script.linesDeleted ?? 2,
          paths,
          commands: script.commands ?? [{ name: 'test', exitCode: 0, timedOut: false }],
          usage,
          costUsd: 0.02,
          truncated: false,
        };
        return { claim: claim('agent-implementer', 100 + calls.implementer), digest };
      },
      runReviewAgent: async () => {
        throw new Error('the ticket workflow never reviews');
      },
    };
  }
}

/** Polls `check` until it holds (every 50 ms), failing after `timeoutMs` with `what`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Quick waits for tests: the change polled every 200 ms, gates open for a minute, reminders after half of it. */
export const TEST_TIMING: Partial<TicketTiming> = { pollIntervalMs: 200, answerExpiryMs: 60_000, planGateExpiryMs: 60_000, planReminderMs: 30_000, mergeGateExpiryMs: 60_000, mergeReminderMs: 30_000 };

/**
 * Runs a main and an agent worker on the world's fakes while `body` drives one ticket workflow, started as the
 * webhook starts it (signal-with-start of ticketReady). Both workers are shut down when `body` ends.
 */
export async function withTicket(env: TestWorkflowEnvironment, world: TicketWorld, body: (handle: TicketHandle) => Promise<void>, timing: Partial<TicketTiming> = TEST_TIMING): Promise<void> {
  const taskQueue = `${world.runSettings.agentTaskQueue}-main`;
  const main = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities: world.main() });
  // Heartbeats every 200 ms at most, so that a cancel reaches a hanging agent job quickly.
  const agent = await Worker.create({ connection: env.nativeConnection, taskQueue: world.runSettings.agentTaskQueue, activities: world.agent(), maxConcurrentActivityTaskExecutions: 1, maxHeartbeatThrottleInterval: '200ms', defaultHeartbeatThrottleInterval: '200ms' });
  const subject = { kind: 'jira-ticket' as const, key: world.key };
  const input: TicketRunInput = { subject, changelogId: '5001', timing };
  await main.runUntil(
    agent.runUntil(async () => {
      const started = await env.client.workflow.signalWithStart<typeof ticketWorkflow, [{ changelogId: string }]>('ticketWorkflow', {
        workflowId: workflowIdFor('ticket', subject),
        taskQueue,
        args: [input],
        signal: ticketReadySignal,
        signalArgs: [{ changelogId: '5001' }],
      });
      await body(env.client.workflow.getHandle<typeof ticketWorkflow>(started.workflowId));
    }),
  );
}
