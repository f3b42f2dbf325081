// Workflow logic on a real Temporal dev server, with plain-object fake activities.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { AgentActivities } from '../src/activities/agent-activities.js';
import type { ChangeState, ForgeActivities } from '../src/activities/forge-activities.js';
import type { PublishOutcome } from '../src/activities/publish-review.js';
import { reviewWorkflowId, type ChangeRef } from '../src/domain/change-ref.js';
import type { ReviewResult } from '../src/domain/finding.js';
import type { ReviewRequest } from '../src/domain/review-request.js';
import type { ClaimRef } from '../src/domain/claim-ref.js';
import { createRunSettingsActivities } from '../src/activities/run-settings-activities.js';
import { changeClosedSignal, newRevisionSignal, statusQuery, type ReviewSettings } from '../src/workflows/definitions.js';
import { cancelReview, listReviews, reviewStatus } from '../src/cli/commands/reviews.js';
import { registerSearchAttributes } from '../src/workers/register-search-attributes.js';
import { workflowBundle } from '../src/workers/workflow-source.js';
import { startTemporal, unique } from './helpers/temporal.js';

const sha = (n: number) => n.toString(16).padStart(40, 'a');

function request(ref: ChangeRef, headSha: string): ReviewRequest {
  return { ref, headSha, title: 'Add feature', author: 'alice', sourceBranch: 'feature', targetBranch: 'main', webUrl: 'http://x/mr/1', draft: false };
}

/** A stand-in claim check: the reviewed SHA in the key (the fake forge reads it back). */
function claimOf(headSha: string): ClaimRef {
  return { store: 'file', key: `review.${headSha}`, sha256: '0'.repeat(64), bytes: 0 };
}

function result(headSha: string): ReviewResult {
  return {
    headSha,
    summary: `reviewed ${headSha}`,
    findings: [],
    model: 'fake',
    usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, turns: 1 },
    truncated: false,
  };
}

/** Fake forge + agent activities that record what the workflow asked for. */
class World {
  head = sha(1);
  state: ChangeState['state'] = 'opened';
  reviewsStarted: string[] = [];
  reviewsCancelled: string[] = [];
  published: string[] = [];
  failures: string[] = [];
  fetchError: Error | undefined;
  /** Reading the change waits for this (a slow forge), and counts the reads. */
  fetchGate: Promise<void> | undefined;
  fetches = 0;
  /** Review of these SHAs waits until cancelled. */
  hang = new Set<string>();

  forge: ForgeActivities = {
    fetchChange: async () => {
      this.fetches++;
      await this.fetchGate;
      if (this.fetchError) throw this.fetchError;
      return { state: this.state, draft: false, headSha: this.head, baseSha: sha(0), cloneUrl: 'file:///nowhere', changedPaths: ['a.ts'] };
    },
    publishReview: async (_ref, review): Promise<PublishOutcome> => {
      this.published.push(review.headSha);
      return { published: review.headSha === this.head, currentHeadSha: this.head, summaryCreated: true, inlinePosted: 0, inlineAlreadyPresent: 0, unanchored: 0 };
    },
    readChangeState: async () => this.state,
    publishStoredReview: async (ref, claim) => this.forge.publishReview(ref, result(claim.key.slice('review.'.length))),
    reportFailure: async (_ref, headSha, reason) => {
      this.failures.push(`${headSha}: ${reason}`);
    },
  };

