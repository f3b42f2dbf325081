// The Sentry fix survives its agent-worker: `forgebot agent-worker` (its own process, local sandbox, the real runner)
// is killed -9 while the fixer's job waits on the model, and a new one is started. The workflow does not notice
// beyond a retry: the job's activity times out on its heartbeat and runs again on the new worker, and the attempt
// goes on to one draft MR, one branch and one "opened a draft fix" comment on Sentry — then approved → ready.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Gitlab } from '@gitbeaker/rest';
import proto from '@temporalio/proto';
import { eventually } from './helpers/forgebot-stack.js';
import { alive, killRunnersOf, runnerPids, startLocalAgentWorker, stopAgentWorkers } from './helpers/agent-worker-kills.js';
import type { AgentWorkerProcess } from './helpers/kubernetes-agent-worker.js';
import { ModelGate, type GatedCall } from './helpers/model-gate.js';
import { fixToReady } from './helpers/sentry-e2e-cases.js';
import { GITLAB_PROJECT, gitlabFixForge } from './helpers/sentry-fix-forges.js';
import { startSentryWorld, type SentryWorld } from './helpers/sentry-world.js';

/** How soon Temporal gives up on a killed worker's job (the agent activity's heartbeat timeout). */
const HEARTBEAT_TIMEOUT_SECONDS = 5;

/** A fixer job's first model call: the implementer's tools, and only the brief so far (one message). */
function isFixerFirstCall(call: GatedCall): boolean {
  const body = JSON.parse(call.body) as { tools?: Array<{ name: string }>; messages?: unknown[] };
  return (body.tools ?? []).some((tool) => tool.name === 'submit_work') && body.messages?.length === 1;
}

describe('Sentry fix: the agent-worker killed -9 during the fix', () => {
  let world: SentryWorld | undefined;
  let gate: ModelGate | undefined;
  const workers: AgentWorkerProcess[] = [];

  before(async () => {
    // The model behind a gate: the runners' calls wait there until the test lets them through.
    gate = await new ModelGate(() => world?.model.url ?? '').start();
    world = await startSentryWorld(await gitlabFixForge(), {
      vars: { AGENT_HEARTBEAT_TIMEOUT_SECONDS: String(HEARTBEAT_TIMEOUT_SECONDS) },
      stackOptions: { agentWorker: false },
    });
  });
  after(async () => {
    try {
      await stopAgentWorkers(workers);
      await gate?.stop();
    } finally {
      await world?.stop();
    }
  });

  const startWorker = (current: SentryWorld, gateUrl: string) => startLocalAgentWorker(workers, { address: current.env.address, config: current.stack.config, modelUrl: gateUrl });

  test('killed while the fixer waits on the model → the job runs again on the new worker → one draft MR, one branch, one Sentry link → ready', async () => {
    assert.ok(world && gate);
    const current = world;
    const modelGate = gate;
    const first = await startWorker(current, modelGate.url);

    // The whole attempt, checked as on any day (sentry-e2e-cases.ts), while the test kills its agent-worker.
    let ended = false;
    const fixed = fixToReady(current).finally(() => (ended = true));
    void fixed.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled meanwhile

    // The analyst's calls go through; the fixer's first call is held: its job is running on `first` now.
    const held = await eventually(() => {
      if (ended) return 'ended' as const;
      const calls = modelGate.held();
      modelGate.release(calls.filter((call) => !isFixerFirstCall(call)));
      return calls.find(isFixerFirstCall);
    }, "the fixer's first model call", 90_000);
    if (held === 'ended') await fixed; // the attempt ended before its fix: its own assertion says why
    assert.notEqual(held, 'ended');
    const modelCallsBefore = current.model.requests.length;

    await first.kill();
    const orphans = runnerPids(first).filter(alive);
    // The killed worker's runner lives on in its own process group; it is stopped here so that its call, never
    // answered, cannot take the fixer's scripted replies from the job that runs again.
    killRunnersOf(first);
    await eventually(() => modelGate.held().length === 0 || undefined, "the killed job's model call abandoned", 10_000);
    modelGate.open();
    const second = await startWorker(current, modelGate.url);

    const { issue, change, status } = await fixed;
    assert.equal(status.outcome, 'ready');

    // The job ran twice (Temporal's retry after the heartbeat timeout), and only the second run reached the model.
    const fixerFirstCalls = modelGate.calls.filter(isFixerFirstCall);
    assert.equal(fixerFirstCalls.length, 2, 'the fixer started twice: on the killed worker, then on the new one');
    assert.deepEqual([fixerFirstCalls[0]?.released, fixerFirstCalls[0]?.abandoned], [false, true], "the killed job's call never reached the model");
    assert.equal(modelCallsBefore, 3, 'only the analyst had been answered when the worker was killed');
    assert.equal(orphans.length, 1, 'the killed worker had one runner');
    assert.ok(runnerPids(second).length >= 1, 'the new worker ran the job');
    const events = (await current.handle(issue).fetchHistory()).events ?? [];
    const agentJobs = events.filter((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'runAgent').map((event) => Number(event.eventId));
    assert.equal(agentJobs.length, 2, 'two agent jobs scheduled (the analyst, the fixer): the retry is not a new job');
    const starts = events.flatMap((event) => (event.activityTaskStartedEventAttributes ? [event.activityTaskStartedEventAttributes] : []));
    const fixerStart = starts.find((started) => Number(started.scheduledEventId) === agentJobs[1]);
    assert.equal(fixerStart?.attempt, 2, "the fixer's job completed on its second attempt");
    assert.equal(fixerStart?.lastFailure?.timeoutFailureInfo?.timeoutType, proto.temporal.api.enums.v1.TimeoutType.TIMEOUT_TYPE_HEARTBEAT, 'after its heartbeat timed out');
    assert.equal(events.filter((event) => event.workflowExecutionStartedEventAttributes).length, 1, 'one run of the workflow');

    // What GitLab holds: one MR (the draft, now ready) and one branch of forgebot's.
    const gitlab = new Gitlab({ host: current.forge.vars.GITLAB_URL!, token: current.forge.vars.GITLAB_TOKEN! });
    const mergeRequests = await gitlab.MergeRequests.all({ projectId: GITLAB_PROJECT.id });
    assert.deepEqual(mergeRequests.map((mr) => [mr.iid, mr.source_branch, mr.state]), [[change.number, issue.branch, 'opened']], 'exactly one MR');
    const branches = await gitlab.Branches.all(GITLAB_PROJECT.id, { search: '^forgebot/' });
    assert.deepEqual(branches.map((branch) => branch.name), [issue.branch], 'exactly one branch');
    const opened = current.comments(issue).filter((comment) => comment.includes('opened a draft fix'));
    assert.equal(opened.length, 1, 'one "opened a draft fix" comment on Sentry');
  });
});
