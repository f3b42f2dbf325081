import type { ColumnType, Generated } from 'kysely';
import type { ReviewMemoryDatabase } from './memory/memory-tables.js';

/** The audit table as kysely sees it (migrations/0001-audit-events.ts creates it). */
export interface AuditEventsTable {
  id: Generated<string | number | bigint>;
  at: ColumnType<Date, Date | undefined, never>;
  category: string;
  kind: string;
  ordinal: number;
  workflow_id: string;
  run_id: string;
  source_id: string;
  source: string;
  workflow_type: string | null;
  workflow_subject: string | null;
  target: string;
  repository: string | null;
  subject: string | null;
  actor: string | null;
  access_level: string | null;
  url: string | null;
  outcome: string | null;
  /** jsonb: written as JSON text, read back parsed. */
  details: ColumnType<Record<string, unknown>, string, never>;
}

/** The audit table's name: prefixed like the claim store's, so that it can share a database with anything. */
export const AUDIT_TABLE = 'forgebot_audit_events';

/** The audit database: the trail, and review memory (memory/memory-tables.ts) beside it. */
export interface AuditDatabase extends ReviewMemoryDatabase {
  [AUDIT_TABLE]: AuditEventsTable;
}
