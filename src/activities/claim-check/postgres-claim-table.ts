import type { Pool } from 'pg';

/** An unquoted-style identifier: safe to interpolate once double-quoted. */
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

export interface ClaimTable {
  schema: string;
  table: string;
  /** `"schema"."table"`, for SQL text. */
  qualified: string;
}

export function claimTable(schema: string, table: string): ClaimTable {
  for (const [what, name] of [['schema', schema], ['table', table]] as const) {
    if (!IDENTIFIER.test(name)) throw new TypeError(`claim store ${what} ${JSON.stringify(name)}: lower-case letters, digits and _, at most 63`);
  }
  return { schema, table, qualified: `"${schema}"."${table}"` };
}

/** First half of the advisory-lock key (any constant of ours); the second half is a hash of the table's name. */
const MIGRATION_LOCK_CLASS = 0x66_62_63_6c; // 'fbcl'

/**
 * Creates the schema, table and index when missing. Idempotent, and safe when several workers start at once:
 * the transaction-scoped advisory lock lets one of them create while the others wait, then find it all there
 * (bare `CREATE … IF NOT EXISTS` can still fail with a unique violation when two run concurrently).
 */
export async function migrateClaimTable(pool: Pool, target: ClaimTable): Promise<void> {
  const client = await pool.connect();
  let failure: Error | undefined;
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1::int, hashtext($2))', [MIGRATION_LOCK_CLASS, target.qualified]);
    // Only when missing: CREATE SCHEMA IF NOT EXISTS needs CREATE on the database even when the schema exists.
    const existing = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [target.schema]);
    if (existing.rowCount === 0) await client.query(`CREATE SCHEMA "${target.schema}"`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${target.qualified} (
      key text PRIMARY KEY,
      kind text NOT NULL,
      sha256 text NOT NULL,
      bytes integer NOT NULL CHECK (bytes >= 0),
      body bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await client.query(`CREATE INDEX IF NOT EXISTS "${target.table}_created_at" ON ${target.qualified} (created_at)`);
    await client.query('COMMIT');
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
    await client.query('ROLLBACK').catch(() => undefined); // the original error is the one to report
    throw error;
  } finally {
    // A connection whose transaction failed is discarded rather than reused.
    client.release(failure);
  }
}
