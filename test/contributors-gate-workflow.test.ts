// The merge gates of the sentry-fix and ticket workflows on a real Temporal dev server, when the repository asks for two
// people: someone who worked on the change (changeContributors, read when the gate opens and at each watch tick) is
// refused by the Update's validator (nothing in history), rejections are not; one approval needed → unchanged. An
// approver who pushes afterwards has their approval withdrawn at the next tick (the change told once).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { ChangeContributor } from '../src/domain/change-contributors.js';
import { registerSearchAttributes } from '../src/workers/register-search-attributes.js';
import { contributorAmong } from '../src/workflows/shared/contributor-guard.js';
import { decideUpdate, sentryFixStatusQuery, type Decider, type GateDecision } from '../src/workflows/sentry-fix-definitions.js';
import { ticketStatusQuery } from '../src/workflows/ticket-definitions.js';
import { startTemporal, unique } from './helpers/temporal.js';
import { SentryWorld, withSentryFix } from './replay/sentry-world.js';
import { TicketWorld, until, withTicket, type TicketHandle } from './replay/ticket-world.js';

const EventType = proto.temporal.api.enums.v1.EventType;

const alice: ChangeContributor = { userId: 501, username: 'alice', names: ['Alice Smith'], emails: ['asmith@corp.test'], kinds: ['authored', 'committed'] };
const dave: ChangeContributor = { names: ['Dave Push'], emails: ['dpush@corp.test'], kinds: ['committed'] };
/** Bob, once he pushed onto the change (after approving it). */
const bobPushed: ChangeContributor = { username: 'bob', names: ['Bob Builder'], emails: ['bob@corp.test'], kinds: ['committed'] };
const contributors = (...people: ChangeContributor[]) => ({ people, unmappedEmails: 0, truncated: false });
const BOB_WITHDRAWN = /^bob pushed commits to the change after approving: their approval no longer counts; 2 approvals from people who did not work on the change are needed\./;
const withdrawals = (notes: string[]) => notes.filter((note) => /approval no longer counts/.test(note));

const approve = (by: Decider): GateDecision => ({ gate: 'merge', decision: 'approve', by });
const ui = (name: string): Decider => ({ name, source: 'ui' });
const WORKED_ON = /worked on this change \(.+\): its 2 approvals must come from people who did not work on it, so someone else must approve/;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- both workflows' handles take the same Update
type AnyHandle = WorkflowHandle<any>;

async function refused(handle: AnyHandle, sent: GateDecision, reason: RegExp): Promise<void> {
  await assert.rejects(handle.executeUpdate(decideUpdate, { args: [sent] }), (error: unknown) => {
    assert.ok(error instanceof WorkflowUpdateFailedError, String(error));
    assert.match(error.cause?.message ?? '', reason);
    return true;
  });
}

async function updateEvents(handle: AnyHandle): Promise<{ accepted: number; rejected: number }> {
  const events = (await handle.fetchHistory()).events ?? [];
  const count = (type: number) => events.filter((event) => event.eventType === type).length;
  return { accepted: count(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED), rejected: count(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_REJECTED) };
}

const reads = (world: { calls: string[] }) => world.calls.filter((call) => call === 'changeContributors').length;
/** Two more reads after now: the first of them, at least, was taken by the workflow before the second started. */
async function afterWatchTick(world: { calls: string[] }): Promise<void> {
  const seen = reads(world);
  await until('the watch tick read the contributors again', () => reads(world) >= seen + 2);
}

test('contributorAmong: by account, by username or name, and for a name-only decision by an email or its local part', () => {
  const people = [alice];
  assert.equal(contributorAmong({ name: 'somebody', source: 'comment', userId: 501 }, people), alice);
  assert.equal(contributorAmong({ name: 'ALICE', source: 'comment', userId: 999 }, people), alice);
  assert.equal(contributorAmong(ui('alice smith'), people), alice);
  assert.equal(contributorAmong({ name: 'asmith', source: 'cli' }, people), alice);
  assert.equal(contributorAmong({ name: 'asmith@corp.test', source: 'cli' }, people), alice);
  assert.equal(contributorAmong({ name: 'asmith', source: 'comment', userId: 7 }, people), undefined, 'an email local part is no match for a forge-checked commenter');
  assert.equal(contributorAmong(ui('bob'), people), undefined);
});

