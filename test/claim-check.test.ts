import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import pg from 'pg';
import { z } from 'zod';
import { ClaimCheckError, createClaimStore, createFileClaimStore, createPostgresClaimStore, getJson, putJson } from '../src/activities/claim-check/index.js';
import type { ClaimCheckErrorCode, ClaimCheckStore } from '../src/activities/claim-check/index.js';
import { ConfigError, loadConfig } from '../src/config.js';
import type { ClaimRef } from '../src/domain/claim-ref.js';

/** A store plus the test's own look behind it, to age, damage, remove and count stored claims. */
interface Backend {
  store: ClaimCheckStore;
  backdate(ref: ClaimRef, when: Date): Promise<void>;
  replaceBody(ref: ClaimRef, body: Uint8Array): Promise<void>;
  remove(ref: ClaimRef): Promise<void>;
  count(): Promise<number>;
}

function rejectsWith(code: ClaimCheckErrorCode) {
  return (error: unknown) => {
    assert.ok(error instanceof ClaimCheckError, `expected a ClaimCheckError, got ${String(error)}`);
    assert.equal(error.code, code);
    // Permanent by construction: an activity that lets it through fails at once with this type.
    assert.ok(error instanceof ApplicationFailure);
    assert.equal(error.type, code);
    assert.equal(error.nonRetryable, true);
    return true;
  };
}

const Review = z.object({ summary: z.string(), findings: z.array(z.object({ path: z.string(), line: z.number().int() })) });

function contractSuite(name: string, open: () => Promise<Backend>, close: () => Promise<void>): void {
  describe(`${name} claim store (contract)`, () => {
    // Opened by the first test, so an unreachable server fails every test with its message (none is skipped).
    let opened: Promise<Backend> | undefined;
    const it = (title: string, body: (backend: Backend) => Promise<void>): void => {
      test(title, async () => body(await (opened ??= open())));
    };
    after(close);

    it('3 MiB of random bytes come back byte for byte, described by size and sha256', async (backend) => {
      const body = randomBytes(3 * 1024 * 1024);
      const ref = await backend.store.put('review-result', body);
      assert.equal(ref.store, name);
      assert.equal(ref.bytes, body.byteLength);
      assert.match(ref.sha256, /^[0-9a-f]{64}$/);
      assert.equal(ref.key, `review-result.${ref.sha256}`);
      assert.ok(Buffer.from(await backend.store.get(ref)).equals(body));
    });

    it('putting the same content twice gives the same reference and one stored object', async (backend) => {
      const body = randomBytes(1000);
      const before = await backend.count();
      const first = await backend.store.put('agent-patch', body);
      const second = await backend.store.put('agent-patch', body);
      assert.deepEqual(second, first);
      assert.equal(await backend.count(), before + 1);
      assert.ok(Buffer.from(await backend.store.get(first)).equals(body));
    });

    it('an empty body is a valid claim', async (backend) => {
      const ref = await backend.store.put('empty', new Uint8Array(0));
      assert.equal(ref.bytes, 0);
      assert.equal((await backend.store.get(ref)).byteLength, 0);
    });

    it('a claim that is gone, or was never written, is ERR_CLAIM_MISSING', async (backend) => {
      const ref = await backend.store.put('review-result', randomBytes(64));
      await backend.remove(ref);
      await assert.rejects(backend.store.get(ref), rejectsWith('ERR_CLAIM_MISSING'));
      const never = { ...ref, key: `review-result.${'0'.repeat(64)}`, sha256: '0'.repeat(64) };
      await assert.rejects(backend.store.get(never), rejectsWith('ERR_CLAIM_MISSING'));
      const elsewhere = { ...ref, store: name === 'file' ? 'postgres' : 'file' } satisfies ClaimRef;
      await assert.rejects(backend.store.get(elsewhere), rejectsWith('ERR_CLAIM_MISSING'));
    });

    it('a tampered body (same size or not) is ERR_CLAIM_CORRUPT', async (backend) => {
      const body = randomBytes(4096);
      const ref = await backend.store.put('review-result', body);
      const flipped = Buffer.from(body);
      flipped[100] = (flipped[100] ?? 0) ^ 0x01;
      await backend.replaceBody(ref, flipped);
      await assert.rejects(backend.store.get(ref), rejectsWith('ERR_CLAIM_CORRUPT'));
      await backend.replaceBody(ref, body.subarray(0, 4000));
      await assert.rejects(backend.store.get(ref), rejectsWith('ERR_CLAIM_CORRUPT'));
      await backend.store.put('review-result', body); // a put of the right content repairs it
      assert.ok(Buffer.from(await backend.store.get(ref)).equals(body));
    });

    it('a malformed reference (a path in the key) is refused before any lookup', async (backend) => {
      const ref = { store: name === 'file' ? 'file' : 'postgres', key: '../../etc/passwd', sha256: '0'.repeat(64), bytes: 1 } satisfies ClaimRef;
      await assert.rejects(backend.store.get(ref), rejectsWith('ERR_CLAIM_INVALID'));
      await assert.rejects(backend.store.put('Not/A/Kind', randomBytes(8)), TypeError);
    });

    it('prune removes claims older than the cut-off, keeps newer ones, and a re-put makes a claim young', async (backend) => {
      const old = await backend.store.put('prune-me', randomBytes(256));
      const fresh = await backend.store.put('keep-me', randomBytes(256));
      const reput = await backend.store.put('keep-me', randomBytes(256));
      const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
      await backend.backdate(old, twoDaysAgo);
      await backend.backdate(reput, twoDaysAgo);
      await backend.store.put('keep-me', await backend.store.get(reput));
      const removed = await backend.store.prune(new Date(Date.now() - 86_400_000));
      assert.equal(removed, 1);
      await assert.rejects(backend.store.get(old), rejectsWith('ERR_CLAIM_MISSING'));
      assert.equal((await backend.store.get(fresh)).byteLength, 256);
      assert.equal((await backend.store.get(reput)).byteLength, 256);
    });

    it('JSON claims round-trip through zod and a wrong shape or a non-JSON body is ERR_CLAIM_INVALID', async (backend) => {
      const review = { summary: 'two findings', findings: [{ path: 'src/a.ts', line: 3 }, { path: 'src/ü.ts', line: 9 }] };
      const ref = await putJson(backend.store, 'review-result', review);
      assert.deepEqual(await getJson(backend.store, ref, Review), review);
      const Other = z.object({ patch: z.string() });
      await assert.rejects(getJson(backend.store, ref, Other), rejectsWith('ERR_CLAIM_INVALID'));
      await assert.rejects(getJson(backend.store, ref, Review.extend({ summary: z.number() })), /summary/);
      const binary = await backend.store.put('review-result', Uint8Array.from([0xff, 0xfe, 0x00]));
      await assert.rejects(getJson(backend.store, binary, Review), rejectsWith('ERR_CLAIM_INVALID'));
      await assert.rejects(putJson(backend.store, 'review-result', undefined), TypeError);
    });
  });
}