  agent: AgentActivities = {
    runAgent: async ({ assignment }) => {
      if (assignment.role !== 'reviewer') throw new Error('this world only reviews');
      const review = await this.agent.runReviewAgent(assignment.request, assignment.change);
      return { claim: claimOf(review.headSha), digest: { role: 'reviewer', headSha: review.headSha, findings: 0, usage: review.usage, notReviewed: 0 } };
    },
    runReviewAgent: async (_request, change) => {
      this.reviewsStarted.push(change.headSha);
      if (this.hang.has(change.headSha)) {
        const context = Context.current();
        const beat = setInterval(() => context.heartbeat(), 100);
        try {
          await new Promise((_resolve, reject) => context.cancellationSignal.addEventListener('abort', () => reject(new CancelledFailure('stopped'))));
        } catch (error) {
          this.reviewsCancelled.push(change.headSha);
          throw error;
        } finally {
          clearInterval(beat);
        }
      }
      return result(change.headSha);
    },
  };
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('review workflow', () => {
  let env: TestWorkflowEnvironment;
  before(async () => {
    env = await startTemporal();
    await registerSearchAttributes(env.connection, 'default');
  });
  after(async () => {
    await env?.teardown();
  });

  async function withWorkers(world: World, settings: Partial<ReviewSettings>, body: (start: (headSha: string) => Promise<{ id: string; runId: string }>, ref: ChangeRef) => Promise<void>) {
    const taskQueue = unique('main');
    const agentTaskQueue = unique('agent');
    const ref: ChangeRef = { forge: 'gitlab', projectId: Math.floor(Math.random() * 1e6) + 1, projectPath: 'group/project', number: 7 };
    const full: ReviewSettings = { debounceMs: 200, reviewDrafts: false, agentTaskQueue, agentTimeoutMs: 60_000, reviewsPerRun: 50, ...settings };
    const activities = { ...world.forge, ...createRunSettingsActivities(() => full) };
    const main = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities });
    // Heartbeats as often as the real agent-worker's (its 2 s), or a cancel waits up to 0.8 × the heartbeat timeout to reach the job.
    const agent = await Worker.create({ connection: env.nativeConnection, taskQueue: agentTaskQueue, activities: world.agent, maxConcurrentActivityTaskExecutions: 1, maxHeartbeatThrottleInterval: '200ms', defaultHeartbeatThrottleInterval: '200ms' });
    const start = async (headSha: string) => {
      world.head = headSha;
      const handle = await env.client.workflow.signalWithStart('reviewWorkflow', {
        workflowId: reviewWorkflowId(ref),
        taskQueue,
        args: [{ ref }],
        signal: newRevisionSignal,
        signalArgs: [request(ref, headSha)],
      });
      return { id: handle.workflowId, runId: handle.signaledRunId };
    };
    await Promise.all([main.runUntil(agent.runUntil(body(start, ref)))]);
  }

  test('a close the forge does not confirm (a replayed delivery) is ignored; the change goes on being reviewed', async () => {
    const world = new World();
    await withWorkers(world, {}, async (start) => {
      const { id } = await start(sha(1));
      const handle = env.client.workflow.getHandle(id);
      await until(async () => (await handle.query(statusQuery)).reviewsCompleted === 1, 'first review');
      await handle.signal(changeClosedSignal, { reason: 'closed' });
      await until(async () => (await handle.query(statusQuery)).closesIgnored === 1, 'the unconfirmed close ignored');
      await start(sha(2));
      await until(async () => (await handle.query(statusQuery)).lastReviewedSha === sha(2), 'the next push is reviewed');
      assert.notEqual((await handle.query(statusQuery)).phase, 'closed');
      world.state = 'merged';
      await handle.signal(changeClosedSignal, { reason: 'closed' });
      assert.equal((await handle.result()).phase, 'closed', 'a confirmed close ends it (the forge says merged)');
    });
    assert.deepEqual(world.published, [sha(1), sha(2)]);
  });

  test('the same revision signalled again while its turn reads the change is a duplicate (one review)', async () => {
    const world = new World();
    let open = () => undefined as void;
    world.fetchGate = new Promise<void>((resolve) => (open = resolve));
    await withWorkers(world, {}, async (start) => {
      const { id } = await start(sha(1));
      const handle = env.client.workflow.getHandle(id);
      await until(() => world.fetches === 1, 'the turn reads the change');
      await start(sha(1)); // in history before the read's result: the workflow sees it first
      open();
      await until(async () => (await handle.query(statusQuery)).reviewsCompleted === 1, 'first review');
      assert.equal((await handle.query(statusQuery)).phase, 'waiting', 'no second turn for the same SHA');
      world.state = 'merged';
      await handle.signal(changeClosedSignal, { reason: 'merged' });
      await handle.result();
    });
    assert.deepEqual(world.reviewsStarted, [sha(1)], 'reviewed once');
  });

