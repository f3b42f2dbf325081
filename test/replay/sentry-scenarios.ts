// The sentry-fix scenarios test/replay/record-sentry-histories.ts records (files sentry-histories/<name>.json), and the
// outcome each must end with (test/replay-sentry.test.ts checks the recorded result says so).
import assert from 'node:assert/strict';
import type { SentryFixOutcome } from '../../src/workflows/sentry-fix-definitions.js';
import { decideUpdate, sentryFixStatusQuery, sentryIssueSettledSignal, sentryTriggerSignal } from '../../src/workflows/sentry-fix-definitions.js';
import { until, type SentryFixHandle, type SentryWorld } from './sentry-world.js';

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
};
