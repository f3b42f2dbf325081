import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { migrateAuditStore } from '../src/audit/audit-store.js';
import type { AuditDatabase } from '../src/audit/audit-tables.js';
import { auditStoreKind, configSecrets, openAuditStore } from '../src/audit/open-audit-store.js';
import { scheduleAuditPruning } from '../src/audit/prune.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { auditStoreContract, CONFIGURED_SECRET, event } from './helpers/audit-contract.js';
import { closeAdmin, createTestDatabase } from './helpers/audit-database.js';

after(closeAdmin);

auditStoreContract('PostgreSQL', async () => {
  const database = await createTestDatabase();
  return {
    store: database.openStore([CONFIGURED_SECRET]),
    exec: async (text, params = []) => (await database.sql.query(text, params)).rows,
    table: 'public.forgebot_audit_events',
    done: () => database.drop(),
  };
});

describe('audit store on PostgreSQL: migrations', () => {
  test('four workers starting on a fresh database all migrate it, once; a later start runs nothing', async () => {
    const database = await createTestDatabase();
    try {
      const stores = [1, 2, 3, 4].map(() => database.openStore());
      const results = await Promise.allSettled(stores.map((store, index) => store.record([event({ sourceId: `race-${index}` })])));
      assert.deepEqual(results.map((result) => (result.status === 'rejected' ? String(result.reason) : result.value)), [1, 1, 1, 1]);
      const applied = await database.sql.query('SELECT name FROM forgebot_audit_migrations ORDER BY name');
      assert.deepEqual(applied.rows, [{ name: '0001-audit-events' }, { name: '0002-review-memory' }]);
      const db = new Kysely<AuditDatabase>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url, max: 1 }) }) });
      try {
        assert.deepEqual(await migrateAuditStore(db), []);
      } finally {
        await db.destroy();
      }
    } finally {
      await database.drop();
    }
  });

  test('a server that does not answer fails each call with the cause (a failed migration is not remembered)', async () => {
    const store = openAuditStore({ AUDIT_STORE: 'postgres', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    try {
      await assert.rejects(store.record([event()]), /ECONNREFUSED|connect/);
      await assert.rejects(store.list(), /ECONNREFUSED|connect/);
    } finally {
      await store.close();
    }
  });
});

describe('audit store: configuration and retention', () => {
  test('defaults: PostgreSQL with DATABASE_URL, else the embedded PGlite at .forgebot/audit; 400 days kept', () => {
    const plain = loadConfig({});
    assert.equal(auditStoreKind(plain), 'pglite');
    assert.equal(plain.AUDIT_RETENTION_DAYS, 400);
    assert.equal(plain.AUDIT_STORE_DIR, undefined);
    assert.equal(auditStoreKind(loadConfig({ DATABASE_URL: 'postgres://u@db:5432/forgebot' })), 'postgres');
    assert.equal(auditStoreKind(loadConfig({ DATABASE_URL: 'postgres://u@db:5432/forgebot', AUDIT_STORE: 'off' })), 'off');
    assert.equal(openAuditStore(loadConfig({ AUDIT_STORE: 'off' })).kind, 'off');
  });

  test('AUDIT_STORE=postgres without DATABASE_URL and a bad retention are reported together', () => {
    assert.throws(
      () => loadConfig({ AUDIT_STORE: 'postgres', AUDIT_RETENTION_DAYS: '0' }),
      (error: unknown) => error instanceof ConfigError && error.problems.some((problem) => problem === 'DATABASE_URL: is required when AUDIT_STORE=postgres') && error.problems.some((problem) => problem.startsWith('AUDIT_RETENTION_DAYS')),
    );
    assert.throws(() => loadConfig({ AUDIT_STORE: 'sqlite' }), /AUDIT_STORE/);
  });

  test("the configuration's credentials are what rows are redacted of", () => {
    const secrets = configSecrets(loadConfig({ GITLAB_URL: 'https://gitlab.example.com', GITLAB_TOKEN: 'glpat-token-value-1234', GITHUB_WEBHOOK_SECRET: 'one,two', ANTHROPIC_API_KEY: 'sk-ant-key' }));
    assert.deepEqual(secrets.sort(), ['glpat-token-value-1234', 'one', 'sk-ant-key', 'two']);
  });

  test('the worker prunes on a schedule: the first run deletes the expired rows and says so', async () => {
    const database = await createTestDatabase();
    const store = database.openStore();
    try {
      await store.list();
      await database.sql.query(
        `INSERT INTO forgebot_audit_events (at, category, kind, workflow_id, run_id, source_id, source, target) VALUES (now() - interval '500 days', 'action', 'note-posted', 'w', 'r', 'a', 's', 'gitlab')`,
      );
      let pruned!: (deleted: number) => void;
      const logged = new Promise<number>((resolve) => (pruned = resolve));
      const logger = createLogger('silent');
      logger.info = ((meta: { deleted?: number }) => pruned(meta.deleted ?? -1)) as typeof logger.info;
      const stop = scheduleAuditPruning(store, 400, logger, { firstAfterMs: 0, everyMs: 60_000 });
      try {
        assert.equal(await logged, 1);
      } finally {
        stop();
      }
      assert.equal((await store.list()).length, 0);
    } finally {
      await database.drop();
    }
  });
});
