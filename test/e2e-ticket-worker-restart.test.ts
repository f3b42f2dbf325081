// A Jira ticket's implementation survives its agent-worker: `forgebot agent-worker` (its own process, local sandbox,
// the real runner) is killed -9 while the implementer works on the approved plan (it has written the new test and run
// the suite), and a new one is started. The job's activity times out on its heartbeat and runs again, from scratch,
// on the new worker; the ticket workflow goes on as if nothing happened: one commit on the plan's branch, one MR, each
// Jira comment once, one transition to In Review, and an audit trail that says the same.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import proto from '@temporalio/proto';
import { decideAtGate } from '../src/cli/commands/decide.js';
import { subjectKey } from '../src/domain/subject-ref.js';
import { killRunnersOf, runnerPids, startLocalAgentWorker, stopAgentWorkers } from './helpers/agent-worker-kills.js';
import { closeAdmin, createTestDatabase, type TestDatabase, stackAudit } from './helpers/audit-database.js';
import { CART_FIX, CART_PATH, SPARSE_TEST, SPARSE_TEST_PATH } from './helpers/buggy-project.js';
import { fixturesAvailable } from './helpers/fixtures.js';
import { eventually } from './helpers/forgebot-stack.js';
import type { AgentWorkerProcess } from './helpers/kubernetes-agent-worker.js';
import { ModelGate, type GatedCall } from './helpers/model-gate.js';
import { PLAN_FILES, startTicketWorld, type TicketWorld } from './helpers/ticket-world.js';

const skip = fixturesAvailable('jira') ? false : 'the Jira webhook payloads (../shared/fixtures/webhooks/jira) are not here';

/** How soon Temporal gives up on a killed worker's job (the agent activity's heartbeat timeout). */
const HEARTBEAT_TIMEOUT_SECONDS = 5;

type CallBody = { tools?: Array<{ name: string }>; messages?: Array<{ role: string }> };
const bodyOf = (call: GatedCall) => JSON.parse(call.body) as CallBody;
const isImplementer = (call: GatedCall) => (bodyOf(call).tools ?? []).some((tool) => tool.name === 'submit_work');
const turnsOf = (call: GatedCall) => (bodyOf(call).messages ?? []).filter((message) => message.role === 'assistant').length;
/** The implementer's second call: it has written the test of a sparse cart and run the suite in its sandbox. */
const isImplementerMidJob = (call: GatedCall) => isImplementer(call) && turnsOf(call) === 1;

