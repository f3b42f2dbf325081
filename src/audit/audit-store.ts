import type { Kysely } from 'kysely';
import { Migrator } from 'kysely/migration';
import type { AuditDetail, AuditEvent, StoredAuditEvent } from './audit-event.js';
import { AUDIT_TABLE, type AuditDatabase } from './audit-tables.js';
import { createKyselyMemoryStore } from './memory/kysely-memory-store.js';
import { createNoMemoryStore, type ReviewMemoryStore } from './memory/review-memory-store.js';
import { auditMigrations } from './migrations/index.js';
import { sanitizeEvent } from './sanitize-event.js';
import { subjectOfWorkflowId } from './workflow-subject.js';

/** What `forgebot audit` asks for; rows come newest first. */
export interface AuditFilter {
  repository?: string;
  /** A subject key: rows about it, and every row of its workflow. */
  subject?: string;
  since?: Date;
  /** Default 100, at most 10,000. */
  limit?: number;
}

export type AuditStoreKind = 'postgres' | 'pglite' | 'off';

/** The audit trail: append-only rows, each written once whatever retries. */
export interface AuditStore {
  readonly kind: AuditStoreKind;
  /** Review memory (finding outcomes, learnings) in the same database. */
  readonly memory: ReviewMemoryStore;
  /** Writes the rows whose key is new; returns how many were (a retried activity's rows: none). */
  record(events: readonly AuditEvent[]): Promise<number>;
  list(filter?: AuditFilter): Promise<StoredAuditEvent[]>;
  /** Deletes the rows older than `olderThan` (retention); returns how many. */
  prune(olderThan: Date): Promise<number>;
  close(): Promise<void>;
}

/** A schema name safe to quote (lower-case letters, digits, `_`), as the claim store checks its own. */
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

export interface KyselyAuditStoreOptions {
  db: Kysely<AuditDatabase>;
  kind: Exclude<AuditStoreKind, 'off'>;
  /** Default `public`. */
  schema?: string;
  /** The worker's own credentials: redacted from every row besides the token shapes redactSecrets knows. */
  secrets?: readonly string[];
  /** Runs when the store closes (after kysely's own connections end): releasing a PGlite directory's lock. */
  onClose?: () => Promise<void>;
}

/** Runs the audit migrations to the latest (kysely's Migrator: an advisory lock, one transaction); throws on failure. */
export async function migrateAuditStore(db: Kysely<AuditDatabase>, schema = 'public'): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: auditMigrations(schema),
    migrationTableName: 'forgebot_audit_migrations',
    migrationLockTableName: 'forgebot_audit_migrations_lock',
    ...(schema === 'public' ? {} : { migrationTableSchema: schema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName;
    throw new Error(`audit migration ${failed ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`.replace('  ', ' '));
  }
  return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
}

const optional = <K extends string>(key: K, value: string | null): Partial<Record<K, string>> => (value === null ? {} : ({ [key]: value } as Record<K, string>));

/** The audit store over kysely: PostgreSQL (pg) in production and tests, PGlite for `make dev`; migrated on first use. */
export function createKyselyAuditStore(options: KyselyAuditStoreOptions): AuditStore {
  const schema = options.schema ?? 'public';
  if (!IDENTIFIER.test(schema)) throw new TypeError(`audit store schema ${JSON.stringify(schema)}: lower-case letters, digits and _, at most 63`);
  const db = options.db.withSchema(schema);
  const secrets = options.secrets ?? [];
  let ready: Promise<unknown> | undefined;
  let closed = false;
  function migrated(): Promise<unknown> {
    if (closed) return Promise.reject(new Error('the audit store is closed'));
    // A failed migration is tried again by the next call rather than cached.
    ready ??= migrateAuditStore(options.db, schema).catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    return ready;
  }

  return {
    kind: options.kind,
    memory: createKyselyMemoryStore(db, migrated),

    async record(events) {
      if (events.length === 0) return 0;
      await migrated();
      const rows = events.map((raw) => {
        const event = sanitizeEvent(raw, secrets);
        return {
          category: event.category,
          kind: event.kind,
          ordinal: event.ordinal ?? 0,
          workflow_id: event.workflowId,
          run_id: event.runId,
          source_id: event.sourceId,
          source: event.source,
          workflow_type: event.workflowType ?? null,
          workflow_subject: subjectOfWorkflowId(event.workflowId) ?? null,
          target: event.target,
          repository: event.repository ?? null,
          subject: event.subject ?? null,
          actor: event.actor ?? null,
          access_level: event.accessLevel ?? null,
          url: event.url ?? null,
          outcome: event.outcome ?? null,
          details: JSON.stringify(event.details ?? {}),
        };
      });
      const result = await db
        .insertInto(AUDIT_TABLE)
        .values(rows)
        .onConflict((conflict) => conflict.constraint(`${AUDIT_TABLE}_once`).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0n);
    },

    async list(filter = {}) {
      await migrated();
      const limit = Math.min(Math.max(1, Math.trunc(filter.limit ?? 100)), 10_000);
      let query = db.selectFrom(AUDIT_TABLE).selectAll();
      if (filter.repository !== undefined) query = query.where('repository', '=', filter.repository);
      const subject = filter.subject;
      if (subject !== undefined) query = query.where((where) => where.or([where('subject', '=', subject), where('workflow_subject', '=', subject)]));
      if (filter.since !== undefined) query = query.where('at', '>=', filter.since);
      const rows = await query.orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();
      return rows.map((row): StoredAuditEvent => ({
        id: Number(row.id),
        at: new Date(row.at),
        category: row.category as StoredAuditEvent['category'],
        kind: row.kind as StoredAuditEvent['kind'],
        ordinal: row.ordinal,
        workflowId: row.workflow_id,
        runId: row.run_id,
        sourceId: row.source_id,
        source: row.source,
        target: row.target as StoredAuditEvent['target'],
        ...optional('workflowType', row.workflow_type),
        ...optional('workflowSubject', row.workflow_subject),
        ...optional('repository', row.repository),
        ...optional('subject', row.subject),
        ...optional('actor', row.actor),
        ...optional('accessLevel', row.access_level),
        ...optional('url', row.url),
        ...optional('outcome', row.outcome),
        details: (typeof row.details === 'string' ? JSON.parse(row.details) : row.details) as Record<string, AuditDetail>,
      }));
    },

    async prune(olderThan) {
      await migrated();
      const result = await db.deleteFrom(AUDIT_TABLE).where('at', '<', olderThan).executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async close() {
      if (closed) return;
      closed = true;
      // A migration under way finishes first: its connection is not cut mid-transaction.
      await ready?.catch(() => undefined);
      await options.db.destroy();
      await options.onClose?.();
    },
  };
}

/** AUDIT_STORE=off: nothing is kept (a deployment that keeps its trail elsewhere, or a test that needs none). */
export function createNoAuditStore(): AuditStore {
  return { kind: 'off', memory: createNoMemoryStore(), record: async () => 0, list: async () => [], prune: async () => 0, close: async () => undefined };
}

