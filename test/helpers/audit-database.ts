// A PostgreSQL database of its own for each audit test, on this machine's server (or TEST_DATABASE_URL's), dropped
// afterwards: tests never share rows, whatever else runs on the machine.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openAuditStore } from '../../src/audit/open-audit-store.js';
import type { AuditStore } from '../../src/audit/audit-store.js';
import { auditActivityInterceptor } from '../../src/audit/audit-interceptor.js';
import type { WorkerAudit } from '../../src/audit/wiring.js';

/** TEST_DATABASE_URL when set; else the local server as user postgres, then root (trust auth), as the claim tests do. */
const candidates = process.env.TEST_DATABASE_URL ? [process.env.TEST_DATABASE_URL] : ['postgres://postgres@127.0.0.1:5432/postgres', 'postgres://root@127.0.0.1:5432/postgres'];

let admin: Promise<{ url: URL; client: pg.Client }> | undefined;

async function connectAdmin(): Promise<{ url: URL; client: pg.Client }> {
  const failures: string[] = [];
  for (const candidate of candidates) {
    const client = new pg.Client({ connectionString: candidate, connectionTimeoutMillis: 3_000 });
    try {
      await client.connect();
      return { url: new URL(candidate), client };
    } catch (error) {
      failures.push(`${new URL(candidate).username}@${new URL(candidate).host}: ${String(error)}`);
      await client.end().catch(() => undefined);
    }
  }
  throw new Error(`the audit tests need PostgreSQL (TEST_DATABASE_URL, or 127.0.0.1:5432 as postgres or root with trust auth, allowed to CREATE DATABASE): is the server running? ${failures.join('; ')}`);
}

export interface TestDatabase {
  /** `postgres://…/forgebot_audit_<random>` */
  url: string;
  /** A connection to it for the test's own checks (backdating rows, trying an UPDATE). */
  sql: pg.Client;
  /** An audit store on it, as the workers open one (AUDIT_STORE=postgres). */
  openStore(secrets?: readonly string[]): AuditStore;
  drop(): Promise<void>;
}

/** Creates a uniquely named database; `drop()` removes it (and closes every store opened through it). */
export async function createTestDatabase(): Promise<TestDatabase> {
  admin ??= connectAdmin();
  const { url, client } = await admin;
  const name = `forgebot_audit_${process.pid}_${randomBytes(4).toString('hex')}`;
  await client.query(`CREATE DATABASE "${name}"`);
  const dbUrl = new URL(url);
  dbUrl.pathname = `/${name}`;
  const sql = new pg.Client({ connectionString: dbUrl.toString(), connectionTimeoutMillis: 3_000 });
  await sql.connect();
  const stores: AuditStore[] = [];
  return {
    url: dbUrl.toString(),
    sql,
    openStore(secrets) {
      const store = openAuditStore({ AUDIT_STORE: 'postgres', DATABASE_URL: dbUrl.toString() }, secrets ? { secrets } : {});
      stores.push(store);
      return store;
    },
    async drop() {
      await Promise.allSettled(stores.map((store) => store.close()));
      await sql.end();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

/** Closes the admin connection (a suite's `after`). */
export async function closeAdmin(): Promise<void> {
  const connection = admin;
  admin = undefined;
  if (connection) await (await connection.catch(() => undefined))?.client.end();
}

/** A stack's audit wiring on `store` (the workers' interceptor writes there; the stack closes the store when it stops). */
export function stackAudit(store: AuditStore): WorkerAudit {
  return { store, interceptor: auditActivityInterceptor({ store, model: 'e2e-model' }), close: () => store.close() };
}
