// The sentry-fix scenarios test/replay/record-sentry-histories.ts records (files sentry-histories/<name>.json), and the
// outcome each must end with (test/replay-sentry.test.ts checks the recorded result says so).
import assert from 'node:assert/strict';
import type { SentryFixOutcome } from '../../src/workflows/sentry-fix-definitions.js';
import { decideUpdate, sentryFixStatusQuery, sentryIssueSettledSignal, sentryTriggerSignal } from '../../src/workflows/sentry-fix-definitions.js';
import { until, type SentryFixHandle, type SentryWorld } from './sentry-world.js';

/** The Update's refusal (its cause, the validator's reason) says the person worked on the change. */
const workedOnIt = (error: unknown) => /worked on this change/.test((error as { cause?: { message?: string } }).cause?.message ?? '');

export interface SentryScenario {
  outcome: SentryFixOutcome;
  /** Sets the world up before the trigger. */
  arrange?(world: SentryWorld): void;
  /** Drives the workflow from its trigger to its end. */
  drive(handle: SentryFixHandle, world: SentryWorld): Promise<void>;
}

const status = (handle: SentryFixHandle) => handle.query(sentryFixStatusQuery);

export const sentryScenarios: Record<string, SentryScenario> = {
  // Gates, analysis, fix, draft change; a later trigger; the pipeline polled from running to success; a refused
  // Update (nothing in history); two approvals → ready and merged.
  'sentry-fix-approved-merged': {
    outcome: 'merged',
    arrange: (world) => {
      world.pipeline = 'running';
      Object.assign(world.mapping, { mergeOnApprove: true, approvals: 2 });
    },
    drive: async (handle, world) => {
      await until('the pipeline runs', async () => (await status(handle)).pipeline?.state === 'running');
      await handle.signal(sentryTriggerSignal, world.trigger('regressed'));
      await assert.rejects(handle.executeUpdate(decideUpdate, { args: [{ gate: 'merge', decision: 'approve', by: { name: 'alice', source: 'cli' } }] }));
      world.pipeline = 'success';
      await until('the merge gate is open', async () => (await status(handle)).openGate?.gate === 'merge');
      await handle.executeUpdate(decideUpdate, { args: [{ gate: 'merge', decision: 'approve', by: { name: 'alice', source: 'cli' } }] });
      await handle.executeUpdate(decideUpdate, { args: [{ gate: 'merge', decision: 'approve', by: { name: 'bob', source: 'ui' } }] });
      assert.equal((await handle.result()).outcome, 'merged');
    },
  },
  // (`audit-gate-decisions`) two approvals: the Temporal UI's, recorded as it comes (the gate waits on), then a forge
  // comment's, forwarded by the review workflow (whose forwardDecision row records it): not recorded a second time.
  'sentry-fix-audited-decisions': {
    outcome: 'merged',
    arrange: (world) => Object.assign(world.mapping, { mergeOnApprove: true, approvals: 2 }),
    drive: async (handle, world) => {
      await until('the merge gate is open', async () => (await status(handle)).openGate?.gate === 'merge');
      await handle.executeUpdate(decideUpdate, { args: [{ gate: 'merge', decision: 'approve', by: { name: 'bob', source: 'ui' } }], updateId: 'ui-approval' });
      await until('the first approval is recorded', () => world.gateDecisions.length === 1);
      await handle.executeUpdate(decideUpdate, { args: [{ gate: 'merge', decision: 'approve', by: { name: 'maria', source: 'comment', accessLevel: 'maintainer', userId: 31 } }], updateId: 'comment:gitlab:9001' });
      assert.equal((await handle.result()).outcome, 'merged');
      assert.deepEqual(world.gateDecisions.map(({ key, decision }) => [key, decision.by.name, decision.by.source]), [['ui-approval', 'bob', 'ui']]);
    },
  },
  // No decision: the reminder note, then the expiry closes the change and deletes its branch.
  'sentry-fix-reminder-expired': {
    outcome: 'expired',
    arrange: (world) => Object.assign(world.settings, { gateReminderMs: 800, gateExpiryMs: 2_500, pollIntervalMs: 300 }),
    drive: async (handle, world) => {
      assert.equal((await handle.result()).outcome, 'expired');
      assert.equal(world.notes.length, 1);
    },
  },
  // A rejection with its reason: the change closed, its branch deleted.
  'sentry-fix-rejected': {
    outcome: 'rejected',
    drive: async (handle) => {
      await until('the merge gate is open', async () => (await status(handle)).openGate?.gate === 'merge');
      await handle.executeUpdate(decideUpdate, { args: [{ gate: 'merge', decision: 'reject', reason: 'wrong fix', by: { name: 'carol', source: 'cli' } }] });
      assert.equal((await handle.result()).outcome, 'rejected');
    },
  },
  // The issue resolved in Sentry while the fix runs: the agent job is cancelled.
  'sentry-fix-settled-during-fix': {
    outcome: 'settled',
    arrange: (world) => (world.hang = 'implementer'),
    drive: async (handle, world) => {
      await until('the fix runs', () => world.modelCalls.some((call) => call.role === 'implementer'));
      await handle.signal(sentryIssueSettledSignal, { status: 'resolved' });
      assert.equal((await handle.result()).outcome, 'settled');
    },
  },
  // A gate before any model call (too few events).
  'sentry-fix-gated': {
    outcome: 'gated',
    arrange: (world) => Object.assign(world.mapping, { minEvents: 1_000 }),
    drive: async (handle) => assert.equal((await handle.result()).outcome, 'gated'),
  },
  // (`contributors-cannot-approve`) two approvals needed: a person who worked on the change is refused (nothing in
  // history); erin approves, then she and dave push during the wait: at the watch tick that reads them erin's approval
  // is withdrawn (one note on the change) and both are refused; bob's approval alone does not end the gate, carol's
  // → ready.
  'sentry-fix-contributor-refused': {
    outcome: 'ready',
    arrange: (world) => {
      Object.assign(world.mapping, { approvals: 2 });
      world.contributors = { people: [{ userId: 501, username: 'alice', names: ['Alice Smith'], emails: ['asmith@corp.test'], kinds: ['authored'] }], unmappedEmails: 0, truncated: false };
    },
    drive: async (handle, world) => {
      await until('the merge gate is open', async () => (await status(handle)).openGate?.gate === 'merge');
      await assert.rejects(handle.executeUpdate(decideUpdate, { args: [{ gate: 'merge', decision: 'approve', by: { name: 'alice', source: 'comment', userId: 501 } }] }), workedOnIt);
      await handle.executeUpdate(decideUpdate, { args: [{ gate: 'merge', decision: 'approve', by: { name: 'erin', source: 'cli' } }] });
      world.contributors.people.push({ names: ['Dave'], emails: ['dave@corp.test'], kinds: ['committed'] }, { names: ['Erin'], emails: ['erin@corp.test'], kinds: ['authored', 'committed'] });
      await until('the change is told erin\'s approval was withdrawn', () => world.notes.some((note) => /^erin pushed commits/.test(note)));
      await assert.rejects(handle.executeUpdate(decideUpdate, { args: [{ gate: 'merge', decision: 'approve', by: { name: 'dave', source: 'cli' } }] }), workedOnIt);
      await assert.rejects(handle.executeUpdate(decideUpdate, { args: [{ gate: 'merge', decision: 'approve', by: { name: 'erin', source: 'cli' } }] }), workedOnIt);
      const bob = await handle.executeUpdate(decideUpdate, { args: [{ gate: 'merge', decision: 'approve', by: { name: 'bob', source: 'ui' } }] });
      assert.match(bob.next, /1 more approval/);
      await handle.executeUpdate(decideUpdate, { args: [{ gate: 'merge', decision: 'approve', by: { name: 'carol', source: 'cli' } }] });
      const final = await handle.result();
      assert.equal(final.outcome, 'ready');
      assert.deepEqual(final.decisions.map((decision) => [decision.by.name, decision.withdrawn !== undefined]), [['erin', true], ['bob', false], ['carol', false]]);
      assert.equal(world.notes.filter((note) => /approval no longer counts/.test(note)).length, 1);
    },
  },
};
