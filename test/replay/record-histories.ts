// Records reviewWorkflow histories from the workflow code as it is now, for test/replay.test.ts.
// Run: ./scripts/with-tools.sh node --import tsx test/replay/record-histories.ts [--overwrite] [scenario…]   (README.md)
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Context } from '@temporalio/activity';
import type { WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import proto from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { AgentActivities } from '../../src/activities/agent-activities.js';
import type { ChangeState, ForgeActivities } from '../../src/activities/forge-activities.js';
import type { PublishOutcome } from '../../src/activities/publish-review.js';
import { reviewWorkflowId, type ChangeRef } from '../../src/domain/change-ref.js';
import type { ReviewResult } from '../../src/domain/finding.js';
import type { ReviewRequest } from '../../src/domain/review-request.js';
import { DEFAULT_REPO_SETTINGS } from '../../src/domain/review-settings.js';
import { createLogger } from '../../src/logger.js';
import { registerSearchAttributes } from '../../src/workers/register-search-attributes.js';
import { workflowBundle } from '../../src/workers/workflow-source.js';
import type { reviewWorkflow } from '../../src/workflows/review.js';
import { cancelReviewSignal, changeClosedSignal, newRevisionSignal, statusQuery, type ReviewSettings, type ReviewStatus } from '../../src/workflows/definitions.js';
import { eventually } from '../helpers/forgebot-stack.js';
import { startTemporal } from '../helpers/temporal.js';
import { historyToJSON } from './history-json.js';

const EventType = proto.temporal.api.enums.v1.EventType;
const historiesDir = fileURLToPath(new URL('./histories/', import.meta.url));
const log = createLogger(process.env.LOG_LEVEL ?? 'info', 'json', 'record-histories');
const sha = (n: number) => n.toString(16).padStart(40, 'a');

/** Fake forge + agent activities (plain objects) that record what the workflow asked for. */
class World {
  head = sha(1);
  draft = false;
  reviewerEnabled = true;
  fetched: string[] = [];
  reviewsStarted: string[] = [];
  reviewsCancelled: string[] = [];
  published: string[] = [];
  failures: string[] = [];
  /** Review of these SHAs waits until cancelled. */
  hang = new Set<string>();
  /** Review of these SHAs fails for good, as a model API refusing the key does. */
  unauthorized = new Set<string>();

  constructor(readonly ref: ChangeRef) {}

  request(headSha: string): ReviewRequest {
    return { ref: this.ref, headSha, title: 'Add feature', author: 'alice', sourceBranch: 'feature', targetBranch: 'main', webUrl: 'http://forge.test/mr/7', draft: this.draft };
  }

  // Only what reviewWorkflow calls in these recordings, so the fakes keep compiling when activities are added.
  forge: Pick<ForgeActivities, 'fetchChange' | 'publishReview' | 'reportFailure'> = {
    fetchChange: async (_ref, lastReviewedSha): Promise<ChangeState> => {
      this.fetched.push(this.head);
      const settings = { ...DEFAULT_REPO_SETTINGS, reviewer: { ...DEFAULT_REPO_SETTINGS.reviewer, enabled: this.reviewerEnabled } };
      const review = { settings, guidelines: [], priorFindings: [], resolvedFingerprints: [], notices: [], ...(lastReviewedSha ? { lastReviewedSha } : {}) };
      return { state: 'opened', draft: this.draft, headSha: this.head, baseSha: sha(0), cloneUrl: 'file:///nowhere', changedPaths: ['a.ts'], review };
    },
    publishReview: async (_ref, review): Promise<PublishOutcome> => {
      this.published.push(review.headSha);
      return { published: review.headSha === this.head, currentHeadSha: this.head, summaryCreated: true, inlinePosted: 0, inlineAlreadyPresent: 0, unanchored: 0 };
    },
    reportFailure: async (_ref, headSha, reason) => {
      this.failures.push(`${headSha}: ${reason}`);
    },
  };

  agent: Pick<AgentActivities, 'runReviewAgent'> = {
    runReviewAgent: async (_request, change): Promise<ReviewResult> => {
      this.reviewsStarted.push(change.headSha);
      if (this.unauthorized.has(change.headSha)) {
        throw ApplicationFailure.create({ type: 'ERR_MODEL_UNAUTHORIZED', message: '401 invalid x-api-key', nonRetryable: true });
      }
      if (this.hang.has(change.headSha)) await this.hangUntilCancelled(change.headSha);
      const usage = { inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0, turns: 1 };
      return { headSha: change.headSha, summary: `reviewed ${change.headSha}`, findings: [], model: 'fake', usage, truncated: false };
    },
  };

  private async hangUntilCancelled(headSha: string): Promise<never> {
    const context = Context.current();
    const beat = setInterval(() => context.heartbeat(), 100);
    try {
      return await new Promise<never>((_resolve, reject) => context.cancellationSignal.addEventListener('abort', () => reject(new CancelledFailure('stopped'))));
    } catch (error) {
      this.reviewsCancelled.push(headSha);
      throw error;
    } finally {
      clearInterval(beat);
    }
  }
}

type Handle = WorkflowHandle<typeof reviewWorkflow>;

/** What a scenario can do: push a head SHA (signal-with-start, as the webhook does) and wait on the workflow. */
interface Drive {
  world: World;
  /** Pushes `headSha`; answers the handle of the run the signal reached. */
  push(headSha: string): Promise<Handle>;
  status(handle: Handle): Promise<ReviewStatus>;
  until(what: string, check: () => boolean | Promise<boolean>): Promise<void>;
}

/** A scenario drives one workflow to its close and answers the runs to record, by file name. */
type Scenario = (drive: Drive) => Promise<Record<string, Handle>>;

async function closeAndWait(handle: Handle, reason: 'closed' | 'merged'): Promise<void> {
  await handle.signal(changeClosedSignal, { reason });
  assert.equal((await handle.result()).phase, 'closed');
}

const scenarios: Record<string, { settings?: Partial<ReviewSettings>; run: Scenario }> = {
  'review-lifecycle': {
    run: async ({ world, push, status, until }) => {
      const handle = await push(sha(1));
      await until('sha1 reviewed', async () => (await status(handle)).lastReviewedSha === sha(1));
      world.hang.add(sha(2));
      await push(sha(2));
      await until('sha2 review running', async () => (await status(handle)).reviewingSha === sha(2));
      await handle.signal(cancelReviewSignal, { by: 'oncall', reason: 'model outage' });
      await until('operator cancel done', async () => {
        const now = await status(handle);
        return now.reviewsCancelled === 1 && now.phase === 'waiting';
      });
      await push(sha(3));
      await until('sha3 re-reviewed', async () => (await status(handle)).lastReviewedSha === sha(3));
      await closeAndWait(handle, 'merged');
      assert.deepEqual([world.reviewsStarted, world.reviewsCancelled, world.published], [[sha(1), sha(2), sha(3)], [sha(2)], [sha(1), sha(3)]]);
      return { 'review-lifecycle': handle };
    },
  },
  'review-push-cancels': {
    run: async ({ world, push, status, until }) => {
      world.hang.add(sha(1));
      const handle = await push(sha(1));
      await until('sha1 review running', async () => (await status(handle)).reviewingSha === sha(1));
      await push(sha(2));
      await until('sha2 reviewed', async () => (await status(handle)).lastReviewedSha === sha(2));
      assert.equal((await status(handle)).reviewsCancelled, 1);
      await closeAndWait(handle, 'closed');
      assert.deepEqual([world.reviewsCancelled, world.published], [[sha(1)], [sha(2)]]);
      return { 'review-push-cancels': handle };
    },
  },
  'review-continue-as-new': {
    settings: { reviewsPerRun: 2 },
    run: async ({ world, push, status, until }) => {
      const first = await push(sha(1));
      await until('sha1 reviewed', async () => (await status(first)).reviewsCompleted === 1);
      await push(sha(2));
      await until('first run continued as new', async () => (await first.describe()).status.name === 'CONTINUED_AS_NEW');
      const second = await push(sha(3));
      assert.notEqual((await second.describe()).runId, (await first.describe()).runId);
      await until('sha3 reviewed in the new run', async () => (await status(second)).reviewsCompleted === 3);
      await closeAndWait(second, 'closed');
      assert.deepEqual(world.published, [sha(1), sha(2), sha(3)]);
      return { 'review-continue-as-new-run1': first, 'review-continue-as-new-run2': second };
    },
  },
  'review-failure': {
    run: async ({ world, push, status, until }) => {
      world.unauthorized.add(sha(1));
      const handle = await push(sha(1));
      await until('failure reported', async () => world.failures.length === 1 && (await status(handle)).phase === 'failed');
      assert.match(world.failures[0] ?? '', /ERR_MODEL_UNAUTHORIZED: 401 invalid x-api-key/);
      await push(sha(2));
      await until('sha2 reviewed', async () => (await status(handle)).lastReviewedSha === sha(2));
      await closeAndWait(handle, 'closed');
      assert.deepEqual([world.reviewsStarted, world.published], [[sha(1), sha(2)], [sha(2)]]);
      return { 'review-failure': handle };
    },
  },
  'review-draft-and-reviews-off': {
    run: async ({ world, push, status, until }) => {
      world.draft = true;
      const handle = await push(sha(1));
      await until('draft read and skipped', async () => world.fetched.length === 1 && (await status(handle)).phase === 'waiting');
      world.draft = false;
      world.reviewerEnabled = false;
      await push(sha(2));
      await until('reviews-off note published', async () => world.published.length === 1 && (await status(handle)).phase === 'waiting');
      await closeAndWait(handle, 'closed');
      assert.deepEqual([world.reviewsStarted, world.published, (await status(handle)).lastReviewedSha], [[], [sha(2)], undefined]);
      return { 'review-draft-and-reviews-off': handle };
    },
  },
};

async function record(env: TestWorkflowEnvironment, name: string, index: number, overwrite: boolean): Promise<void> {
  const scenario = scenarios[name];
  if (!scenario) throw new Error(`unknown scenario ${name}; known: ${Object.keys(scenarios).join(', ')}`);
  const taskQueue = `replay-${name}`;
  const agentTaskQueue = `replay-${name}-agent`;
  const ref: ChangeRef = { forge: 'gitlab', projectId: 100 + index, projectPath: `group/${name}`, number: 7 };
  const settings: ReviewSettings = { debounceMs: 50, reviewDrafts: false, agentTaskQueue, agentTimeoutMs: 60_000, reviewsPerRun: 50, ...scenario.settings };
  const world = new World(ref);
  const client = env.client.workflow;
  const drive: Drive = {
    world,
    push: async (headSha) => {
      world.head = headSha;
      const started = await client.signalWithStart<typeof reviewWorkflow, [ReviewRequest]>('reviewWorkflow', {
        workflowId: reviewWorkflowId(ref),
        taskQueue,
        args: [{ ref, settings }],
        signal: newRevisionSignal,
        signalArgs: [world.request(headSha)],
      });
      return client.getHandle<typeof reviewWorkflow>(started.workflowId, started.signaledRunId);
    },
    status: (handle) => handle.query(statusQuery),
    until: async (what, check) => {
      await eventually(async () => (await check()) || undefined, `${name}: ${what}`, 30_000);
    },
  };
  const main = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities: world.forge });
  // Heartbeats (which bring an activity its cancellation) go out at least every 200 ms, not up to 48 s apart.
  const agent = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: agentTaskQueue,
    activities: world.agent,
    maxConcurrentActivityTaskExecutions: 1,
    maxHeartbeatThrottleInterval: '200ms',
  });
  const runs = await main.runUntil(agent.runUntil(scenario.run(drive)));
  for (const [file, handle] of Object.entries(runs)) {
    const history = await handle.fetchHistory();
    const last = history.events?.at(-1)?.eventType;
    assert.ok(last === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED || last === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW, `${file}: the run did not close`);
    const path = `${historiesDir}${file}.json`;
    // 'wx': an existing history is never replaced by accident (README.md: add new files, use patched()).
    await writeFile(path, historyToJSON(history), { flag: overwrite ? 'w' : 'wx' }).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      throw new Error(`${path} exists: record a new scenario instead (or pass --overwrite, see README.md)`);
    });
    log.info({ file: path, events: history.events?.length, lastEvent: EventType[last] }, 'history recorded');
  }
}

async function main(args: string[]): Promise<void> {
  const { values, positionals: names } = parseArgs({ args, options: { overwrite: { type: 'boolean', default: false } }, allowPositionals: true });
  await mkdir(historiesDir, { recursive: true });
  const env = await startTemporal();
  try {
    await registerSearchAttributes(env.connection, 'default');
    const all = Object.keys(scenarios);
    for (const name of names.length > 0 ? names : all) await record(env, name, all.indexOf(name), values.overwrite);
  } finally {
    await env.teardown();
  }
}

await main(process.argv.slice(2));
