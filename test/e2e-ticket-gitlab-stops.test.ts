// The Jira ticket flow end to end on GitLab where the work does not reach an MR (the world of
// e2e-ticket-gitlab.test.ts: the webhook app, real Temporal, the fake Jira and GitLab, the local sandbox running the
// real runner and the cart project's real test suite): the implementer touching a file outside the approved plan, the
// repository's tests failing after the implementation, and the plan's approval expiring. Each is said on the ticket,
// and nothing forgebot made is left behind where the run ends.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decideAtGate } from '../src/cli/commands/decide.js';
import type { TicketStatus } from '../src/workflows/ticket-definitions.js';
import { fixturesAvailable } from './helpers/fixtures.js';
import { PLAN_FILES, startTicketWorld, type Ticket, type TicketWorld } from './helpers/ticket-world.js';

const skip = fixturesAvailable('jira') ? false : 'the Jira webhook payloads (../shared/fixtures/webhooks/jira) are not here';

const atPlanGate = (version: number) => (status: TicketStatus) => status.openGate?.gate === 'plan' && status.plans.at(-1)?.version === version;

/** A signed "To Do → Ready for Dev" delivery, then the workflow at the plan gate on plan v1. */
async function planned(world: TicketWorld, ticket: Ticket): Promise<TicketStatus> {
  const reply = await world.move(ticket, 'To Do', 'Ready for Dev');
  assert.equal(reply.status, 202, JSON.stringify(reply.json));
  const status = await world.statusWhen(ticket, atPlanGate(1), `${ticket.key} at the plan gate`, 90_000);
  assert.deepEqual([...(status.plans[0]?.files ?? [])].sort(), [...PLAN_FILES].sort());
  return status;
}

async function approvePlan(world: TicketWorld, ticket: Ticket): Promise<void> {
  assert.deepEqual(await decideAtGate(world.env.client, { decision: 'approve', workflowId: ticket.workflowId, as: 'olivia' }), { gate: 'plan', decision: 'approve', next: 'implementing plan v1' });
}

describe('Jira ticket on GitLab, end to end: the work stopped before an MR', { skip }, () => {
  let world: TicketWorld;
  before(async () => {
    world = await startTicketWorld();
  });
  afterEach(() => {
    world?.implementAs('as-planned');
  });
  after(async () => {
    await world?.stop();
  });

  test('the implementer touched a file outside the approved plan: nothing committed, the ticket told why, plan v2 waits for a new approval', async () => {
    const ticket = world.addTicket();
    await planned(world, ticket);
    const planHead = await world.head(ticket.branch);
    world.implementAs('outside-plan');
    await approvePlan(world, ticket);
    const v2 = await world.statusWhen(ticket, atPlanGate(2), 'plan v2 at the plan gate', 150_000);

    assert.equal(await world.head(ticket.branch), planHead, 'no commit on the plan branch');
    assert.deepEqual(await world.changedFiles(ticket.branch), [], 'the branch changes nothing: README.md is in no commit');
    assert.deepEqual(world.changes(ticket.branch).map((change) => [change.draft, change.state]), [[true, 'opened']], 'one MR, still a draft');
    assert.match(world.changes(ticket.branch)[0]?.description ?? '', /plan version 2\./, 'the MR describes plan v2');
    assert.match(v2.implementation?.tests ?? '', /^not pushed: the implementation changed files outside the approved plan: README\.md$/);
    assert.match(v2.plans[1]?.revisedBecause ?? '', /needed files outside it: README\.md/);
    assert.equal(v2.plans[1]?.version, 2);

    const comments = world.botComments(ticket);
    assert.equal(comments.length, 3, comments.join('\n---\n'));
    assert.match(comments[0] ?? '', /plan for this ticket, version 1\b/);
    assert.match(comments[1] ?? '', /did not push an implementation of this ticket: the implementation changed files outside the approved plan: README\.md; forgebot plans again, and the new plan needs a new approval/);
    assert.match(comments[2] ?? '', /plan for this ticket, version 2\b/);
    await world.handle(ticket).terminate('test over');
  });

  test('the repository’s tests fail after the implementation: no MR marked ready, the ticket told why, the MR closed and its branch deleted', async () => {
    const ticket = world.addTicket();
    await planned(world, ticket);
    world.implementAs('failing-tests');
    await approvePlan(world, ticket);
    const final = await world.result(ticket, 150_000);

    assert.equal(final.outcome, 'not-pushed', final.outcomeDetail);
    assert.match(final.outcomeDetail ?? '', /^`test` failed on the implementation \(exit code [1-9]\d*\)/);
    assert.deepEqual(world.changes(ticket.branch).map((change) => [change.draft, change.state]), [[true, 'closed']], 'never marked ready; closed');
    assert.equal(await world.head(ticket.branch), '', 'no branch left');
    assert.equal(final.pipeline, undefined, 'no pipeline was waited for');
    const comments = world.botComments(ticket);
    assert.equal(comments.length, 2, comments.join('\n---\n'));
    assert.match(comments[1] ?? '', /did not push an implementation of this ticket: `test` failed on the implementation/);
    assert.equal(world.jira.statusOf(ticket.key), 'Ready for Dev', 'not moved to In Review');
  });

  test('nobody decides on the plan: a reminder, then the approval expires — the ticket told, the MR closed, the branch deleted', async () => {
    const ticket = world.addTicket();
    await world.startWithTiming(ticket, { planReminderMs: 2_000, planGateExpiryMs: 5_000 });
    await world.statusWhen(ticket, atPlanGate(1), `${ticket.key} at the plan gate`, 90_000);
    assert.notEqual(await world.head(ticket.branch), '', 'the plan branch exists while the gate is open');
    const final = await world.result(ticket, 60_000);

    assert.equal(final.outcome, 'plan-expired', final.outcomeDetail);
    assert.match(final.outcomeDetail ?? '', /^no decision on plan v1 within /);
    assert.deepEqual(world.changes(ticket.branch).map((change) => change.state), ['closed']);
    assert.equal(await world.head(ticket.branch), '', 'no branch left');
    const comments = world.botComments(ticket);
    assert.equal(comments.length, 3, comments.join('\n---\n'));
    assert.match(comments[1] ?? '', /still waiting for a decision on its plan/);
    assert.match(comments[2] ?? '', /stopped working on this ticket \(plan-expired\): no decision on plan v1 within /);
  });
});
