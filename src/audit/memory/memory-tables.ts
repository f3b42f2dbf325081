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
  /** The finding's file and title (model text, stored as read from forgebot's thread): what a pattern names. */
  path: string | null;
  title: string | null;
  recorded_at: ColumnType<Date, Date | undefined, never>;
}

/**
 * Learnings: proposed from people's replies or from patterns in the outcomes (or added by an operator), in effect once
 * a maintainer accepted them.
 */
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
  /** The outcome pattern a proposal came from (learning_patterns), null for a reply's or an operator's. */
  pattern_key: string | null;
}

/**
 * Every pattern in the outcomes ever proposed as a learning, one row per (forge, repository, key): kept when its
 * learning is removed, so that a maintainer's "no" to a pattern is not asked again.
 */
export interface LearningPatternsTable {
  forge: string;
  repository: string;
  pattern_key: string;
  specialist: string;
  category: string;
  /** The directory the pattern's findings share ('' for the whole repository). */
  path_prefix: string;
  learning_id: string;
  proposed_at: ColumnType<Date, Date | undefined, never>;
}

export const FINDING_OUTCOMES_TABLE = 'forgebot_finding_outcomes';
export const LEARNINGS_TABLE = 'forgebot_learnings';
export const LEARNING_PATTERNS_TABLE = 'forgebot_learning_patterns';

export interface ReviewMemoryDatabase {
  [FINDING_OUTCOMES_TABLE]: FindingOutcomesTable;
  [LEARNINGS_TABLE]: LearningsTable;
  [LEARNING_PATTERNS_TABLE]: LearningPatternsTable;
}
