// The Jira ticket flow end to end on GitLab: a signed "moved to Ready for Dev" delivery → the webhook app → real
// Temporal → the main worker's activities (the fake Jira through forgebot's client, the fake GitLab through gitbeaker)
// and the agent worker's local sandbox running the real runner on the cart project (the planner, then the implementer
// whose test run is real) → the plan on Jira and on a draft MR → a person's approval → the commit, the Jira comment
// with the link, the ticket In Review → the merge gate. And the ways people stop or redirect it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { decideAtGate } from '../src/cli/commands/decide.js';
import { decideUpdate } from '../src/workflows/sentry-fix-definitions.js';
import type { TicketStatus } from '../src/workflows/ticket-definitions.js';
import { CART_FIX, CART_PATH, SPARSE_TEST, SPARSE_TEST_PATH } from './helpers/buggy-project.js';
import { E2E_GITLAB_TOKEN, E2E_MODEL_KEY } from './helpers/e2e-world.js';
import { fixturesAvailable } from './helpers/fixtures.js';
import { eventually } from './helpers/forgebot-stack.js';
import { PLAN_FILES, startTicketWorld, type Ticket, type TicketWorld } from './helpers/ticket-world.js';

const skip = fixturesAvailable('jira') ? false : 'the Jira webhook payloads (../shared/fixtures/webhooks/jira) are not here';

const atPlanGate = (version: number) => (status: TicketStatus) => status.openGate?.gate === 'plan' && status.plans.at(-1)?.version === version;

/** A signed "To Do → Ready for Dev" delivery, then the workflow at the plan gate on plan v1; checked. */
async function planned(world: TicketWorld, ticket: Ticket): Promise<TicketStatus> {
  const reply = await world.move(ticket, 'To Do', 'Ready for Dev');
  assert.equal(reply.status, 202, JSON.stringify(reply.json));
  assert.deepEqual(reply.json, { status: 'accepted', reason: 'ready', workflowId: ticket.workflowId });
  const status = await world.statusWhen(ticket, atPlanGate(1), `${ticket.key} at the plan gate`, 90_000);
  assert.equal(status.change?.branch, ticket.branch);
  assert.deepEqual([...(status.plans[0]?.files ?? [])].sort(), [...PLAN_FILES].sort());
  return status;
}

/** Requests the fake Jira served that read this ticket (its issue resource itself). */
const ticketReads = (world: TicketWorld, ticket: Ticket) => world.jira.requests.filter((line) => line.startsWith(`GET /rest/api/3/issue/${ticket.key}?`)).length;

function assertModelClean(world: TicketWorld): void {
  assert.deepEqual(world.model.errors, []);
  const sent = JSON.stringify(world.model.requests);
  assert.ok(!sent.includes(E2E_GITLAB_TOKEN) && !sent.includes('jira-e2e-api-token'), 'no forge or Jira credential in any prompt');
  assert.ok(!sent.includes(E2E_MODEL_KEY));
}

