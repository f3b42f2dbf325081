// The ticket workflow scenarios test/replay/record-ticket-histories.ts records (files ticket-histories/<name>.json),
// and the outcome each must end with (test/replay-ticket.test.ts checks the recorded result says so).
import assert from 'node:assert/strict';
import { decideUpdate, type GateDecision } from '../../src/workflows/sentry-fix-definitions.js';
import { reviseChangeUpdate, ticketStatusQuery, ticketWithdrawnSignal, type ChangeRevision, type TicketOutcome } from '../../src/workflows/ticket-definitions.js';
import type { TicketTiming } from '../../src/workflows/ticket/timing.js';
import { alice, mallory, TEST_TIMING, until, type TicketHandle, type TicketWorld } from './ticket-world.js';

/** The Update's refusal (its cause, the validator's reason) says the person worked on the change. */
const workedOnIt = (error: unknown) => /worked on this change/.test((error as { cause?: { message?: string } }).cause?.message ?? '');

export interface TicketScenario {
  outcome: TicketOutcome;
  timing?: Partial<TicketTiming>;
  /** Sets the world up before the ticket is ready. */
  arrange?(world: TicketWorld): void;
  /** Drives the workflow from its start to its end. */
  drive(handle: TicketHandle, world: TicketWorld): Promise<void>;
}

const status = (handle: TicketHandle) => handle.query(ticketStatusQuery);
const atGate = (handle: TicketHandle, gate: GateDecision['gate'], version?: number) =>
  until(`the ${gate} gate`, async () => {
    const now = await status(handle);
    return now.openGate?.gate === gate && (version === undefined || now.plans.at(-1)?.version === version);
  });
const ui = (gate: GateDecision['gate'], decision: GateDecision['decision'], extra: Partial<GateDecision> = {}): GateDecision => ({ gate, decision, by: { name: 'olivia', source: 'ui' }, ...extra });

/** A developer's `/claude revise` note on the ticket's change, as the review workflow forwards it. */
async function forgeRevision(handle: TicketHandle, noteId: string, text: string): Promise<ChangeRevision> {
  const ref = (await status(handle)).change?.ref;
  assert.ok(ref, 'the change is open');
  const command = {
    command: { verb: 'revise' as const, argument: text },
    noteId,
    noteKind: 'note' as const,
    threadId: `thread-${noteId}`,
    place: { kind: 'diff' as const, path: 'src/report/export.ts', startLine: 3, line: 4 },
    author: { id: 30, username: 'dev' },
  };
  return { ref, command, request: `in src/report/export.ts lines 3–4: ${text}`, accessLevel: 'write' };
}