// ---- file store ------------------------------------------------------------------------------------------------

let claimDir = '';
contractSuite(
  'file',
  async () => {
    claimDir = await mkdtemp(join(tmpdir(), 'forgebot-claims-'));
    const dir = join(claimDir, 'claims');
    const path = (ref: ClaimRef) => join(dir, ref.key);
    return {
      store: createFileClaimStore(dir),
      backdate: (ref, when) => utimes(path(ref), when, when),
      replaceBody: (ref, body) => writeFile(path(ref), body),
      remove: (ref) => rm(path(ref)),
      count: async () => (await readdir(dir).catch(() => [])).length,
    };
  },
  () => rm(claimDir, { recursive: true, force: true }),
);

test('file claims are mode 0600 in a 0700 directory and leave no temporary files', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'forgebot-claims-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const store = createClaimStore({ CLAIM_STORE: 'file', CLAIM_STORE_DIR: join(root, 'c') });
  const refs = await Promise.all([1, 2, 3].map(() => store.put('review-result', randomBytes(2048))));
  assert.deepEqual((await readdir(join(root, 'c'))).sort(), refs.map((ref) => ref.key).sort());
  assert.equal((await stat(join(root, 'c', refs[0]?.key ?? ''))).mode & 0o777, 0o600);
  assert.equal((await stat(join(root, 'c'))).mode & 0o777, 0o700);
});

// ---- PostgreSQL store ------------------------------------------------------------------------------------------

/** TEST_DATABASE_URL when set; else this machine's server, as user postgres and then root (trust auth). */
const candidates = process.env.TEST_DATABASE_URL ? [process.env.TEST_DATABASE_URL] : ['postgres://postgres@127.0.0.1:5432/test', 'postgres://root@127.0.0.1:5432/test'];

/** An admin connection to the test database, or a clear failure: these tests never skip. */
async function connectPostgres(): Promise<{ url: string; admin: pg.Client }> {
  const failures: string[] = [];
  for (const url of candidates) {
    const admin = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
    try {
      await admin.connect();
      return { url, admin };
    } catch (error) {
      failures.push(`${new URL(url).username}@${new URL(url).host}: ${String(error)}`);
      await admin.end().catch(() => undefined);
    }
  }
  throw new Error(`these tests need PostgreSQL (TEST_DATABASE_URL, or database test on 127.0.0.1:5432 as postgres or root, trust auth): is the server running? ${failures.join('; ')}`);
}

const schema = `claims_test_${randomBytes(6).toString('hex')}`;
const raceSchema = `${schema}_race`;
let connection: Promise<{ url: string; admin: pg.Client }> | undefined;
const postgres = () => (connection ??= connectPostgres());
let pgStore: ClaimCheckStore | undefined;

// This run's schemas go, whatever happened.
after(async () => {
  if (!connection) return;
  const { admin } = await connection.catch(() => ({ admin: undefined }));
  if (!admin) return;
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.query(`DROP SCHEMA IF EXISTS "${raceSchema}" CASCADE`);
  await admin.end();
});