describe('Jira ticket → plan → approval → implementation → MR on GitLab, end to end', { skip }, () => {
  let world: TicketWorld;
  before(async () => {
    world = await startTicketWorld();
  });
  after(async () => {
    await world?.stop();
  });

  test('Ready for Dev → plan (Jira + draft MR) → approved by Update → implemented with a new test, tests pass in the sandbox → commit, Jira link, In Review → merge approved → ready', async () => {
    const ticket = world.addTicket();
    const gate = await planned(world, ticket);
    const [mr, ...moreMrs] = world.changes(ticket.branch);
    assert.ok(mr, `a draft MR from ${ticket.branch}`);
    assert.equal(moreMrs.length, 0);
    assert.deepEqual([mr.draft, mr.state], [true, 'opened']);
    const webUrl = gate.change?.webUrl ?? '';
    assert.ok(webUrl.endsWith(`/merge_requests/${mr.number}`), webUrl);
    const [planComment, ...beyond] = world.botComments(ticket);
    assert.equal(beyond.length, 0, 'one comment: the plan');
    assert.match(planComment ?? '', /plan for this ticket, version 1\b/);
    assert.ok(planComment?.includes(webUrl), `the plan comment links the MR: ${planComment}`);
    assert.ok(planComment?.includes(CART_PATH) && planComment.includes(SPARSE_TEST_PATH), planComment);
    assert.equal(await world.head(ticket.branch) !== '', true, 'the plan branch exists');

    world.passPipelineOnFirstRead(ticket.branch);
    assert.deepEqual(await decideAtGate(world.env.client, { decision: 'approve', workflowId: ticket.workflowId, as: 'olivia' }), { gate: 'plan', decision: 'approve', next: 'implementing plan v1' });
    const merge = await world.statusWhen(ticket, (s) => s.openGate?.gate === 'merge', `${ticket.key} at the merge gate`, 120_000);

    // The commit: the planned source and the new test, nothing else; the test run in the sandbox passed.
    assert.deepEqual(await world.changedFiles(ticket.branch), [...PLAN_FILES].sort());
    assert.ok((await world.show(ticket.branch, CART_PATH)).includes(CART_FIX.to));
    assert.equal(await world.show(ticket.branch, SPARSE_TEST_PATH), SPARSE_TEST.trimEnd());
    assert.match(merge.implementation?.tests ?? '', /^`test` passed; tests changed: test\/cart-sparse\.test\.js$/);
    assert.equal(merge.pipeline?.state, 'success');
    const described = world.changes(ticket.branch)[0]?.description ?? '';
    assert.match(described, /`test` \(`node --test`\) passed/, described);
    assert.ok(described.includes(SPARSE_TEST_PATH), described);

    // On Jira: the implemented comment with the link, and the ticket In Review.
    const comments = world.botComments(ticket);
    assert.equal(comments.length, 2, comments.join('\n---\n'));
    assert.match(comments[1] ?? '', /implemented the approved plan/);
    assert.ok(comments[1]?.includes(webUrl), comments[1]);
    assert.equal(world.jira.statusOf(ticket.key), 'In Review');
    assert.deepEqual(world.jira.state.transitions.filter((t) => t.key === ticket.key).map((t) => [t.from, t.to, t.by]), [['Ready for Dev', 'In Review', world.jira.forgebot?.accountId]]);

    // Jira tells of that move (Ready for Dev → In Review): forgebot's own doing, read through the API, stops nothing.
    const reads = ticketReads(world, ticket);
    const left = await world.move(ticket, 'Ready for Dev', 'In Review');
    assert.deepEqual([left.status, left.json.reason], [202, 'left-ready']);
    await eventually(() => ticketReads(world, ticket) > reads, 'the withdrawn signal checked through the API');
    assert.equal((await world.status(ticket)).openGate?.gate, 'merge', 'still at the merge gate');

    assert.deepEqual(await decideAtGate(world.env.client, { decision: 'approve', workflowId: ticket.workflowId, as: 'maria' }), { gate: 'merge', decision: 'approve', next: 'marking the change ready for review' });
    const final = await world.result(ticket);
    assert.equal(final.outcome, 'ready', final.outcomeDetail);
    assert.equal(final.approvedPlan, 1);
    assert.deepEqual(final.decisions.map((d) => [d.gate, d.by.name]), [['plan', 'olivia'], ['merge', 'maria']]);
    assert.deepEqual(world.changes(ticket.branch).map((change) => [change.draft, change.state]), [[false, 'opened']]);
    const ended = world.botComments(ticket);
    assert.equal(ended.length, 3);
    assert.match(ended[2] ?? '', /\(ready\)/);
    assertModelClean(world);
  });

  test('`approve` in a Jira comment by a person without TRANSITION_ISSUES: refused on Jira, the plan gate still open', async () => {
    const ticket = world.addTicket();
    await planned(world, ticket);
    const { status, json, commentId } = await world.comment(ticket, world.people.mallory, 'approve');
    assert.deepEqual([status, json.reason], [202, 'comment']);
    const refusal = await eventually(() => world.botComments(ticket).find((comment) => comment.includes(commentId)), 'the refusal on Jira');
    assert.match(refusal, /did not act on comment .*: taking it needs the Jira permission TRANSITION_ISSUES on project SHOP, which its author lacks/);
    const still = await world.status(ticket);
    assert.ok(atPlanGate(1)(still), `still at the plan gate on v1 (${still.phase})`);
    assert.deepEqual(still.decisions, []);
    assert.equal(still.approvedPlan, undefined);
    await world.handle(ticket).terminate('test over');
  });

  test('`revise: …` by a permitted person → plan v2 with the reason; an Update approving v1 is refused as stale', async () => {
    const ticket = world.addTicket();
    await planned(world, ticket);
    const { status } = await world.comment(ticket, world.people.olivia, 'revise: also skip null items, not only holes');
    assert.equal(status, 202);
    const v2 = await world.statusWhen(ticket, atPlanGate(2), 'plan v2 at the plan gate', 90_000);
    assert.equal(v2.plans[1]?.revisedBecause, 'also skip null items, not only holes');
    assert.deepEqual(v2.decisions.map((d) => [d.gate, d.decision, d.by.source, d.planVersion]), [['plan', 'reject', 'comment', 1]]);
    const comments = world.botComments(ticket);
    assert.equal(comments.length, 2, comments.join('\n---\n'));
    assert.match(comments[1] ?? '', /plan for this ticket, version 2\b/);
    assert.ok(comments[1]?.includes('also skip null items'), 'the v2 plan answers the feedback');
    assert.equal(world.changes(ticket.branch).length, 1, 'v2 is the same MR, described again');

    await assert.rejects(
      world.handle(ticket).executeUpdate(decideUpdate, { args: [{ gate: 'plan', decision: 'approve', by: { name: 'olivia', source: 'ui' }, planVersion: 1 }] }),
      (error: unknown) => error instanceof WorkflowUpdateFailedError && /plan v1 is not the latest \(v2\)/.test(error.cause?.message ?? ''),
    );
    const still = await world.status(ticket);
    assert.ok(atPlanGate(2)(still));
    assert.equal(still.approvedPlan, undefined);
    await world.handle(ticket).terminate('test over');
  });

  test('the ticket moved back to To Do during the plan gate: withdrawn, its MR closed, no branch left', async () => {
    const ticket = world.addTicket();
    await planned(world, ticket);
    assert.notEqual(await world.head(ticket.branch), '');
    const back = await world.move(ticket, 'Ready for Dev', 'To Do');
    assert.deepEqual([back.status, back.json.reason], [202, 'left-ready']);
    const final = await world.result(ticket);
    assert.equal(final.outcome, 'withdrawn', final.outcomeDetail);
    assert.match(final.outcomeDetail ?? '', /left the ready status \(it is To Do\)/);
    assert.equal(await world.head(ticket.branch), '', 'no branch left');
    assert.deepEqual(world.changes(ticket.branch).map((change) => change.state), ['closed']);
    assert.match(world.botComments(ticket).at(-1) ?? '', /stopped working on this ticket \(withdrawn\)/);
  });

  test('the workers restarted during the approval wait: the run resumes, nothing duplicated (one MR, one plan comment)', async () => {
    const ticket = world.addTicket();
    await planned(world, ticket);
    const plannerCalls = world.model.requests.length;
    await world.restartWorkers();
    world.passPipelineOnFirstRead(ticket.branch);
    assert.deepEqual(await decideAtGate(world.env.client, { decision: 'approve', workflowId: ticket.workflowId, as: 'olivia' }), { gate: 'plan', decision: 'approve', next: 'implementing plan v1' });
    await world.statusWhen(ticket, (s) => s.openGate?.gate === 'merge', `${ticket.key} at the merge gate after the restart`, 120_000);
    await decideAtGate(world.env.client, { decision: 'approve', workflowId: ticket.workflowId, as: 'maria' });
    const final = await world.result(ticket);
    assert.equal(final.outcome, 'ready', final.outcomeDetail);
    assert.equal(world.changes(ticket.branch).length, 1, 'one MR');
    const comments = world.botComments(ticket);
    assert.equal(comments.filter((comment) => /plan for this ticket, version 1\b/.test(comment)).length, 1, comments.join('\n---\n'));
    assert.equal(comments.filter((comment) => /implemented the approved plan/.test(comment)).length, 1);
    assert.equal(final.plans.length, 1);
    assert.ok(world.model.requests.slice(plannerCalls).every((request) => !(request.tools ?? []).some((tool) => tool.name === 'submit_plan')), 'the planner did not run again');
    assert.deepEqual(await world.changedFiles(ticket.branch), [...PLAN_FILES].sort());
    assertModelClean(world);
  });
});