  test('reviews the opened change once, then ends when it is merged', async () => {
    const world = new World();
    await withWorkers(world, {}, async (start) => {
      const { id } = await start(sha(1));
      const handle = env.client.workflow.getHandle(id);
      await until(async () => (await handle.query(statusQuery)).reviewsCompleted === 1, 'first review');
      const status = await handle.query(statusQuery);
      assert.equal(status.lastReviewedSha, sha(1));
      assert.equal(status.phase, 'waiting');
      const description = await handle.describe();
      assert.equal(description.searchAttributes.ForgebotPhase?.[0], 'waiting');
      world.state = 'merged';
      await handle.signal(changeClosedSignal, { reason: 'merged' });
      const final = await handle.result();
      assert.equal(final.phase, 'closed');
    });
    assert.deepEqual(world.reviewsStarted, [sha(1)]);
    assert.deepEqual(world.published, [sha(1)]);
  });

  test('the first revision of an opened change is reviewed at once; a later push waits for the quiet period', async () => {
    const world = new World();
    await withWorkers(world, { debounceMs: 600_000 }, async (start) => {
      const { id } = await start(sha(1));
      const handle = env.client.workflow.getHandle(id);
      await until(async () => (await handle.query(statusQuery)).reviewsCompleted === 1, 'the first revision reviewed without the 10-minute debounce');
      await start(sha(2));
      await until(async () => (await handle.query(statusQuery)).phase === 'debouncing', 'the push waits for more pushes');
      assert.deepEqual(world.reviewsStarted, [sha(1)]);
      world.state = 'closed';
      await handle.signal(changeClosedSignal, { reason: 'closed' });
      assert.equal((await handle.result()).phase, 'closed');
    });
    assert.deepEqual(world.published, [sha(1)]);
  });

  test('coalesces a burst of later pushes into one review of the newest SHA', async () => {
    const world = new World();
    await withWorkers(world, { debounceMs: 1500 }, async (start) => {
      const { id } = await start(sha(1));
      const handle = env.client.workflow.getHandle(id);
      await until(async () => (await handle.query(statusQuery)).reviewsCompleted === 1, 'the first revision reviewed');
      await start(sha(2));
      await start(sha(3));
      await start(sha(4));
      await until(async () => (await handle.query(statusQuery)).reviewsCompleted === 2, 'one more review');
      world.state = 'closed';
      await handle.signal(changeClosedSignal, { reason: 'closed' });
      await handle.result();
    });
    assert.deepEqual(world.reviewsStarted, [sha(1), sha(4)]);
  });

  test('a debounce of 0: no quiet period (no timer) for any push', async () => {
    const world = new World();
    await withWorkers(world, { debounceMs: 0 }, async (start) => {
      const { id } = await start(sha(1));
      const handle = env.client.workflow.getHandle(id);
      await until(async () => (await handle.query(statusQuery)).reviewsCompleted === 1, 'first review');
      await start(sha(2));
      await until(async () => (await handle.query(statusQuery)).lastReviewedSha === sha(2), 'second review');
      world.state = 'closed';
      await handle.signal(changeClosedSignal, { reason: 'closed' });
      await handle.result();
      const { events } = await handle.fetchHistory();
      assert.equal(events?.filter((event) => event.timerStartedEventAttributes).length, 0, 'no timer started');
    });
    assert.deepEqual(world.reviewsStarted, [sha(1), sha(2)]);
  });

  test('a push during a running review cancels it and reviews the new SHA', async () => {
    const world = new World();
    world.hang.add(sha(1));
    await withWorkers(world, {}, async (start) => {
      const { id } = await start(sha(1));
      const handle = env.client.workflow.getHandle(id);
      await until(() => world.reviewsStarted.includes(sha(1)), 'first review started');
      await start(sha(2));
      await until(async () => (await handle.query(statusQuery)).lastReviewedSha === sha(2), 'second review done');
      const status = await handle.query(statusQuery);
      assert.equal(status.reviewsCancelled, 1);
      world.state = 'closed';
      await handle.signal(changeClosedSignal, { reason: 'closed' });
      await handle.result();
    });
    assert.deepEqual(world.reviewsCancelled, [sha(1)]);
    assert.deepEqual(world.reviewsStarted, [sha(1), sha(2)]);
    assert.deepEqual(world.published, [sha(2)]);
  });

