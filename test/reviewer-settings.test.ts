// `.forgebot.yml` decides what the workflow does: reviewer off → a note, no agent job; usage and coverage in the
// status query. Real Temporal, plain-object activities.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { digestOf } from '../src/activities/agent-digest.js';
import { createRunSettingsActivities } from '../src/activities/run-settings-activities.js';
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { AgentActivities } from '../src/activities/agent-activities.js';
import type { ChangeState, ForgeActivities } from '../src/activities/forge-activities.js';
import type { ReviewContext } from '../src/domain/agent-task.js';
import { reviewWorkflowId, type ChangeRef } from '../src/domain/change-ref.js';
import type { ReviewResult } from '../src/domain/finding.js';
import { DEFAULT_REPO_SETTINGS } from '../src/domain/review-settings.js';
import { newRevisionSignal, statusQuery, type ReviewStatus } from '../src/workflows/definitions.js';
import { registerSearchAttributes } from '../src/workers/register-search-attributes.js';
import { workflowBundle } from '../src/workers/workflow-source.js';
import { startTemporal, unique } from './helpers/temporal.js';

const sha = (n: number) => n.toString(16).padStart(40, 'b');
let env: TestWorkflowEnvironment;
before(async () => {
  env = await startTemporal();
  await registerSearchAttributes(env.connection, 'default');
});
after(async () => {
  await env?.teardown();
});

async function run(review: ReviewContext, probe: (status: ReviewStatus) => boolean) {
  const published: ReviewResult[] = [];
  const agentRuns: ChangeState[] = [];
  const lastShas: (string | undefined)[] = [];
  const forge: ForgeActivities = {
    fetchChange: async (_ref, lastReviewedSha) => {
      lastShas.push(lastReviewedSha);
      return { state: 'opened', draft: false, headSha: sha(1), baseSha: sha(0), cloneUrl: 'file:///x', changedPaths: ['a.ts'], review };
    },
    publishReview: async (_ref, result) => {
      published.push(result);
      return { published: true, currentHeadSha: sha(1), summaryCreated: true, inlinePosted: 0, inlineAlreadyPresent: 0, unanchored: 0 };
    },
    readChangeState: async () => 'opened',
    publishStoredReview: async (ref, claim) => {
      const stored = claims.get(claim.key);
      if (!stored) throw new Error(`no claim ${claim.key}`);
      return forge.publishReview(ref, stored);
    },
    reportFailure: async () => undefined,
  };
  // The claim check as a map: runAgent keeps the result, publishStoredReview reads it back; the digest is the real one.
  const claims = new Map<string, ReviewResult>();
  const agent: AgentActivities = {
    runReviewAgent: async (_request, change) => {
      agentRuns.push(change);
      const usage = { inputTokens: 100, outputTokens: 20, cacheReadTokens: 300, cacheWriteTokens: 50, turns: 2 };
      return { headSha: change.headSha, summary: 'ok', findings: [], model: 'claude-haiku-4-5', usage, truncated: false, costUsd: 0.0012, filesReviewed: 1, notReviewed: [{ path: 'package-lock.json', reason: 'lock file' }] };
    },
    runAgent: async ({ assignment }) => {
      if (assignment.role !== 'reviewer') throw new Error('reviews only');
      const review = await agent.runReviewAgent(assignment.request, assignment.change);
      const key = `review.${claims.size}`;
      claims.set(key, review);
      return { claim: { store: 'file', key, sha256: '0'.repeat(64), bytes: 0 }, digest: digestOf({ role: 'reviewer', review }) };
    },
  };
  const taskQueue = unique('main');
  const agentTaskQueue = unique('agent');
  const ref: ChangeRef = { forge: 'gitlab', projectId: Math.floor(Math.random() * 1e6) + 1, projectPath: 'group/project', number: 9 };
  const settings = { debounceMs: 50, reviewDrafts: false, agentTaskQueue, agentTimeoutMs: 60_000, reviewsPerRun: 50 };
  const main = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities: { ...forge, ...createRunSettingsActivities(settings) } });
  const agentWorker = await Worker.create({ connection: env.nativeConnection, taskQueue: agentTaskQueue, activities: agent });
  let status: ReviewStatus | undefined;
  await main.runUntil(agentWorker.runUntil(async () => {
    const handle = await env.client.workflow.signalWithStart('reviewWorkflow', {
      workflowId: reviewWorkflowId(ref),
      taskQueue,
      args: [{ ref }],
      signal: newRevisionSignal,
      signalArgs: [{ ref, headSha: sha(1), title: 't', author: 'a', sourceBranch: 'f', targetBranch: 'main', webUrl: 'http://x', draft: false }],
    });
    const deadline = Date.now() + 20_000;
    for (;;) {
      status = await handle.query(statusQuery);
      if (probe(status) && published.length > 0) break;
      if (Date.now() > deadline) throw new Error('timed out waiting for the workflow');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await handle.terminate();
  }));
  return { published, agentRuns, lastShas, status: status! };
}

const context = (enabled: boolean): ReviewContext => ({
  settings: { ...DEFAULT_REPO_SETTINGS, reviewer: { ...DEFAULT_REPO_SETTINGS.reviewer, enabled } },
  guidelines: [], priorFindings: [], resolvedFingerprints: [], notices: [],
});

test('reviewer.enabled: false → a note that reviews are off, no agent job, and the SHA is not marked reviewed', async () => {
  const { published, agentRuns, status } = await run(context(false), (s) => s.phase === 'waiting');
  assert.equal(agentRuns.length, 0);
  assert.match(published[0]!.summary, /reviews are turned off for this repository \(`reviewer\.enabled: false`/);
  assert.equal(status.lastReviewedSha, undefined);
});

test('a review: the agent gets the review context; usage, cost and coverage are in the status query', async () => {
  const { agentRuns, lastShas, status } = await run(context(true), (s) => s.reviewsCompleted === 1);
  assert.equal(agentRuns[0]!.review?.settings.reviewer.enabled, true);
  assert.deepEqual(lastShas, [undefined], 'the first review is a full one');
  assert.deepEqual(status.lastUsage, { inputTokens: 100, outputTokens: 20, cacheReadTokens: 300, cacheWriteTokens: 50, turns: 2 });
  assert.equal(status.lastCostUsd, 0.0012);
  assert.deepEqual(status.lastCoverage, { reviewed: 1, notReviewed: 1 });
});
