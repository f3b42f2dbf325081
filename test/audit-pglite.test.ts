// The embedded audit store of `make dev`: the same migrations and the same behaviour on PGlite as on PostgreSQL.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import { createKyselyAuditStore } from '../src/audit/audit-store.js';
import type { AuditDatabase } from '../src/audit/audit-tables.js';
import { openAuditStore } from '../src/audit/open-audit-store.js';
import { pgliteDialect } from '../src/audit/pglite-dialect.js';
import { AuditStoreBusyError } from '../src/audit/pglite-lock.js';
import { auditStoreContract, CONFIGURED_SECRET, event } from './helpers/audit-contract.js';

const root = mkdtempSync(join(tmpdir(), 'forgebot-audit-pglite-'));
const dir = join(root, 'audit');
let pglite: PGlite | undefined;

// One PGlite directory for the file (setting one up takes seconds); each test has a schema of its own in it.
before(async () => {
  pglite = await PGlite.create(dir);
});
after(async () => {
  if (pglite && !pglite.closed) await pglite.close();
  rmSync(root, { recursive: true, force: true });
});

auditStoreContract('PGlite', async () => {
  const db = pglite ?? assert.fail('PGlite did not start');
  const schema = `audit_${randomBytes(4).toString('hex')}`;
  // Not closed by the test (that would close the shared PGlite): its schema is dropped instead.
  const kysely = new Kysely<AuditDatabase>({ dialect: pgliteDialect(db) });
  return {
    store: createKyselyAuditStore({ db: kysely, kind: 'pglite', schema, secrets: [CONFIGURED_SECRET] }),
    exec: async (text, params = []) => (await db.query<Record<string, unknown>>(text, params)).rows,
    table: `${schema}.forgebot_audit_events`,
    done: async () => {
      await db.exec(`DROP SCHEMA "${schema}" CASCADE`);
    },
  };
});

describe('the embedded audit store (AUDIT_STORE=pglite)', () => {
  test('opened from its directory: migrated on first use, rows kept across restarts, the migrations not run again', async () => {
    await pglite?.close(); // the directory is the store's from here on
    const config = { AUDIT_STORE: 'pglite' as const, AUDIT_STORE_DIR: dir };
    const first = openAuditStore(config);
    assert.equal(first.kind, 'pglite');
    try {
      assert.equal(await first.record([event({ actor: 'olivia', category: 'decision', kind: 'decision', target: 'temporal' })]), 1);
    } finally {
      await first.close();
    }
    const again = openAuditStore(config);
    try {
      const rows = await again.list();
      assert.deepEqual(rows.map((row) => [row.kind, row.actor]), [['decision', 'olivia']]);
      const probe = openAuditStoreProbe(dir);
      assert.equal(probe, 'busy', 'a second opening of a held directory is refused');
    } finally {
      await again.close();
    }
    assert.equal(existsSync(`${dir}.lock`), false, 'closing releases the lock');
    const check = await PGlite.create(dir);
    try {
      assert.deepEqual((await check.query('SELECT name FROM forgebot_audit_migrations ORDER BY name')).rows, [{ name: '0001-audit-events' }, { name: '0002-review-memory' }]);
    } finally {
      await check.close();
    }
  });

  test("a lock left by a process that is gone is taken over; a live process's is not", async () => {
    const other = join(root, 'other');
    writeFileSync(`${other}.lock`, '999999999');
    const store = openAuditStore({ AUDIT_STORE: 'pglite', AUDIT_STORE_DIR: other });
    try {
      assert.equal(readFileSync(`${other}.lock`, 'utf8'), String(process.pid));
    } finally {
      await store.close();
    }
    writeFileSync(`${other}.lock`, String(process.ppid));
    assert.throws(() => openAuditStore({ AUDIT_STORE: 'pglite', AUDIT_STORE_DIR: other }), (error: unknown) => error instanceof AuditStoreBusyError && error.pid === process.ppid && /set DATABASE_URL/.test(error.message));
  });
});

/** Whether the directory can be opened now (the lock alone is tried: no PGlite is started). */
function openAuditStoreProbe(path: string): 'busy' | 'free' {
  try {
    void openAuditStore({ AUDIT_STORE: 'pglite', AUDIT_STORE_DIR: path }).close();
    return 'free';
  } catch (error) {
    if (error instanceof AuditStoreBusyError) return 'busy';
    throw error;
  }
}