describe('Jira ticket: the agent-worker killed -9 during the implementation', { skip }, () => {
  let world: TicketWorld | undefined;
  let gate: ModelGate | undefined;
  let auditDb: TestDatabase | undefined;
  const workers: AgentWorkerProcess[] = [];

  before(async () => {
    // The model behind a gate: the runners' calls wait there until the test lets them through.
    gate = await new ModelGate(() => world?.model.url ?? '').start();
    auditDb = await createTestDatabase();
    const store = auditDb.openStore();
    world = await startTicketWorld({
      vars: { AGENT_HEARTBEAT_TIMEOUT_SECONDS: String(HEARTBEAT_TIMEOUT_SECONDS) },
      stackOptions: { agentWorker: false, audit: stackAudit(store) },
    });
  });
  after(async () => {
    try {
      await stopAgentWorkers(workers);
      await gate?.stop();
      await world?.stop();
    } finally {
      await auditDb?.drop();
      await closeAdmin();
    }
  });

  /** `forgebot agent-worker` on the world's agent task queue and claim store, its audit rows in the test's database. */
  const startWorker = (current: TicketWorld, modelUrl: string) =>
    startLocalAgentWorker(workers, { address: current.env.address, config: current.stack.config, modelUrl }, { AUDIT_STORE: 'postgres', DATABASE_URL: auditDb!.url });

  test('killed while the implementer works → the job runs again on a new worker → one commit, one MR, each Jira comment once, one transition → ready', async () => {
    assert.ok(world && gate && auditDb);
    const current = world;
    const modelGate = gate;
    const first = await startWorker(current, modelGate.url);

    // Ready for Dev → the planner (its calls let through) → plan v1 at the plan gate → approved.
    const ticket = current.addTicket();
    modelGate.open();
    const moved = await current.move(ticket, 'To Do', 'Ready for Dev');
    assert.equal(moved.status, 202, JSON.stringify(moved.json));
    await current.statusWhen(ticket, (s) => s.openGate?.gate === 'plan' && s.plans.length === 1, `${ticket.key} at the plan gate`, 90_000);
    modelGate.close();
    const mainHead = await current.head('main');
    assert.equal(await current.head(ticket.branch), mainHead, 'the plan branch at main, no commit yet');
    current.passPipelineOnFirstRead(ticket.branch);
    assert.deepEqual(await decideAtGate(current.env.client, { decision: 'approve', workflowId: ticket.workflowId, as: 'olivia' }), { gate: 'plan', decision: 'approve', next: 'implementing plan v1' });

    // The implementer's first call goes through; its second (after writing the test and running the suite) is held.
    const held = await eventually(() => {
      const calls = modelGate.held();
      modelGate.release(calls.filter((call) => !isImplementerMidJob(call)));
      return calls.find(isImplementerMidJob);
    }, "the implementer's second model call", 90_000);
    const pending = (await current.handle(ticket).describe()).raw.pendingActivities ?? [];
    assert.deepEqual(
      pending.map((activity) => [activity.activityType?.name, activity.state, activity.attempt]),
      [['runAgent', proto.temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED, 1]],
      'the implementer job runs on the first worker, its first attempt',
    );
    assert.equal((await current.status(ticket)).phase, 'implementing');

    await first.kill();
    // The killed worker's runner lives on in its own process group: stopped here, so that its call is never answered.
    killRunnersOf(first);
    await eventually(() => modelGate.held().length === 0 || undefined, "the killed job's model call abandoned", 10_000);
    assert.deepEqual([held.released, held.abandoned], [false, true], "the killed job's call never reached the model");
    modelGate.open();
    const second = await startWorker(current, modelGate.url);

    const merge = await current.statusWhen(ticket, (s) => s.openGate?.gate === 'merge', `${ticket.key} at the merge gate after the kill`, 90_000);
    assert.match(merge.implementation?.tests ?? '', /^`test` passed; tests changed: test\/cart-sparse\.test\.js$/);
    assert.deepEqual(await decideAtGate(current.env.client, { decision: 'approve', workflowId: ticket.workflowId, as: 'maria' }), { gate: 'merge', decision: 'approve', next: 'marking the change ready for review' });
    const final = await current.result(ticket);
    assert.equal(final.outcome, 'ready', final.outcomeDetail);
    assert.equal(final.approvedPlan, 1);
    assert.equal(final.plans.length, 1);

    // The job ran twice (Temporal's retry after the heartbeat timeout); only the second run finished, on the new worker.
    const implementerFirstCalls = modelGate.calls.filter((call) => isImplementer(call) && turnsOf(call) === 0);
    assert.equal(implementerFirstCalls.length, 2, 'the implementer started twice: on the killed worker, then on the new one');
    assert.equal(runnerPids(first).length, 2, 'the killed worker ran the planner and the first implementer attempt');
    assert.equal(runnerPids(second).length, 1, 'the new worker ran the implementer again');
    const events = (await current.handle(ticket).fetchHistory()).events ?? [];
    const scheduled = (type: string) => events.filter((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === type).map((event) => Number(event.eventId));
    const agentJobs = scheduled('runAgent');
    assert.equal(agentJobs.length, 2, 'two agent jobs scheduled (the planner, the implementer): the retry is not a new job');
    const implementerStart = events.find((event) => Number(event.activityTaskStartedEventAttributes?.scheduledEventId) === agentJobs[1])?.activityTaskStartedEventAttributes;
    assert.equal(implementerStart?.attempt, 2, "the implementer's job completed on its second attempt");
    assert.equal(implementerStart?.lastFailure?.timeoutFailureInfo?.timeoutType, proto.temporal.api.enums.v1.TimeoutType.TIMEOUT_TYPE_HEARTBEAT, 'after its heartbeat timed out');
    const once = ['openPlanChange', 'commitTicketWork', 'describeTicketChange', 'transitionTicket', 'markWorkReady'];
    assert.deepEqual(once.map((type) => [type, scheduled(type).length]), once.map((type) => [type, 1]));
    assert.equal(scheduled('commentOnTicket').length, 3, 'the plan, the implementation, the end');
    assert.equal(events.filter((event) => event.workflowExecutionStartedEventAttributes).length, 1, 'one run of the workflow');

    // GitLab: one MR (the draft, now ready), and one commit on the plan's branch, on main's head, the planned files.
    assert.deepEqual(current.changes(ticket.branch).map((change) => [change.draft, change.state]), [[false, 'opened']], 'exactly one MR');
    assert.equal([...current.gitlab.state.mergeRequests.values()].filter((mr) => mr.sourceBranch.startsWith('forgebot/')).length, 1, 'no other MR of forgebot');
    const commits = await current.commitsBeyondMain(ticket.branch);
    assert.deepEqual(commits.map((commit) => [commit.parents, commit.subject]), [[[mainHead], `${ticket.key}: implement plan v1`]], 'one commit on the plan branch');
    assert.equal(await current.head(ticket.branch), commits[0]?.sha);
    assert.deepEqual(await current.changedFiles(ticket.branch), [...PLAN_FILES].sort());
    assert.ok((await current.show(ticket.branch, CART_PATH)).includes(CART_FIX.to));
    assert.equal(await current.show(ticket.branch, SPARSE_TEST_PATH), SPARSE_TEST.trimEnd());

    // Jira: each comment once, one transition.
    const comments = current.botComments(ticket);
    assert.equal(comments.length, 3, comments.join('\n---\n'));
    assert.match(comments[0] ?? '', /plan for this ticket, version 1\b/);
    assert.match(comments[1] ?? '', /implemented the approved plan/);
    assert.match(comments[2] ?? '', /\(ready\)/);
    assert.deepEqual(current.jira.state.transitions.filter((t) => t.key === ticket.key).map((t) => [t.from, t.to]), [['Ready for Dev', 'In Review']]);
    assert.equal(current.jira.statusOf(ticket.key), 'In Review');

    // The audit trail: each action and decision once; one row per agent job, the implementer's on its second attempt
    // (the killed attempt's worker died before it could write anything).
    const rows = await auditDb.openStore().list({ subject: subjectKey({ kind: 'jira-ticket', key: ticket.key }), limit: 1_000 });
    const kinds = rows.map((row) => row.kind).sort();
    assert.deepEqual(kinds, [
      'agent-job', 'agent-job',
      'branch-pushed', 'branch-pushed',
      'change-description-edited', 'change-marked-ready', 'change-opened',
      'decision', 'decision',
      'jira-comment-posted', 'jira-comment-posted', 'jira-comment-posted',
      'jira-ticket-transitioned',
    ], JSON.stringify(rows.map((row) => [row.kind, row.outcome, row.details]), null, 1));
    const jobs = rows.filter((row) => row.kind === 'agent-job').map((row) => [row.details?.role, row.outcome, row.details?.attempt]).sort();
    assert.deepEqual(jobs, [['implementer', 'succeeded', 2], ['planner', 'succeeded', 1]]);
    const decisions = rows.filter((row) => row.kind === 'decision').map((row) => [row.details?.gate, row.actor, row.outcome]).sort();
    assert.deepEqual(decisions, [['merge', 'maria', 'approved'], ['plan', 'olivia', 'approved']]);
    const pushed = rows.filter((row) => row.kind === 'branch-pushed').map((row) => row.details?.commitSha).filter(Boolean);
    assert.deepEqual(pushed, [commits[0]?.sha], 'the commit pushed, once');
    assert.deepEqual(current.model.errors, []);
  });
});