contractSuite(
  'postgres',
  async () => {
    const { admin, url } = await postgres();
    const table = 'claims';
    const qualified = `"${schema}"."${table}"`;
    pgStore = createPostgresClaimStore({ connectionString: url, schema, table, maxConnections: 2 });
    return {
      store: pgStore,
      backdate: async (ref, when) => {
        await admin.query(`UPDATE ${qualified} SET created_at = $2 WHERE key = $1`, [ref.key, when]);
      },
      replaceBody: async (ref, body) => {
        await admin.query(`UPDATE ${qualified} SET body = $2 WHERE key = $1`, [ref.key, Buffer.from(body)]);
      },
      remove: async (ref) => {
        await admin.query(`DELETE FROM ${qualified} WHERE key = $1`, [ref.key]);
      },
      count: async () => {
        const exists = await admin.query('SELECT to_regclass($1) AS t', [qualified]);
        if (exists.rows[0]?.t === null) return 0;
        return Number((await admin.query<{ n: string }>(`SELECT count(*) AS n FROM ${qualified}`)).rows[0]?.n);
      },
    };
  },
  async () => {
    await pgStore?.close();
  },
);

describe('postgres claim store (migration)', () => {
  test('four workers migrating a fresh schema at once all succeed, and the table is there once', async () => {
    const { admin, url } = await postgres();
    const stores = [1, 2, 3, 4].map(() => createPostgresClaimStore({ connectionString: url, schema: raceSchema, maxConnections: 1 }));
    try {
      const body = randomBytes(512);
      const results = await Promise.allSettled(stores.map((store) => store.put('review-result', body)));
      assert.deepEqual(results.map((result) => (result.status === 'rejected' ? String(result.reason) : 'ok')), ['ok', 'ok', 'ok', 'ok']);
      const tables = await admin.query('SELECT tablename FROM pg_tables WHERE schemaname = $1', [raceSchema]);
      assert.deepEqual(tables.rows, [{ tablename: 'forgebot_claims' }]);
      const refs = results.map((result) => (result.status === 'fulfilled' ? result.value : assert.fail('no reference')));
      assert.equal(new Set(refs.map((ref) => ref.key)).size, 1);
      for (const [index, store] of stores.entries()) assert.ok(Buffer.from(await store.get(refs[index] ?? assert.fail())).equals(body));
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  test('an unsafe schema or table name is refused before any SQL runs', () => {
    const connectionString = 'postgres://nobody@127.0.0.1:1/none';
    assert.throws(() => createPostgresClaimStore({ connectionString, schema: 'x"; DROP TABLE y; --' }), TypeError);
    assert.throws(() => createPostgresClaimStore({ connectionString, table: 'Claims' }), TypeError);
  });
});

// ---- configuration ---------------------------------------------------------------------------------------------

describe('claim store configuration', () => {
  test('defaults: the file store and 30 days of retention', () => {
    const config = loadConfig({});
    assert.equal(config.CLAIM_STORE, 'file');
    assert.equal(config.CLAIM_STORE_DIR, undefined);
    assert.equal(config.DATABASE_URL, undefined);
    assert.equal(config.CLAIM_RETENTION_DAYS, 30);
  });

  test('CLAIM_STORE=postgres without DATABASE_URL is reported with the other problems', () => {
    assert.throws(
      () => loadConfig({ CLAIM_STORE: 'postgres', GITLAB_URL: 'https://gitlab.example.com' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.deepEqual(error.problems.sort(), ['DATABASE_URL: is required when CLAIM_STORE=postgres', 'GITLAB_TOKEN: is required when GITLAB_URL is set']);
        return true;
      },
    );
    assert.equal(loadConfig({ CLAIM_STORE: 'postgres', DATABASE_URL: 'postgresql://u:p@db:5432/forgebot' }).CLAIM_STORE, 'postgres');
  });

  test('a DATABASE_URL that is not postgres:// and a bad retention are refused, without echoing the URL', () => {
    assert.throws(
      () => loadConfig({ DATABASE_URL: 'mysql://forgebot:hunter2@db/forgebot', CLAIM_RETENTION_DAYS: '0', CLAIM_STORE: 's3' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.deepEqual(error.problems.map((problem) => problem.split(':')[0]).sort(), ['CLAIM_RETENTION_DAYS', 'CLAIM_STORE', 'DATABASE_URL']);
        assert.doesNotMatch(error.message, /hunter2/);
        return true;
      },
    );
  });

  test('createClaimStore picks the store the configuration names', async () => {
    const store = createClaimStore(loadConfig({ CLAIM_STORE: 'postgres', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' }));
    try {
      const fileRef = { store: 'file', key: 'x.y', sha256: '0'.repeat(64), bytes: 0 } satisfies ClaimRef;
      await assert.rejects(store.get(fileRef), /in the file store, not the postgres store/);
    } finally {
      await store.close();
    }
  });
});
