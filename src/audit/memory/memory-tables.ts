import type { ColumnType, Generated } from 'kysely';

/** What became of each posted finding, one row per specialist that raised it (migrations/0002-review-memory.ts). */
export interface FindingOutcomesTable {
  id: Generated<string | number | bigint>;
  forge: string;
  repository: string;
  change_number: number;
  fingerprint: string;
  specialist: string;
  category: string;
  severity: string;
  outcome: string;
  recorded_at: ColumnType<Date, Date | undefined, never>;
}

/** Learnings: proposed from people's replies (or added by an operator), in effect once a maintainer accepted them. */
export interface LearningsTable {
  id: string;
  repository: string;
  text: string;
  source_change: number | null;
  /** The note a proposal came from (a retried activity proposes nothing twice). */
  source_note: string | null;
  author: string;
  specialist: string | null;
  status: string;
  accepted_by: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
  expires_at: Date | null;
}

export const FINDING_OUTCOMES_TABLE = 'forgebot_finding_outcomes';
export const LEARNINGS_TABLE = 'forgebot_learnings';

export interface ReviewMemoryDatabase {
  [FINDING_OUTCOMES_TABLE]: FindingOutcomesTable;
  [LEARNINGS_TABLE]: LearningsTable;
}
