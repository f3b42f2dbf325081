// Why PostgreSQL rather than an S3-compatible object store for production claims: the audit trail (a later
// issue) needs PostgreSQL anyway, so claims add no second stateful dependency and no extra credentials in the
// cluster; writes are transactional (a claim is there entirely or not at all); and pruning is one indexed
// DELETE. Bodies are at most a few MiB, well within what bytea and TOAST handle.
import { Pool } from 'pg';
import type { Logger } from '../../logger.js';
import type { ClaimCheckStore } from './claim-check-store.js';
import { checkRef, corruptSize, missing, refFor, verifyBody } from './content-address.js';
import { claimTable, migrateClaimTable } from './postgres-claim-table.js';

export interface PostgresClaimStoreOptions {
  /** `postgres://user:password@host:5432/database` */
  connectionString: string;
  /** Default `public`. */
  schema?: string;
  /** Default `forgebot_claims`. */
  table?: string;
  /** Pool size; default 4 (a worker puts or gets one claim per activity). */
  maxConnections?: number;
  /** Server-side limit on every statement, in ms; default 30 s. */
  statementTimeoutMs?: number;
  /** Where idle-connection errors go; without one they become process warnings. */
  logger?: Logger;
}

interface BodyRow {
  body: Buffer | null;
  bytes: number;
}

/** The production store: one row per claim, body as bytea; the table is created on first use. */
export function createPostgresClaimStore(options: PostgresClaimStoreOptions): ClaimCheckStore {
  const target = claimTable(options.schema ?? 'public', options.table ?? 'forgebot_claims');
  const statementTimeoutMs = options.statementTimeoutMs ?? 30_000;
  const pool = new Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 4,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: statementTimeoutMs,
    // Client-side too, for a server that stops answering altogether.
    query_timeout: statementTimeoutMs + 5_000,
    application_name: 'forgebot-claims',
  });
  pool.on('error', (error) => {
    if (options.logger) options.logger.warn({ err: error }, 'idle claim-store connection failed');
    else process.emitWarning(error);
  });

  let ready: Promise<void> | undefined;
  let closed = false;
  function migrated(): Promise<void> {
    if (closed) return Promise.reject(new Error('claim store is closed'));
    // A failed migration is tried again by the next call rather than cached.
    ready ??= migrateClaimTable(pool, target).catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    return ready;
  }

  return {
    async put(kind, body) {
      const ref = refFor('postgres', kind, body);
      await migrated();
      // Same key means same bytes: a second put rewrites the row (repairing a damaged copy) and makes it young again.
      await pool.query(
        `INSERT INTO ${target.qualified} (key, kind, sha256, bytes, body) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (key) DO UPDATE SET body = EXCLUDED.body, bytes = EXCLUDED.bytes, sha256 = EXCLUDED.sha256, created_at = now()`,
        [ref.key, kind, ref.sha256, ref.bytes, Buffer.from(body.buffer, body.byteOffset, body.byteLength)],
      );
      return ref;
    },

    async get(input) {
      const ref = checkRef('postgres', input);
      await migrated();
      // A body of the wrong size is not even sent.
      const result = await pool.query<BodyRow>(
        `SELECT octet_length(body) AS bytes, CASE WHEN octet_length(body) = $2 THEN body END AS body
         FROM ${target.qualified} WHERE key = $1`,
        [ref.key, ref.bytes],
      );
      const row = result.rows[0];
      if (!row) throw missing(ref);
      if (row.body === null) throw corruptSize(ref, row.bytes);
      return verifyBody(ref, row.body);
    },

    async prune(olderThan) {
      await migrated();
      const result = await pool.query(`DELETE FROM ${target.qualified} WHERE created_at < $1`, [olderThan]);
      return result.rowCount ?? 0;
    },

    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
