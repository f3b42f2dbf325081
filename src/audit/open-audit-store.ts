import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { createKyselyAuditStore, createNoAuditStore, type AuditStore, type AuditStoreKind } from './audit-store.js';
import type { AuditDatabase } from './audit-tables.js';
import { pgliteDialect } from './pglite-dialect.js';
import { lockPGliteDir } from './pglite-lock.js';

export type AuditStoreConfig = Pick<Config, 'AUDIT_STORE' | 'AUDIT_STORE_DIR' | 'DATABASE_URL'>;

/** Where `make dev` keeps its embedded audit database. */
export const DEFAULT_AUDIT_DIR = '.forgebot/audit';

/** AUDIT_STORE, or its default: PostgreSQL when DATABASE_URL is set (production), else the embedded PGlite (`make dev`). */
export function auditStoreKind(config: AuditStoreConfig): AuditStoreKind {
  return config.AUDIT_STORE ?? (config.DATABASE_URL ? 'postgres' : 'pglite');
}

/** Every credential in the configuration (by its name): never written to the trail in any form. */
export function configSecrets(config: Partial<Config>): string[] {
  const values: unknown[] = Object.entries(config)
    .filter(([name]) => /TOKEN|SECRET|PRIVATE_KEY|API_KEY|PASSWORD/.test(name))
    .flatMap(([, value]): unknown[] => (Array.isArray(value) ? value : [value]));
  return values.filter((value): value is string => typeof value === 'string' && value.length > 0);
}

export interface OpenAuditStoreOptions {
  logger?: Logger;
  /** Extra values to redact (default: the configuration's credentials, when a whole Config is given). */
  secrets?: readonly string[];
  /** PostgreSQL schema (tests); default `public`. */
  schema?: string;
}

/** A pg pool for the audit trail: few connections, every statement bounded. */
function auditPool(connectionString: string, logger?: Logger): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: 4,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: 15_000,
    query_timeout: 20_000,
    application_name: 'forgebot-audit',
  });
  pool.on('error', (error) => {
    if (logger) logger.warn({ err: error }, 'idle audit-store connection failed');
    else process.emitWarning(error);
  });
  return pool;
}

/**
 * The audit store the configuration names. PostgreSQL connects on first use; PGlite locks its directory at once (one
 * process only: an AuditStoreBusyError when another holds it) and sets it up on first use (seconds, the first time).
 * The migrations run on first use in both.
 */
export function openAuditStore(config: AuditStoreConfig, options: OpenAuditStoreOptions = {}): AuditStore {
  const secrets = options.secrets ?? configSecrets(config);
  const schema = options.schema ?? 'public';
  switch (auditStoreKind(config)) {
    case 'off':
      return createNoAuditStore();
    case 'postgres': {
      if (!config.DATABASE_URL) throw new Error('AUDIT_STORE=postgres needs DATABASE_URL');
      const db = new Kysely<AuditDatabase>({ dialect: new PostgresDialect({ pool: auditPool(config.DATABASE_URL, options.logger) }) });
      return createKyselyAuditStore({ db, kind: 'postgres', schema, secrets });
    }
    case 'pglite': {
      const dir = resolve(config.AUDIT_STORE_DIR ?? DEFAULT_AUDIT_DIR);
      const release = lockPGliteDir(dir);
      const create = async () => {
        options.logger?.info({ dir }, 'opening the embedded audit store (PGlite; set DATABASE_URL for PostgreSQL)');
        return PGlite.create(dir);
      };
      const db = new Kysely<AuditDatabase>({ dialect: pgliteDialect(create) });
      return createKyselyAuditStore({ db, kind: 'pglite', schema, secrets, onClose: async () => release() });
    }
  }
}
