// `forgebot audit` and the CLI's decision rows, against a PostgreSQL database of each test's own and a real Temporal
// dev server.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { AuditEvent } from '../src/audit/audit-event.js';
import { auditFilterOf, AuditUsageError, parseSince, runAuditCommand } from '../src/cli/commands/audit.js';
import { DecisionRefused, runDecideCommand } from '../src/cli/commands/decide.js';
import { loadConfig } from '../src/config.js';
import { event } from './helpers/audit-contract.js';
import { closeAdmin, createTestDatabase, type TestDatabase } from './helpers/audit-database.js';
import { forgebotCommand, linesOf } from './helpers/forgebot-command.js';
import { startTemporal, unique } from './helpers/temporal.js';

after(closeAdmin);

/** A new database holding a few rows, one of them 10 days old. */
async function seeded(): Promise<TestDatabase> {
  const database = await createTestDatabase();
  const store = database.openStore();
  await store.record([
    event({ kind: 'summary-created', subject: 'change:gitlab:42:7', details: { headSha: 'abc', findings: 2 } }),
    event({ category: 'decision', kind: 'decision', target: 'temporal', workflowId: 'sentry-fix:acme:123', subject: 'change:gitlab:42:9', actor: 'maria', accessLevel: 'maintainer', outcome: 'approved', url: 'https://gitlab.example.com/n/1', details: { gate: 'merge' } }),
    event({ repository: 'group/other', subject: 'change:gitlab:43:1', workflowId: 'review:gitlab:43:1' }),
  ]);
  await database.sql.query(`INSERT INTO forgebot_audit_events (at, category, kind, workflow_id, workflow_subject, run_id, source_id, source, target, repository) VALUES (now() - interval '10 days', 'action', 'branch-pushed', 'sentry-fix:acme:123', 'sentry-issue:acme:123', 'r0', '1', 'publishWork', 'gitlab', 'group/app')`);
  return database;
}

describe('forgebot audit', () => {
  test('a table for people, newest first, filtered by repository, subject (and its workflow) and age', async () => {
    const database = await seeded();
    try {
      let text = '';
      const config = loadConfig({ DATABASE_URL: database.url });
      await runAuditCommand(config, { repository: 'group/app', since: '7d', json: false }, (chunk) => (text += chunk));
      const lines = linesOf(text);
      assert.match(lines[0] ?? '', /^at\s+kind\s+outcome\s+who\s+repository\s+subject\s+workflow\s+details$/);
      assert.equal(lines.length, 3);
      assert.match(lines[1] ?? '', /decision\s+approved\s+maria maintainer\s+group\/app\s+change:gitlab:42:9\s+sentry-fix:acme:123\s+gate=merge https:\/\/gitlab\.example\.com\/n\/1$/);
      assert.match(lines[2] ?? '', /summary-created .* headSha=abc findings=2$/);
      text = '';
      await runAuditCommand(config, { subject: 'sentry-issue:acme:123', json: true }, (chunk) => (text += chunk));
      const rows = linesOf(text).map((line) => JSON.parse(line) as AuditEvent & { at: string });
      assert.deepEqual(rows.map((row) => row.kind), ['decision', 'branch-pushed']);
      assert.ok(rows.every((row) => !Number.isNaN(Date.parse(row.at))));
      text = '';
      await runAuditCommand(config, { subject: 'change:gitlab:99:1', json: false }, (chunk) => (text += chunk));
      assert.equal(text, 'no audit rows match\n');
    } finally {
      await database.drop();
    }
  });

  test('--since takes an age or an ISO time; a bad one, a bad --limit or a trail that is off is a usage error', () => {
    const now = new Date('2025-06-10T12:00:00Z');
    assert.equal(parseSince('7d', now).toISOString(), '2025-06-03T12:00:00.000Z');
    assert.equal(parseSince('12h', now).toISOString(), '2025-06-10T00:00:00.000Z');
    assert.equal(parseSince('2025-06-01', now).toISOString(), '2025-06-01T00:00:00.000Z');
    assert.equal(parseSince('2025-06-01T08:30:00Z', now).toISOString(), '2025-06-01T08:30:00.000Z');
    assert.throws(() => parseSince('yesterday', now), AuditUsageError);
    assert.throws(() => auditFilterOf({ limit: '0', json: false }), /--limit "0"/);
    assert.equal(auditFilterOf({ json: false }).limit, 100);
    return assert.rejects(runAuditCommand(loadConfig({ AUDIT_STORE: 'off' }), { json: false }), /the audit trail is off/);
  });

  test('./forgebot audit: JSON lines from the configured database; a bad option says why with exit code 2', async () => {
    const database = await seeded();
    try {
      const ran = await forgebotCommand(['audit', '--json', '--subject', 'change:gitlab:42:7', '--limit', '5'], { DATABASE_URL: database.url, LOG_LEVEL: 'warn' });
      assert.equal(ran.code, 0, ran.stderr);
      assert.deepEqual(linesOf(ran.stdout).map((line) => (JSON.parse(line) as AuditEvent).kind), ['summary-created']);
      const bad = await forgebotCommand(['audit', '--since', 'yesterday'], { DATABASE_URL: database.url, LOG_LEVEL: 'warn' });
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /^forgebot audit: --since "yesterday": an ISO date or time/);
    } finally {
      await database.drop();
    }
  });
});