  test('operators list, inspect and cancel reviews (forgebot reviews): the agent job stops, the workflow stays for the next push', async () => {
    const world = new World();
    world.hang.add(sha(1));
    await withWorkers(world, {}, async (start, ref) => {
      const { id } = await start(sha(1));
      await until(() => world.reviewsStarted.length === 1, 'review started');
      await until(async () => (await listReviews(env.client, { repository: ref.projectPath, phase: 'reviewing' })).some((row) => row.workflowId === id), 'listed as reviewing');
      const [row] = (await listReviews(env.client, { repository: ref.projectPath })).filter((entry) => entry.workflowId === id);
      assert.deepEqual([row?.forge, row?.changeNumber], ['gitlab', 7]);
      assert.equal((await reviewStatus(env.client, id)).reviewingSha, sha(1));

      await cancelReview(env.client, id, 'oncall', 'model outage');
      await until(async () => (await reviewStatus(env.client, id)).phase === 'waiting', 'back to waiting');
      const status = await reviewStatus(env.client, id);
      assert.deepEqual([status.reviewsCancelled, status.lastReviewedSha, status.lastOperatorCancel], [1, undefined, { by: 'oncall', reason: 'model outage', sha: sha(1) }]);
      assert.deepEqual(world.reviewsCancelled, [sha(1)]);

      await start(sha(2));
      await until(async () => (await reviewStatus(env.client, id)).lastReviewedSha === sha(2), 'the next push is reviewed');
      world.state = 'closed';
      await env.client.workflow.getHandle(id).signal(changeClosedSignal, { reason: 'closed' });
      await env.client.workflow.getHandle(id).result();
    });
    assert.deepEqual(world.published, [sha(2)]);
    await assert.rejects(listReviews(env.client, { phase: 'x" OR true' }), /not a valid filter value/);
  });

  test('closing the change during a review stops the agent job and ends the workflow', async () => {
    const world = new World();
    world.hang.add(sha(1));
    await withWorkers(world, {}, async (start) => {
      const { id } = await start(sha(1));
      await until(() => world.reviewsStarted.length === 1, 'review started');
      const handle = env.client.workflow.getHandle(id);
      world.state = 'closed';
      await handle.signal(changeClosedSignal, { reason: 'closed' });
      assert.equal((await handle.result()).phase, 'closed');
    });
    assert.deepEqual(world.reviewsCancelled, [sha(1)]);
    assert.deepEqual(world.published, []);
  });

  test('a permanent failure is reported on the change and the workflow waits for the next push', async () => {
    const world = new World();
    world.fetchError = ApplicationFailure.create({ type: 'ERR_FORGE_UNAUTHORIZED', message: '401 Unauthorized', nonRetryable: true });
    await withWorkers(world, {}, async (start) => {
      const { id } = await start(sha(1));
      const handle = env.client.workflow.getHandle(id);
      await until(() => world.failures.length === 1, 'failure reported');
      assert.match(world.failures[0] ?? '', /ERR_FORGE_UNAUTHORIZED: 401 Unauthorized/);
      const status = await handle.query(statusQuery);
      assert.equal(status.phase, 'failed');
      world.fetchError = undefined;
      await start(sha(2));
      await until(async () => (await handle.query(statusQuery)).lastReviewedSha === sha(2), 'review after fix');
      world.state = 'closed';
      await handle.signal(changeClosedSignal, { reason: 'closed' });
      await handle.result();
    });
  });

  test('continues as new after its review budget, carrying its state', async () => {
    const world = new World();
    await withWorkers(world, { reviewsPerRun: 1 }, async (start) => {
      const { id, runId } = await start(sha(1));
      const handle = env.client.workflow.getHandle(id);
      await until(() => world.published.length === 1, 'first review');
      await until(async () => (await handle.describe()).runId !== runId, 'continued as new');
      await start(sha(2));
      const latest = env.client.workflow.getHandle(id);
      await until(async () => (await latest.query(statusQuery)).reviewsCompleted === 2, 'second review in the new run');
      assert.equal((await latest.query(statusQuery)).lastReviewedSha, sha(2));
      world.state = 'closed';
      await latest.signal(changeClosedSignal, { reason: 'closed' });
      await latest.result();
    });
    assert.deepEqual(world.published, [sha(1), sha(2)]);
  });
});
