import type { BriefLearning, FindingOutcome } from '../../domain/review-memory.js';
import type { Category, Severity } from '../../domain/finding.js';
import type { SpecialistName } from '../../domain/specialist-name.js';

/** One finding's outcome for one specialist that raised it. */
export interface OutcomeRecord {
  forge: string;
  repository: string;
  changeNumber: number;
  fingerprint: string;
  specialist: SpecialistName;
  category: Category;
  severity: Severity;
  outcome: FindingOutcome;
}

/** Outcomes counted per repository, specialist and outcome (what `forgebot memory stats` adds up). */
export interface OutcomeCount {
  repository: string;
  specialist: string;
  outcome: FindingOutcome;
  count: number;
}

export type LearningStatus = 'proposed' | 'accepted';

export interface Learning {
  id: string;
  repository: string;
  text: string;
  sourceChange?: number;
  sourceNote?: string;
  author: string;
  specialist?: SpecialistName;
  status: LearningStatus;
  acceptedBy?: string;
  createdAt: Date;
  expiresAt?: Date;
}

/** A new learning: proposed from a reply (its id derived from the note), or added by an operator (accepted). */
export type NewLearning = Omit<Learning, 'createdAt' | 'id'> & { id?: string };

export interface LearningChange {
  text?: string;
  /** null: for every reviewer again. */
  specialist?: SpecialistName | null;
  /** null: never expires. */
  expiresAt?: Date | null;
}

/** Review memory, in the audit database: finding outcomes and learnings. */
export interface ReviewMemoryStore {
  /** Writes the outcomes not recorded before; returns those it wrote (a retried activity's: none). */
  recordOutcomes(records: readonly OutcomeRecord[]): Promise<OutcomeRecord[]>;
  outcomeCounts(filter?: { repository?: string; since?: Date }): Promise<OutcomeCount[]>;
  /** Adds the learnings whose id is new; returns those it added (a retried proposal: none). */
  addLearnings(learnings: readonly NewLearning[]): Promise<Learning[]>;
  listLearnings(filter?: { repository?: string; status?: LearningStatus }): Promise<Learning[]>;
  getLearning(id: string): Promise<Learning | undefined>;
  acceptLearning(id: string, by: string, expiresAt: Date | null): Promise<Learning | undefined>;
  editLearning(id: string, change: LearningChange): Promise<Learning | undefined>;
  removeLearning(id: string): Promise<boolean>;
  /** The repository's accepted learnings in effect at `now`, newest first, at most `limit` (default 20). */
  briefLearnings(repository: string, now?: Date, limit?: number): Promise<BriefLearning[]>;
}

/** No audit database (AUDIT_STORE=off): nothing is remembered, no learning is told. */
export function createNoMemoryStore(): ReviewMemoryStore {
  return {
    recordOutcomes: async () => [],
    outcomeCounts: async () => [],
    addLearnings: async () => [],
    listLearnings: async () => [],
    getLearning: async () => undefined,
    acceptLearning: async () => undefined,
    editLearning: async () => undefined,
    removeLearning: async () => false,
    briefLearnings: async () => [],
  };
}
