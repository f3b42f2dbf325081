import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { SUMMARY_MARKER } from '../../src/domain/render.js';
import { FakeAnthropic } from '../../src/fakes/anthropic/fake-anthropic.js';
import { textOf, toolUse, type MessagesRequest, type ScriptedReply } from '../../src/fakes/anthropic/messages.js';
import { FakeGitLab } from '../../src/fakes/gitlab/fake-gitlab.js';
import type { FakeNote } from '../../src/fakes/gitlab/state.js';
import { registerSearchAttributes } from '../../src/workers/register-search-attributes.js';
import { E2E_GITLAB_TOKEN, E2E_MODEL_KEY } from './e2e-world.js';
import { startForgebot, type Stack, type StackOptions, type TemporalEndpoint } from './forgebot-stack.js';
import { loadFixture } from './fixtures.js';
import { TestRepo } from './git-repo.js';
import { ModelGate } from './model-gate.js';
import { connectRedis } from './redis.js';
import { deliver, TEST_SECRET } from './webhook-server.js';

export const PROJECT = { id: 7, path: 'forgebot/bad-day' } as const;

/** The file MR !n adds; the model's finding for it is on its line 1. */
export const fileOf = (iid: number) => `src/mr-${iid}.ts`;
export const findingTitle = (iid: number) => `Unchecked input in MR ${iid}`;

/**
 * The model for every review here: a review of the MR whose file the diff shows, with one finding on its first line.
 * It answers any number of calls (a retried job asks again), so duplicates can only come from forgebot.
 */
export function reviewOfItsMergeRequest(request: MessagesRequest): ScriptedReply {
  const text = request.messages.map((message) => textOf(message.content)).join('\n');
  const iid = Number(/src\/mr-(\d+)\.ts/.exec(text)?.[1] ?? Number.NaN);
  if (!Number.isSafeInteger(iid)) return { error: { status: 400, type: 'invalid_request_error', message: 'model: no merge request file in the brief' } };
  const finding = { path: fileOf(iid), line: 1, side: 'new', severity: 'major', category: 'bug', confidence: 0.9, title: findingTitle(iid), body: 'The input is used unchecked.' };
  return { content: [toolUse('submit_review', { summary: `Reviewed MR ${iid}.`, findings: [finding] })] };
}

/** Which MR a model call is for (from the diff in its brief), or undefined. */
export function mergeRequestOfCall(body: string): number | undefined {
  const iid = Number(/src\/mr-(\d+)\.ts/.exec(body)?.[1] ?? Number.NaN);
  return Number.isSafeInteger(iid) ? iid : undefined;
}

export interface ManyReviewsWorld {
  repo: TestRepo;
  redis: Redis;
  gitlab: FakeGitLab;
  model: FakeAnthropic;
  /** In front of the model (forgebot's ANTHROPIC_BASE_URL): holds the runners' calls until released. */
  gate: ModelGate;
  stack: Stack;
  iids: number[];
  /** Delivers MR !iid's "open" webhook; resolves to the HTTP status. */
  open(iid: number): Promise<number>;
  summaries(iid: number): FakeNote[];
  inlineComments(iid: number): FakeNote[];
  stop(): Promise<void>;
}

/**
 * A fake GitLab holding one project (a real git repository) with `count` open merge requests, each adding its own file,
 * a model behind a gate, and forgebot wired to the given Temporal (any address: a file-backed server that is restarted).
 */
export async function startManyReviewsWorld(options: {
  temporal: TemporalEndpoint;
  count: number;
  vars?: Record<string, string>;
  stackOptions?: StackOptions;
}): Promise<ManyReviewsWorld> {
  await registerSearchAttributes(options.temporal.client.connection, 'default');
  const iids = Array.from({ length: options.count }, (_, index) => index + 1);
  const repo = await TestRepo.create({ 'README.md': '# bad day\n', 'src/index.ts': 'export const ready = true;\n' }, 'master');
  for (const iid of iids) {
    await repo.branch(`mr-${iid}`, 'master');
    await repo.commit({ [fileOf(iid)]: `export function handle${iid}(input: string) {\n  return JSON.parse(input);\n}\n` }, `MR ${iid}`);
  }
  await repo.checkout('master');
  const redis = await connectRedis();
  const gitlab = new FakeGitLab({ token: E2E_GITLAB_TOKEN });
  await gitlab.start();
  gitlab.addProject({ id: PROJECT.id, pathWithNamespace: PROJECT.path, repoDir: repo.dir });
  for (const iid of iids) await gitlab.addMergeRequest({ projectId: PROJECT.id, iid, title: `Bad day ${iid}`, sourceBranch: `mr-${iid}`, targetBranch: 'master' });
  const model = new FakeAnthropic({ apiKey: E2E_MODEL_KEY, brain: reviewOfItsMergeRequest });
  await model.start();
  const gate = await new ModelGate(() => model.url).start();
  const outboxDir = await mkdtemp(join(tmpdir(), 'forgebot-outbox-'));
  const stack = await startForgebot(options.temporal, redis, {
    GITLAB_URL: gitlab.url,
    GITLAB_TOKEN: E2E_GITLAB_TOKEN,
    GITLAB_WEBHOOK_SECRET: TEST_SECRET,
    ANTHROPIC_API_KEY: E2E_MODEL_KEY,
    ANTHROPIC_BASE_URL: gate.url,
    OUTBOX_DIR: outboxDir,
    ...options.vars,
  }, options.stackOptions);

  const fixture = loadFixture('gitlab', 'merge_request--open');
  const notes = (iid: number) => gitlab.notes(PROJECT.id, iid);
  return {
    repo, redis, gitlab, model, gate, stack, iids,
    async open(iid) {
      const json = structuredClone(fixture.json) as { project: Record<string, unknown>; object_attributes: Record<string, unknown> };
      Object.assign(json.project, { id: PROJECT.id, path_with_namespace: PROJECT.path });
      const sha = await repo.git('rev-parse', `mr-${iid}`);
      Object.assign(json.object_attributes, {
        iid, title: `Bad day ${iid}`, source_branch: `mr-${iid}`, target_branch: 'master', state: 'opened', action: 'open',
        last_commit: { ...(json.object_attributes.last_commit as object), id: sha },
      });
      const headers = { ...fixture.headers, 'X-Gitlab-Token': TEST_SECRET, 'X-Gitlab-Event-UUID': randomUUID() };
      return (await deliver(stack.server.url, headers, JSON.stringify(json))).status;
    },
    summaries: (iid) => notes(iid).filter((note) => note.body.startsWith(SUMMARY_MARKER)),
    inlineComments: (iid) => notes(iid).filter((note) => note.type === 'DiffNote'),
    async stop() {
      // Everything is stopped even when a step fails (a worker that had failed rethrows from stack.stop); then the
      // first failure is thrown.
      const steps: PromiseSettledResult<unknown>[][] = [await Promise.allSettled([stack.stop()]), await Promise.allSettled([gate.stop(), gitlab.stop(), model.stop()])];
      redis.disconnect();
      steps.push(await Promise.allSettled([repo.remove(), rm(outboxDir, { recursive: true, force: true })]));
      const failed = steps.flat().find((step) => step.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}