export const ticketScenarios: Record<string, TicketScenario> = {
  // Questions, answered in a comment; plan v1; a permitted `revise:` comment → v2; a reader's approve refused on the
  // ticket; a stale Update refused (nothing in history); v2 approved by Update; implementation, commit, In Review;
  // the pipeline polled running → success; the merge approved → ready.
  'ticket-approved-ready': {
    outcome: 'ready',
    arrange: (world) => {
      world.plans = [{ files: [], size: { files: 0, lines: 0 }, questions: 1 }];
      world.pipeline = 'running';
    },
    drive: async (handle, world) => {
      await until('the questions', async () => (await status(handle)).phase === 'asking');
      await world.comment(handle, mallory, 'answer', 'Semicolons, please.');
      await atGate(handle, 'plan', 1);
      await world.comment(handle, alice, 'revise', 'also export the totals row');
      await atGate(handle, 'plan', 2);
      await world.comment(handle, mallory, 'approve', 'approve');
      await until('the refusal', () => world.notesOf('refused').length === 1);
      await assert.rejects(handle.executeUpdate(decideUpdate, { args: [ui('plan', 'approve', { planVersion: 1 })] }));
      await handle.executeUpdate(decideUpdate, { args: [ui('plan', 'approve', { planVersion: 2 })] });
      await until('the pipeline runs', async () => (await status(handle)).pipeline?.state === 'running');
      await handle.signal(ticketWithdrawnSignal, { why: 'left-ready', changelogId: '7001' });
      world.pipeline = 'success';
      await atGate(handle, 'merge');
      await handle.executeUpdate(decideUpdate, { args: [ui('merge', 'approve')] });
      assert.equal((await handle.result()).outcome, 'ready');
    },
  },
  // No decision on the plan: the reminder, then the expiry closes the change and deletes its branch.
  'ticket-plan-expired': {
    outcome: 'plan-expired',
    timing: { ...TEST_TIMING, planGateExpiryMs: 2_500, planReminderMs: 800 },
    drive: async (handle, world) => {
      assert.equal((await handle.result()).outcome, 'plan-expired');
      assert.equal(world.notesOf('reminder').length, 1);
    },
  },
  // Plan v1 rejected; while v2 is planned the ticket leaves the ready status: the job is cancelled, the change closed.
  'ticket-withdrawn-mid-plan': {
    outcome: 'withdrawn',
    arrange: (world) => (world.hang = { role: 'planner', call: 2 }),
    drive: async (handle, world) => {
      await atGate(handle, 'plan', 1);
      await handle.executeUpdate(decideUpdate, { args: [ui('plan', 'reject', { reason: 'split it' })] });
      await until('plan v2 runs', () => world.modelCalls.filter((call) => call.role === 'planner').length === 2);
      world.ticket = { ...world.ticket, status: { id: '1', name: 'To Do' }, inReady: false };
      await handle.signal(ticketWithdrawnSignal, { why: 'left-ready', changelogId: '7002' });
      assert.equal((await handle.result()).outcome, 'withdrawn');
      assert.deepEqual(world.cancelled, ['planner']);
    },
  },
  // Approved by a permitted person's Jira comment; a `revise:` on the open change → a second implementation and commit;
  // the merge approved → merged (mergeOnApprove, pipeline green).
  'ticket-revised-merged': {
    outcome: 'merged',
    arrange: (world) => Object.assign(world.mapping, { mergeOnApprove: true }),
    drive: async (handle, world) => {
      await atGate(handle, 'plan', 1);
      await world.comment(handle, alice, 'approve', 'approve');
      await atGate(handle, 'merge');
      await world.comment(handle, alice, 'revise', 'name the button "Download CSV"');
      await until('the second commit', () => world.commits.length === 2);
      await atGate(handle, 'merge');
      await handle.executeUpdate(decideUpdate, { args: [ui('merge', 'approve')] });
      assert.equal((await handle.result()).outcome, 'merged');
    },
  },
  // (`ticket-pipeline-poll-setting`) no poll interval in the input: the pipeline is read at the worker's
  // JIRA_PIPELINE_POLL_SECONDS (readRunSettings when the wait starts), polled running → success; the merge approved.
  'ticket-pipeline-poll-setting': {
    outcome: 'ready',
    timing: { answerExpiryMs: 60_000, planGateExpiryMs: 60_000, planReminderMs: 30_000, mergeGateExpiryMs: 60_000, mergeReminderMs: 30_000 },
    arrange: (world) => {
      world.runSettings.ticketPipelinePollMs = 300;
      world.pipeline = 'running';
    },
    drive: async (handle, world) => {
      await atGate(handle, 'plan', 1);
      await handle.executeUpdate(decideUpdate, { args: [ui('plan', 'approve', { planVersion: 1 })] });
      await until('the pipeline runs', async () => (await status(handle)).pipeline?.state === 'running');
      world.pipeline = 'success';
      await atGate(handle, 'merge');
      await handle.executeUpdate(decideUpdate, { args: [ui('merge', 'approve')] });
      assert.equal((await handle.result()).outcome, 'ready');
    },
  },
  // (`audit-gate-decisions`) the plan approved by a Jira comment, the merge in the Temporal UI (an Update with its
  // own id): each decision recorded once for the audit trail, keyed by the Update's id or its place, before it acts.
  'ticket-audited-decisions': {
    outcome: 'merged',
    arrange: (world) => Object.assign(world.mapping, { mergeOnApprove: true }),
    drive: async (handle, world) => {
      await atGate(handle, 'plan', 1);
      await world.comment(handle, alice, 'approve', 'approve');
      await atGate(handle, 'merge');
      assert.deepEqual(world.gateDecisions.map(({ key, decision }) => [key, decision.gate, decision.by.source, decision.by.accessLevel, decision.planVersion]), [['gate-decision:0', 'plan', 'comment', 'TRANSITION_ISSUES', 1]]);
      await handle.executeUpdate(decideUpdate, { args: [ui('merge', 'approve')], updateId: 'ui-merge-approval' });
      assert.equal((await handle.result()).outcome, 'merged');
      assert.deepEqual(world.gateDecisions.map(({ key }) => key), ['gate-decision:0', 'ui-merge-approval']);
    },
  },
  // (`contributors-cannot-approve`) two approvals needed at the merge gate: a person who worked on the change is
  // refused (nothing in history); maria approves, then she and dave push during the wait: at the watch tick that reads
  // them maria's approval is withdrawn (one note on the change) and dave is refused; nina's approval alone does not
  // end the gate, oscar's → ready.
  'ticket-contributor-refused': {
    outcome: 'ready',
    arrange: (world) => {
      Object.assign(world.mapping, { approvals: 2 });
      world.contributors = { people: [{ userId: 501, username: 'alice', names: ['Alice Smith'], emails: ['asmith@corp.test'], kinds: ['authored'] }], unmappedEmails: 0, truncated: false };
    },
    drive: async (handle, world) => {
      await atGate(handle, 'plan', 1);
      await handle.executeUpdate(decideUpdate, { args: [ui('plan', 'approve')] });
      await atGate(handle, 'merge');
      await assert.rejects(handle.executeUpdate(decideUpdate, { args: [{ gate: 'merge', decision: 'approve', by: { name: 'Alice Smith', source: 'ui' } }] }), workedOnIt);
      await handle.executeUpdate(decideUpdate, { args: [{ gate: 'merge', decision: 'approve', by: { name: 'maria', source: 'ui' } }] });
      world.contributors.people.push({ names: ['Dave'], emails: ['dave@corp.test'], kinds: ['committed'] }, { username: 'maria', names: ['Maria Rossi'], emails: ['maria@corp.test'], kinds: ['committed'] });
      await until('the change is told maria\'s approval was withdrawn', () => world.changeNotes.some((note) => /^maria pushed commits/.test(note)));
      await assert.rejects(handle.executeUpdate(decideUpdate, { args: [{ gate: 'merge', decision: 'approve', by: { name: 'dave', source: 'cli' } }] }), workedOnIt);
      const nina = await handle.executeUpdate(decideUpdate, { args: [{ gate: 'merge', decision: 'approve', by: { name: 'nina', source: 'cli' } }] });
      assert.match(nina.next, /1 more approval/);
      await handle.executeUpdate(decideUpdate, { args: [{ gate: 'merge', decision: 'approve', by: { name: 'oscar', source: 'ui' } }] });
      assert.equal((await handle.result()).outcome, 'ready');
      assert.equal(world.changeNotes.length, 1);
    },
  },
  // (`forge-revise-command`) `/claude revise` on the change: refused by the validator at the plan gate (nothing in
  // history); taken at the merge gate → a second implementation and commit, the note answered in its thread with it;
  // a second note while the merge gate waits again, whose implementation fails its tests → not pushed, said on the
  // ticket and in the thread; the merge approved → ready.
  'ticket-forge-revised': {
    outcome: 'ready',
    arrange: (world) => {
      world.works = [{}, {}, { commands: [{ name: 'test', exitCode: 1, timedOut: false }] }];
    },
    drive: async (handle, world) => {
      await atGate(handle, 'plan', 1);
      const early = { ...(await forgeRevision(handle, '900', 'too early')) };
      await assert.rejects(handle.executeUpdate(reviseChangeUpdate, { args: [early] }), (error: unknown) => /takes no revision now/.test((error as { cause?: { message?: string } }).cause?.message ?? ''));
      await handle.executeUpdate(decideUpdate, { args: [ui('plan', 'approve', { planVersion: 1 })] });
      await atGate(handle, 'merge');
      const taken = await handle.executeUpdate(reviseChangeUpdate, { args: [await forgeRevision(handle, '901', 'name the button "Download CSV"')], updateId: 'revise:gitlab:note:901' });
      assert.deepEqual(taken, { workflowId: handle.workflowId, waiting: 1, revisionsLeft: 2 });
      await until('the revision answered in its thread', () => world.threadAnswers.length === 1);
      assert.equal(world.commits.length, 2);
      await atGate(handle, 'merge');
      await handle.executeUpdate(reviseChangeUpdate, { args: [await forgeRevision(handle, '902', 'and a header row')], updateId: 'revise:gitlab:note:902' });
      await until('the failed revision answered', () => world.threadAnswers.length === 2);
      assert.deepEqual(world.threadAnswers.map(({ noteId, answer }) => [noteId, answer.kind]), [['901', 'revision-pushed'], ['902', 'revision-not-pushed']]);
      assert.equal(world.commits.length, 2);
      await atGate(handle, 'merge');
      await handle.executeUpdate(decideUpdate, { args: [ui('merge', 'approve')] });
      assert.equal((await handle.result()).outcome, 'ready');
    },
  },
};
