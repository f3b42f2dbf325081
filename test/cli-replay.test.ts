// `forgebot replay` against a real Temporal dev server: a real review workflow's history (the current code, with the
// fake activities of test/replay/) replays; the history of a `reviewWorkflow` that makes another command (a
// deliberately changed workflow) fails with the nondeterminism message and exit code 1.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { replayWorkflow, ReplayUsageError, runReplayCommand, type ReplayOutcome } from '../src/cli/commands/replay.js';
import { loadConfig } from '../src/config.js';
import { reviewWorkflowId, type ChangeRef } from '../src/domain/change-ref.js';
import type { ReviewRequest } from '../src/domain/review-request.js';
import { registerSearchAttributes } from '../src/workers/register-search-attributes.js';
import { workflowBundle } from '../src/workers/workflow-source.js';
import { newRevisionSignal, statusQuery, type ReviewWorkflowInput, type RunSettings } from '../src/workflows/definitions.js';
import type { reviewWorkflow } from '../src/workflows/review.js';
import type { ChangedStepActivities } from './helpers/changed-review-workflow.js';
import { eventually } from './helpers/forgebot-stack.js';
import { forgebotCommand, linesOf } from './helpers/forgebot-command.js';
import { startTemporal, unique } from './helpers/temporal.js';
import { genericActivities } from './replay/generic-activities.js';
import { sha, World } from './replay/replay-world.js';

const changedWorkflowPath = fileURLToPath(new URL('./helpers/changed-review-workflow.ts', import.meta.url));

describe('forgebot replay', () => {
  let env: TestWorkflowEnvironment;
  let stop: () => Promise<void> = async () => undefined;
  const realRef: ChangeRef = { forge: 'gitlab', projectId: 7100 + (process.pid % 1000), projectPath: 'group/replayed', number: 7 };
  const changedRef: ChangeRef = { ...realRef, projectId: Number(realRef.projectId) + 1, projectPath: 'group/changed' };

  before(async () => {
    env = await startTemporal();
    await registerSearchAttributes(env.connection, 'default');
    const mainQueue = unique('replay-main');
    const agentQueue = unique('replay-agent');
    const changedQueue = unique('replay-changed');
    const world = new World(realRef);
    const settings: RunSettings = { debounceMs: 50, reviewDrafts: false, agentTaskQueue: agentQueue, agentTimeoutMs: 60_000, reviewsPerRun: 50 };
    const fakes = genericActivities(world, () => settings);
    const changedActivities: ChangedStepActivities = { stepTheRealCodeNeverTakes: async () => undefined };
    const workers = await Promise.all([
      Worker.create({ connection: env.nativeConnection, taskQueue: mainQueue, workflowBundle: await workflowBundle(), activities: fakes.main }),
      Worker.create({ connection: env.nativeConnection, taskQueue: agentQueue, activities: fakes.agent }),
      Worker.create({ connection: env.nativeConnection, taskQueue: changedQueue, workflowsPath: changedWorkflowPath, activities: changedActivities }),
    ]);
    const running = Promise.all(workers.map((worker) => worker.run()));
    stop = async () => {
      for (const worker of workers) worker.shutdown();
      await running;
    };

    // The real code reviews a push and waits for the next one: its history so far is what a deploy must still replay.
    const input: ReviewWorkflowInput = { ref: realRef };
    const started = await env.client.workflow.signalWithStart<typeof reviewWorkflow, [ReviewRequest]>('reviewWorkflow', {
      workflowId: reviewWorkflowId(realRef),
      taskQueue: mainQueue,
      args: [input],
      signal: newRevisionSignal,
      signalArgs: [world.request(sha(1))],
    });
    await eventually(async () => (await started.query(statusQuery)).lastReviewedSha === sha(1) || undefined, 'the push reviewed', 60_000);
    // A workflow of the same type whose code took another path, to the end.
    await env.client.workflow.execute('reviewWorkflow', { workflowId: reviewWorkflowId(changedRef), taskQueue: changedQueue, args: [{ ref: changedRef } satisfies ReviewWorkflowInput] });
  });

  after(async () => {
    await env?.client.workflow.getHandle(reviewWorkflowId(realRef)).terminate('test over').catch(() => undefined);
    await stop();
    await env?.teardown();
  });

  const config = () => loadConfig({ TEMPORAL_ADDRESS: env.address });

  test("a real review workflow's history replays on the current code; a changed workflow's fails with the nondeterminism", async () => {
    const good = await replayWorkflow(env.client, { workflowId: reviewWorkflowId(realRef) });
    assert.equal(good.ok, true, good.error?.message);
    assert.equal(good.workflowType, 'reviewWorkflow');
    assert.ok(good.events > 10, `${good.events} events`);

    const bad = await replayWorkflow(env.client, { workflowId: reviewWorkflowId(changedRef) });
    assert.equal(bad.ok, false);
    assert.equal(bad.error?.kind, 'nondeterminism');
    assert.match(bad.error?.message ?? '', /nondeterminism/i);

    // The run id given: that run; an unknown workflow is a usage error.
    const byRun = await replayWorkflow(env.client, { workflowId: reviewWorkflowId(realRef), runId: good.runId });
    assert.equal(byRun.runId, good.runId);
    await assert.rejects(replayWorkflow(env.client, { workflowId: 'review:gitlab:0:0' }), (error: unknown) => error instanceof ReplayUsageError && /no workflow "review:gitlab:0:0" in namespace default/.test(error.message));

    let text = '';
    assert.equal(await runReplayCommand(config(), { workflowId: reviewWorkflowId(changedRef), json: false }, { out: (chunk) => (text += chunk) }), false);
    assert.match(linesOf(text)[0] ?? '', new RegExp(`^FAILED: ${reviewWorkflowId(changedRef)} \\(reviewWorkflow, run [\\w-]+, \\d+ events\\) does not replay on the current workflow code: nondeterminism: `));
  });

  test('./forgebot replay: OK and exit code 0, FAILED and exit code 1, --json, an unknown workflow exit code 2', async () => {
    const vars = { TEMPORAL_ADDRESS: env.address, LOG_LEVEL: 'warn' };
    const good = await forgebotCommand(['replay', reviewWorkflowId(realRef)], vars, 120_000);
    assert.equal(good.code, 0, good.stdout + good.stderr);
    assert.match(good.stdout, new RegExp(`^OK: ${reviewWorkflowId(realRef)} \\(reviewWorkflow, run [\\w-]+, \\d+ events\\) replays on the current workflow code$`, 'm'));

    const bad = await forgebotCommand(['replay', reviewWorkflowId(changedRef), '--json'], vars, 120_000);
    assert.equal(bad.code, 1, bad.stdout + bad.stderr);
    const outcome = JSON.parse(bad.stdout) as ReplayOutcome;
    assert.deepEqual([outcome.workflowId, outcome.ok, outcome.error?.kind], [reviewWorkflowId(changedRef), false, 'nondeterminism']);
    assert.match(outcome.error?.message ?? '', /Replay failed with a nondeterminism error/);

    const unknown = await forgebotCommand(['replay', 'review:gitlab:0:0'], vars, 120_000);
    assert.equal(unknown.code, 2);
    assert.deepEqual(linesOf(unknown.stderr), ['forgebot replay: no workflow "review:gitlab:0:0" in namespace default']);
  });
});