describe('merge gates: contributors cannot approve when two people are needed', () => {
  let env: TestWorkflowEnvironment;
  before(async () => {
    env = await startTemporal();
    await registerSearchAttributes(env.connection, 'default');
  });
  after(async () => {
    await env?.teardown();
  });

  const sentryWorld = (approvals: 1 | 2) => new SentryWorld(SentryWorld.mapping(`group/${unique('contrib')}`, { approvals }), { issueId: String(Math.floor(Math.random() * 1e9)), shortId: 'CON-1', agentTaskQueue: unique('contrib-sentry') });
  const sentryAtGate = (handle: AnyHandle) => until('the merge gate is open', async () => (await handle.query(sentryFixStatusQuery)).openGate?.gate === 'merge');

  test('sentry-fix, 2 approvals: a contributor is refused (account, name, email local part), a push during the wait counts after the tick; two others → ready', async () => {
    const world = sentryWorld(2);
    world.contributors = contributors(alice);
    await withSentryFix(env, world, async (handle) => {
      await sentryAtGate(handle);
      await refused(handle, approve({ name: 'alice', source: 'comment', userId: 501, accessLevel: 'maintain' }), /^alice worked on this change \(authored commits on it and committed to it\)/);
      await refused(handle, approve(ui('Alice Smith')), WORKED_ON);
      await refused(handle, approve({ name: 'asmith', source: 'cli' }), WORKED_ON);
      // Dave pushes onto the branch while the gate waits: refused from the next watch tick on.
      world.contributors = contributors(alice, dave);
      await afterWatchTick(world);
      await refused(handle, approve({ name: 'dpush', source: 'cli' }), /^dpush worked on this change \(committed to it\)/);
      assert.deepEqual(await updateEvents(handle), { accepted: 0, rejected: 0 });
      assert.deepEqual((await handle.query(sentryFixStatusQuery)).decisions, []);
      const first = await handle.executeUpdate(decideUpdate, { args: [approve(ui('bob'))] });
      assert.match(first.next, /1 more approval from someone else/);
      await handle.executeUpdate(decideUpdate, { args: [approve({ name: 'carol', source: 'cli' })] });
      const final = await handle.result();
      assert.equal(final.outcome, 'ready');
      assert.deepEqual(final.decisions.map((decision) => decision.by.name), ['bob', 'carol']);
      assert.deepEqual(await updateEvents(handle), { accepted: 2, rejected: 0 });
    });
    assert.deepEqual(world.ready, [1]);
  });

  test('sentry-fix, 2 approvals: an approver who pushes afterwards is withdrawn at the next tick, the change told once; the next approval alone does not end the gate', async () => {
    const world = sentryWorld(2);
    world.contributors = contributors(alice);
    await withSentryFix(env, world, async (handle) => {
      await sentryAtGate(handle);
      assert.match((await handle.executeUpdate(decideUpdate, { args: [approve(ui('bob'))] })).next, /1 more approval/);
      world.contributors = contributors(alice, bobPushed);
      await until('the change is told bob\'s approval was withdrawn', () => withdrawals(world.notes).length > 0);
      assert.match(withdrawals(world.notes)[0] ?? '', BOB_WITHDRAWN);
      const [bob] = (await handle.query(sentryFixStatusQuery)).decisions;
      assert.equal(bob?.by.name, 'bob');
      assert.match(bob?.withdrawn?.reason ?? '', /^bob pushed commits to the change after approving: their approval no longer counts/);
      await refused(handle, approve(ui('bob')), WORKED_ON);
      // Told once: the ticks after it find nothing more to withdraw.
      await afterWatchTick(world);
      assert.equal(withdrawals(world.notes).length, 1);
      assert.match((await handle.executeUpdate(decideUpdate, { args: [approve(ui('carol'))] })).next, /1 more approval from someone else/);
      assert.equal((await handle.query(sentryFixStatusQuery)).openGate?.gate, 'merge', "carol's approval alone does not end the gate");
      await handle.executeUpdate(decideUpdate, { args: [approve({ name: 'dan', source: 'cli' })] });
      const final = await handle.result();
      assert.equal(final.outcome, 'ready');
      assert.match(final.outcomeDetail ?? '', /approved by carol \(ui\) and dan \(cli\)/);
      assert.deepEqual(final.decisions.map((decision) => [decision.by.name, decision.withdrawn !== undefined]), [['bob', true], ['carol', false], ['dan', false]]);
    });
    assert.deepEqual(world.ready, [1]);
    assert.equal(withdrawals(world.notes).length, 1);
  });

  test('sentry-fix, 2 approvals: a contributor may still reject', async () => {
    const world = sentryWorld(2);
    world.contributors = contributors(alice);
    await withSentryFix(env, world, async (handle) => {
      await sentryAtGate(handle);
      await handle.executeUpdate(decideUpdate, { args: [{ gate: 'merge', decision: 'reject', reason: 'I broke it', by: ui('alice') }] });
      assert.equal((await handle.result()).outcome, 'rejected');
    });
  });

  test('sentry-fix, 1 approval: unchanged — a contributor approves, the contributors are never read', async () => {
    const world = sentryWorld(1);
    world.contributors = contributors(alice);
    await withSentryFix(env, world, async (handle) => {
      await sentryAtGate(handle);
      await handle.executeUpdate(decideUpdate, { args: [approve(ui('alice'))] });
      assert.equal((await handle.result()).outcome, 'ready');
    });
    assert.equal(reads(world), 0);
  });

  const ticketWorld = (approvals: 1 | 2) => new TicketWorld(TicketWorld.mapping(`group/${unique('contrib')}`, { approvals }), { key: `CON-${Math.floor(Math.random() * 1e6)}`, agentTaskQueue: unique('contrib-ticket') });
  async function ticketAtMergeGate(handle: TicketHandle): Promise<void> {
    await until('the plan gate is open', async () => (await handle.query(ticketStatusQuery)).openGate?.gate === 'plan');
    await handle.executeUpdate(decideUpdate, { args: [{ gate: 'plan', decision: 'approve', by: ui('olivia') }] });
    await until('the merge gate is open', async () => (await handle.query(ticketStatusQuery)).openGate?.gate === 'merge');
  }

  test('ticket, 2 approvals: a contributor is refused, a person who pushed during the wait after the tick; two others → ready', async () => {
    const world = ticketWorld(2);
    world.contributors = contributors(alice);
    await withTicket(env, world, async (handle) => {
      await ticketAtMergeGate(handle);
      await refused(handle, approve({ name: 'Alice', source: 'comment', userId: 501 }), WORKED_ON);
      await handle.executeUpdate(decideUpdate, { args: [approve(ui('maria'))] });
      world.contributors = contributors(alice, dave);
      await afterWatchTick(world);
      await refused(handle, approve(ui('Dave Push')), WORKED_ON);
      await handle.executeUpdate(decideUpdate, { args: [approve(ui('nina'))] });
      const final = await handle.result();
      assert.equal(final.outcome, 'ready');
      assert.deepEqual(await updateEvents(handle), { accepted: 3, rejected: 0 }, 'the plan approval and two merge approvals');
    });
  });

  test('ticket, 2 approvals: an approver who pushes afterwards is withdrawn at the next tick, the change told once; the next approval alone does not end the gate', async () => {
    const world = ticketWorld(2);
    world.contributors = contributors(alice);
    await withTicket(env, world, async (handle) => {
      await ticketAtMergeGate(handle);
      await handle.executeUpdate(decideUpdate, { args: [approve({ name: 'bob', source: 'comment', userId: 77 })] });
      world.contributors = contributors(alice, bobPushed);
      await until('the change is told bob\'s approval was withdrawn', () => world.changeNotes.length > 0);
      assert.match(world.changeNotes[0] ?? '', BOB_WITHDRAWN);
      await afterWatchTick(world);
      assert.equal(world.changeNotes.length, 1);
      const merge = (await handle.query(ticketStatusQuery)).decisions.filter((decision) => decision.gate === 'merge');
      assert.deepEqual(merge.map((decision) => [decision.by.name, decision.withdrawn !== undefined]), [['bob', true]]);
      assert.match((await handle.executeUpdate(decideUpdate, { args: [approve(ui('maria'))] })).next, /1 more approval/);
      assert.equal((await handle.query(ticketStatusQuery)).openGate?.gate, 'merge', "maria's approval alone does not end the gate");
      await handle.executeUpdate(decideUpdate, { args: [approve(ui('nina'))] });
      const final = await handle.result();
      assert.equal(final.outcome, 'ready');
      assert.match(final.outcomeDetail ?? '', /approved by maria \(ui\) and nina \(ui\)/);
    });
    assert.equal(world.changeNotes.length, 1);
  });

  test('ticket, 1 approval: unchanged — a contributor approves the merge', async () => {
    const world = ticketWorld(1);
    world.contributors = contributors(alice);
    await withTicket(env, world, async (handle) => {
      await ticketAtMergeGate(handle);
      await handle.executeUpdate(decideUpdate, { args: [approve(ui('alice'))] });
      assert.equal((await handle.result()).outcome, 'ready');
    });
    assert.equal(reads(world), 0);
  });
});
