// review-upgrade-mid-flight: workflows from before the generic-agent-jobs patch on today's code. Their histories replay
// (down the old path), and one still started with the old input { ref, settings } runs on the new activities: settings
// read per turn, runAgent → publishStoredReview, continue-as-new without settings. The recorded upgrade itself is
// test/replay/histories/review-upgrade-mid-flight.json (replayed by test/replay.test.ts); see test/replay/README.md.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { defaultPayloadConverter } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { reviewWorkflowId, type ChangeRef } from '../src/domain/change-ref.js';
import type { ReviewRequest } from '../src/domain/review-request.js';
import { registerSearchAttributes } from '../src/workers/register-search-attributes.js';
import { workflowBundle } from '../src/workers/workflow-source.js';
import { changeClosedSignal, newRevisionSignal, statusQuery, type ReviewWorkflowInput, type RunSettings } from '../src/workflows/definitions.js';
import type { reviewWorkflow } from '../src/workflows/review.js';
import { eventually } from './helpers/forgebot-stack.js';
import { startTemporal, unique } from './helpers/temporal.js';
import { genericActivities } from './replay/generic-activities.js';
import { historyFromJSON } from './replay/history-json.js';
import { NEW_PATH, pathOf } from './replay/history-paths.js';
import { sha, World } from './replay/replay-world.js';
import type { Handle } from './replay/scenarios.js';

test('review-upgrade-mid-flight: the old review-lifecycle history replays on the current code, down the old path', async () => {
  const history = historyFromJSON(await readFile(new URL('./replay/histories/review-lifecycle.json', import.meta.url), 'utf8'));
  await Worker.runReplayHistory({ workflowBundle: await workflowBundle(), replayName: 'forgebot-upgrade' }, history, 'review-lifecycle');
  const path = pathOf(history);
  assert.equal(path.patchedAfter, undefined, 'recorded before the patch: no generic-agent-jobs marker');
  assert.ok(path.activities.includes('runReviewAgent') && !path.activities.some((name) => NEW_PATH.includes(name)), path.activities.join(', '));
});

describe('review-upgrade-mid-flight: a workflow started with the old input', () => {
  let env: TestWorkflowEnvironment;
  before(async () => {
    env = await startTemporal();
    await registerSearchAttributes(env.connection, 'default');
  });
  after(async () => {
    await env?.teardown();
  });

  test('{ ref, settings } reviews, publishes and closes with the settings read per turn and the generic activities', async () => {
    const taskQueue = unique('upgrade-main');
    const agentTaskQueue = unique('upgrade-agent');
    const ref: ChangeRef = { forge: 'gitlab', projectId: Math.floor(Math.random() * 1e6) + 1, projectPath: 'group/upgrade', number: 7 };
    // What the workflow was started with before the upgrade: settings a worker no longer has (no one polls that
    // queue, an hour of debounce). Were they used, nothing would be reviewed in time.
    const stale: RunSettings = { debounceMs: 3_600_000, reviewDrafts: false, agentTaskQueue: unique('retired-agent'), agentTimeoutMs: 60_000, reviewsPerRun: 50 };
    const current: RunSettings = { debounceMs: 50, reviewDrafts: false, agentTaskQueue, agentTimeoutMs: 60_000, reviewsPerRun: 2 };
    const world = new World(ref);
    const generic = genericActivities(world, () => current);
    const main = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities: generic.main });
    const agent = await Worker.create({ connection: env.nativeConnection, taskQueue: agentTaskQueue, activities: { ...world.agent, ...generic.agent } });
    const client = env.client.workflow;
    const until = (what: string, check: () => Promise<boolean>) => eventually(async () => (await check()) || undefined, what, 20_000);

    await main.runUntil(
      agent.runUntil(async () => {
        world.head = sha(1);
        const started = await client.signalWithStart<typeof reviewWorkflow, [ReviewRequest]>('reviewWorkflow', {
          workflowId: reviewWorkflowId(ref),
          taskQueue,
          args: [{ ref, settings: stale }],
          signal: newRevisionSignal,
          signalArgs: [world.request(sha(1))],
        });
        const first = client.getHandle<typeof reviewWorkflow>(started.workflowId, started.signaledRunId);
        await until('sha1 reviewed', async () => (await first.query(statusQuery)).lastReviewedSha === sha(1));
        world.head = sha(2);
        await first.signal(newRevisionSignal, world.request(sha(2)));
        await until('two reviews: the run continued as new', async () => (await first.describe()).status.name === 'CONTINUED_AS_NEW');

        const latest = client.getHandle<typeof reviewWorkflow>(started.workflowId);
        await latest.signal(changeClosedSignal, { reason: 'merged' });
        const status = await latest.result();
        assert.deepEqual([status.phase, status.reviewsCompleted, status.lastReviewedSha], ['closed', 2, sha(2)]);

        const [firstInput, secondInput] = await Promise.all([inputOf(first), inputOf(latest)]);
        assert.deepEqual(firstInput.settings, stale, 'the first run really had the old input');
        assert.deepEqual(secondInput, { ref, carried: { reviewsCompleted: 2, reviewsCancelled: 0, lastReviewedSha: sha(2) } }, 'continue-as-new drops the settings');
        assert.equal(pathOf(await first.fetchHistory()).patchedAfter, 0, 'the patch marker comes before any activity');
      }),
    );
    assert.deepEqual(world.published, [sha(1), sha(2)]);
    const steps = world.calls.filter((call) => call !== 'fetchChange');
    assert.deepEqual(steps, ['readRunSettings', 'runAgent', 'publishStoredReview', 'readRunSettings', 'runAgent', 'publishStoredReview', 'readChangeState', 'recordFindingOutcomes'], 'the close is confirmed with the forge, then the outcomes recorded');
  });
});

async function inputOf(handle: Handle): Promise<ReviewWorkflowInput> {
  const payload = (await handle.fetchHistory()).events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  assert.ok(payload, 'the run has a started event with its input');
  return defaultPayloadConverter.fromPayload<ReviewWorkflowInput>(payload);
}
