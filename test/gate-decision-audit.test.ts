// The gates' own record of their decisions (`audit-gate-decisions`, human-gate.ts → recordGateDecisions): a Temporal UI
// decision is in the audit trail as a CLI one is, one row each whoever writes it first (the CLI and the workflow key it
// by the Update's id), a retried record adds none; and the recorded histories of the patch take that path.
// Real Temporal dev server, real PostgreSQL (a database of its own).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import type { Client } from '@temporalio/client';
import { MockActivityEnvironment, type TestWorkflowEnvironment } from '@temporalio/testing';
import { createGateAuditActivities } from '../src/audit/gate-decision-activities.js';
import type { AuditStore } from '../src/audit/audit-store.js';
import { runDecideCommand } from '../src/cli/commands/decide.js';
import { loadConfig } from '../src/config.js';
import { registerSearchAttributes } from '../src/workers/register-search-attributes.js';
import { AUDIT_GATE_DECISIONS_PATCH } from '../src/workflows/shared/human-gate.js';
import { decideUpdate, sentryFixStatusQuery } from '../src/workflows/sentry-fix-definitions.js';
import { closeAdmin, createTestDatabase, type TestDatabase } from './helpers/audit-database.js';
import { startTemporal } from './helpers/temporal.js';
import { historyFromJSON } from './replay/history-json.js';
import { SentryWorld, until, withSentryFix, type SentryMainActivities } from './replay/sentry-world.js';

/** The sentry-fix world, its recordGateDecisions the real one on the test's audit store. */
class AuditedSentryWorld extends SentryWorld {
  store: AuditStore | undefined;
  override main(client: Pick<Client, 'workflow' | 'connection'>): SentryMainActivities {
    if (!this.store) throw new Error('no audit store');
    return { ...super.main(client), ...createGateAuditActivities({ store: this.store }) };
  }
}

describe('gate decisions in the audit trail (real Temporal, real PostgreSQL)', () => {
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  before(async () => {
    env = await startTemporal();
    await registerSearchAttributes(env.connection, 'default');
    database = await createTestDatabase();
  });
  after(async () => {
    await database?.drop();
    await closeAdmin();
    await env?.teardown();
  });

  test('a Temporal UI approval and a CLI one at a two-person gate: one row each, naming the person, the source, the gate', async () => {
    const store = database.openStore();
    const world = new AuditedSentryWorld(SentryWorld.mapping('group/audited', { approvals: 2, mergeOnApprove: true }), { issueId: '7001', shortId: 'AUD-1', agentTaskQueue: 'audit-gate-agent' });
    world.store = store;
    let workflowId = '';
    await withSentryFix(env, world, async (handle) => {
      workflowId = handle.workflowId;
      await until('the merge gate is open', async () => (await handle.query(sentryFixStatusQuery)).openGate?.gate === 'merge');
      await handle.executeUpdate(decideUpdate, { args: [{ gate: 'merge', decision: 'approve', by: { name: 'bob', source: 'ui' } }], updateId: 'ui-approval-1' });
      // The gate waits on for a second person: the first approval is recorded as it comes.
      await until('the UI approval is recorded', async () => (await store.list({ subject: 'sentry-issue:acme:7001' })).length === 1);
      const config = loadConfig({ TEMPORAL_ADDRESS: env.address, DATABASE_URL: database.url });
      await runDecideCommand(config, { decision: 'approve', workflowId, as: 'olivia' }, { out: () => undefined, err: (text) => assert.fail(text), audit: store });
      assert.equal((await handle.result()).outcome, 'merged');
    });
    // The CLI wrote its row, the workflow its record of the same decision (same key): one row.
    const rows = (await store.list({ subject: 'sentry-issue:acme:7001' })).reverse();
    assert.deepEqual(
      rows.map((row) => [row.category, row.kind, row.actor, row.source, row.outcome, row.target, row.workflowId, row.details.gate, row.details.source, row.details.login ?? null]),
      [
        ['decision', 'decision', 'bob', 'ui:approve', 'approved', 'temporal', workflowId, 'merge', 'ui', null],
        ['decision', 'decision', 'olivia', 'cli:approve', 'approved', 'temporal', workflowId, 'merge', 'cli', userInfo().username],
      ],
    );
    assert.equal(rows[0]?.sourceId, 'ui-approval-1');
    assert.match(rows[1]?.sourceId ?? '', /^[0-9a-f-]{36}$/, "the CLI's Update id");
    assert.equal(new Set(rows.map((row) => row.runId)).size, 1);
    assert.equal(rows[0]?.repository, 'group/audited');
  });

  test('a retried record (the same workflow run and keys) writes nothing new; a Jira comment decision names its access level and plan version', async () => {
    const store = database.openStore();
    const activities = createGateAuditActivities({ store });
    const mock = new MockActivityEnvironment({ workflowExecution: { workflowId: 'ticket:jira:AUD-2', runId: 'run-1' }, activityType: 'recordGateDecisions' });
    const input = {
      repository: 'group/tickets',
      decisions: [{ key: 'gate-decision:0', decision: { gate: 'plan' as const, decision: 'approve' as const, planVersion: 2, by: { name: 'Alice Approver', source: 'comment' as const, userId: 'acc-alice', accessLevel: 'TRANSITION_ISSUES' } } }],
    };
    assert.deepEqual(await mock.run(activities.recordGateDecisions, input), { written: 1 });
    assert.deepEqual(await mock.run(activities.recordGateDecisions, input), { written: 0 });
    const rows = await store.list({ subject: 'jira-ticket:AUD-2' });
    assert.deepEqual(
      rows.map((row) => [row.actor, row.accessLevel, row.source, row.repository, row.details.gate, row.details.planVersion, row.details.userId]),
      [['Alice Approver', 'TRANSITION_ISSUES', 'comment:approve', 'group/tickets', 'plan', 2, 'acc-alice']],
    );
  });
});

describe('the recorded histories of audit-gate-decisions', () => {
  /** The patch markers and the recordGateDecisions activities of one recorded history. */
  async function auditTrace(path: string): Promise<{ markers: number; records: number }> {
    const history = historyFromJSON(await readFile(new URL(path, import.meta.url), 'utf8'));
    const events = history.events ?? [];
    const markers = events.filter((event) => {
      const details = event.markerRecordedEventAttributes?.details?.['patch-data']?.payloads?.[0]?.data;
      return details !== undefined && details !== null && Buffer.from(details).toString('utf8').includes(AUDIT_GATE_DECISIONS_PATCH);
    }).length;
    const records = events.filter((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'recordGateDecisions').length;
    return { markers, records };
  }

  test('each took the patch and recorded its decisions: the sentry fix one (the UI approval), the ticket two (plan, merge)', async () => {
    const sentry = await auditTrace('./replay/sentry-histories/sentry-fix-audited-decisions.json');
    const ticket = await auditTrace('./replay/ticket-histories/ticket-audited-decisions.json');
    assert.ok(sentry.markers >= 1 && ticket.markers >= 1, 'the patch marker');
    assert.deepEqual([sentry.records, ticket.records], [1, 2]);
  });

  test('the histories before the patch record nothing', async () => {
    for (const path of ['./replay/sentry-histories/sentry-fix-approved-merged.json', './replay/ticket-histories/ticket-revised-merged.json']) {
      assert.deepEqual(await auditTrace(path), { markers: 0, records: 0 }, path);
    }
  });
});