describe('forgebot approve|reject: the decision row (real Temporal dev server)', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;
  before(async () => {
    env = await startTemporal();
    const quiet = { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, log: () => undefined };
    bundle = await bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('./helpers/audit-workflows.ts', import.meta.url)), logger: quiet });
  });
  after(async () => {
    await env?.teardown();
  });

  /** A gate workflow running on its own worker for `body`. */
  async function atGate(body: (workflowId: string) => Promise<void>): Promise<void> {
    const taskQueue = unique('audit-gate');
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities: {} });
    const workflowId = `sentry-fix:acme:${Date.now()}${Math.floor(Math.random() * 1000)}`;
    await worker.runUntil(async () => {
      await env.client.workflow.start('gateWorkflow', { taskQueue, workflowId });
      await body(workflowId);
    });
  }

  test('an approval from the CLI is one row naming the person, the gate and the operator; a refusal writes none', async () => {
    const database = await createTestDatabase();
    try {
      const config = loadConfig({ TEMPORAL_ADDRESS: env.address, DATABASE_URL: database.url });
      await atGate(async (workflowId) => {
        const quiet = { out: () => undefined, err: (text: string) => assert.fail(text) };
        await assert.rejects(runDecideCommand(config, { decision: 'reject', workflowId, as: 'olivia' }, quiet), DecisionRefused);
        await runDecideCommand(config, { decision: 'approve', workflowId, as: 'olivia', reason: 'looks right' }, quiet);
        const rows = await database.openStore().list();
        assert.equal(rows.length, 1);
        const [row] = rows;
        assert.deepEqual(
          [row?.category, row?.kind, row?.actor, row?.outcome, row?.source, row?.subject, row?.workflowId, row?.details.gate, row?.details.source, row?.details.login, row?.details.withReason],
          ['decision', 'decision', 'olivia', 'approved', 'cli:approve', 'sentry-issue:acme:' + workflowId.split(':')[2], workflowId, 'merge', 'cli', userInfo().username, true],
        );
        assert.doesNotMatch(JSON.stringify(row), /looks right/);
        assert.match(row?.runId ?? '', /^[0-9a-f-]{36}$/);
      });
    } finally {
      await database.drop();
    }
  });

  test('./forgebot approve with the embedded trail held by another process: the decision stands, stderr says it is not recorded', async () => {
    const root = mkdtempSync(join(tmpdir(), 'forgebot-audit-cli-'));
    try {
      writeFileSync(join(root, 'audit.lock'), String(process.pid));
      await atGate(async (workflowId) => {
        const ran = await forgebotCommand(['approve', workflowId, '--as', 'olivia'], { TEMPORAL_ADDRESS: env.address, AUDIT_STORE: 'pglite', AUDIT_STORE_DIR: join(root, 'audit'), LOG_LEVEL: 'warn' });
        assert.equal(ran.code, 0, ran.stderr);
        assert.match(ran.stdout, /approved at the merge gate; the change is marked ready/);
        assert.match(ran.stderr, /the decision was taken but is not in the audit trail: the embedded audit store .* is open in another forgebot process \(pid \d+\)/);
      });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
