// The audit store's behaviour, asserted the same way on PostgreSQL and on PGlite (the same migrations on both).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AuditEvent } from '../../src/audit/audit-event.js';
import type { AuditStore } from '../../src/audit/audit-store.js';
import { pruneAuditTrail } from '../../src/audit/prune.js';

export interface AuditStoreUnderTest {
  /** A store whose configured secrets include `hunter2-database-password`. */
  store: AuditStore;
  /** Runs SQL beside the store (backdating rows, trying an UPDATE). */
  exec(text: string, params?: unknown[]): Promise<Array<Record<string, unknown>>>;
  /** Schema-qualified name of the audit table, for `exec`. */
  table: string;
  done(): Promise<void>;
}

export const CONFIGURED_SECRET = 'hunter2-database-password';

let counter = 0;
/** A row with a key of its own. */
export function event(overrides: Partial<AuditEvent> = {}): AuditEvent {
  counter += 1;
  return {
    category: 'action',
    kind: 'note-posted',
    target: 'gitlab',
    workflowId: 'review:gitlab:42:7',
    runId: `run-${counter}`,
    sourceId: '3',
    source: 'postChangeNote',
    repository: 'group/app',
    subject: 'change:gitlab:42:7',
    details: { noteId: `n${counter}` },
    ...overrides,
  };
}

/** Inserts a row as it was written `daysAgo` days ago (INSERT is allowed; UPDATE never is). */
async function insertAged(target: AuditStoreUnderTest, row: AuditEvent, daysAgo: number): Promise<void> {
  await target.exec(
    `INSERT INTO ${target.table} (at, category, kind, ordinal, workflow_id, run_id, source_id, source, target, repository, subject, details)
     VALUES (now() - make_interval(days => $1), $2, $3, 0, $4, $5, $6, $7, $8, $9, $10, '{}'::jsonb)`,
    [daysAgo, row.category, row.kind, row.workflowId, row.runId, row.sourceId, row.source, row.target, row.repository ?? null, row.subject ?? null],
  );
}

export function auditStoreContract(name: string, open: () => Promise<AuditStoreUnderTest>): void {
  const each = (title: string, body: (target: AuditStoreUnderTest) => Promise<void>): void => {
    test(title, async () => {
      const target = await open();
      try {
        await target.store.list(); // migrated before the test's own SQL

        await body(target);
      } finally {
        await target.done();
      }
    });
  };

  describe(`audit store contract: ${name}`, () => {
    each('a row written twice (a retried activity) is kept once; another kind or ordinal is a row of its own', async ({ store }) => {
      const row = event();
      assert.equal(await store.record([row]), 1);
      assert.equal(await store.record([row]), 0);
      assert.equal(await store.record([{ ...row, ordinal: 1 }, { ...row, kind: 'reaction-added' }, row]), 2);
      const rows = await store.list({ subject: 'change:gitlab:42:7' });
      assert.deepEqual(rows.map((stored) => `${stored.kind}/${stored.ordinal}`).sort(), ['note-posted/0', 'note-posted/1', 'reaction-added/0']);
      assert.equal(rows[0]?.workflowSubject, 'change:gitlab:42:7');
    });

    each('the trail is append-only: an UPDATE is refused by the database itself', async (target) => {
      await target.store.record([event()]);
      await assert.rejects(target.exec(`UPDATE ${target.table} SET actor = 'mallory'`), /append-only/);
      assert.equal((await target.store.list())[0]?.actor, undefined);
    });

    each('nothing secret is kept: token shapes and configured secrets are redacted in every text, long texts are cut', async ({ store }) => {
      const token = 'glpat-AAAAbbbbCCCCddddEEEE';
      await store.record([
        event({ actor: `alice ${token}`, url: `https://gitlab.example.com/x?private_token=${token}`, outcome: `failed: ${CONFIGURED_SECRET}`, details: { branch: `b-${CONFIGURED_SECRET}`, ids: [token, 'n1'], long: 'x'.repeat(5_000), bad: Number.NaN } }),
      ]);
      const [row] = await store.list();
      const text = JSON.stringify(row);
      assert.doesNotMatch(text, /glpat-AAAA|hunter2/);
      assert.equal(row?.actor, 'alice [redacted]');
      assert.equal(row?.details.ids?.toString(), '[redacted],n1');
      assert.equal(String(row?.details.long).length, 500);
      assert.equal(row?.details.bad, null);
    });

    each('list: newest first, by repository, by subject (its rows and its workflow\'s), since, limit', async (target) => {
      const { store } = target;
      await insertAged(target, event({ repository: 'group/app', kind: 'branch-pushed' }), 10);
      await store.record([
        event({ repository: 'group/app', kind: 'change-opened', subject: 'change:gitlab:42:9', workflowId: 'sentry-fix:acme:123' }),
        event({ repository: 'group/other', kind: 'summary-created', subject: 'change:gitlab:43:1', workflowId: 'review:gitlab:43:1' }),
        event({ category: 'decision', kind: 'decision', target: 'temporal', repository: 'group/app', actor: 'olivia', workflowId: 'sentry-fix:acme:123', subject: 'sentry-issue:acme:123' }),
      ]);
      assert.deepEqual((await store.list()).map((row) => row.kind), ['decision', 'summary-created', 'change-opened', 'branch-pushed']);
      assert.deepEqual((await store.list({ repository: 'group/app' })).map((row) => row.kind), ['decision', 'change-opened', 'branch-pushed']);
      // The fix's change was opened by the Sentry issue's workflow: the key finds it.
      assert.deepEqual((await store.list({ subject: 'sentry-issue:acme:123' })).map((row) => row.kind), ['decision', 'change-opened']);
      assert.deepEqual((await store.list({ subject: 'change:gitlab:42:9' })).map((row) => row.kind), ['change-opened']);
      assert.deepEqual((await store.list({ since: new Date(Date.now() - 86_400_000) })).map((row) => row.kind), ['decision', 'summary-created', 'change-opened']);
      assert.equal((await store.list({ limit: 2 })).length, 2);
    });

    each('prune deletes what is older than the retention period, and nothing else', async (target) => {
      await insertAged(target, event(), 401);
      await insertAged(target, event(), 399);
      await target.store.record([event()]);
      assert.equal(await pruneAuditTrail(target.store, 400), 1);
      assert.equal((await target.store.list()).length, 2);
      assert.equal(await pruneAuditTrail(target.store, 400), 0);
    });
  });
}
