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
  /** The finding's file and title (what a pattern in the outcomes names); absent in rows written before they were. */
  path?: string;
  title?: string;
}

/** One specialist's finding on a change, with people's word on it: what patterns in the outcomes are found in. */
export interface KindOutcome {
  changeNumber: number;
  fingerprint: string;
  specialist: string;
  category: string;
  path?: string;
  title?: string;
  outcome: FindingOutcome;
  recordedAt: Date;
}

/** A pattern in the outcomes, as recorded when proposed (forever: a removed learning's pattern is not asked again). */
export interface ProposedPattern {
  forge: string;
  repository: string;
  /** Stable per (specialist, category, directory): the same pattern has the same key whatever findings it counts. */
  key: string;
  specialist: string;
  category: string;
  /** '' for the whole repository. */
  pathPrefix: string;
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
  /** The outcome pattern a proposal came from (ProposedPattern.key). */
  patternKey?: string;
  author: string;
  specialist?: SpecialistName;
  status: LearningStatus;
  acceptedBy?: string;
  createdAt: Date;
  expiresAt?: Date;
}

/** How a `/claude learn` command's note is kept as a learning's source note (a reply's is its bare note id). */
export const COMMAND_NOTE_PREFIX = 'command:';

/**
 * Where a learning came from: a person's reply, a pattern in the outcomes, a `/claude learn` command in a comment, or
 * an operator (`learnings add`).
 */
export const learningOrigin = (entry: Pick<Learning, 'patternKey' | 'sourceNote'>): 'pattern' | 'reply' | 'command' | 'operator' =>
  entry.patternKey !== undefined ? 'pattern' : entry.sourceNote?.startsWith(COMMAND_NOTE_PREFIX) ? 'command' : entry.sourceNote !== undefined ? 'reply' : 'operator';

/** A new learning: proposed from a reply or a command (its id derived from the note), or added by an operator (accepted). */
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
  /**
   * A repository's outcomes since `since` for the given (specialist, category) kinds, newest first, at most `limit`
   * (default and cap 2,000: a pattern is clear long before that).
   */
  kindOutcomes(query: { forge: string; repository: string; since: Date; kinds: ReadonlyArray<{ specialist: string; category: string }>; limit?: number }): Promise<KindOutcome[]>;
  /** The patterns ever proposed in a repository for these specialists (whatever became of their learnings). */
  proposedPatterns(query: { forge: string; repository: string; specialists: readonly string[] }): Promise<ProposedPattern[]>;
  /**
   * Records `pattern` and adds its learning, together; undefined (nothing added) when the pattern was proposed before,
   * even if that learning was removed since.
   */
  proposePattern(pattern: ProposedPattern, learning: NewLearning & { id: string }): Promise<Learning | undefined>;
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
    kindOutcomes: async () => [],
    proposedPatterns: async () => [],
    proposePattern: async () => undefined,
    addLearnings: async () => [],
    listLearnings: async () => [],
    getLearning: async () => undefined,
    acceptLearning: async () => undefined,
    editLearning: async () => undefined,
    removeLearning: async () => false,
    briefLearnings: async () => [],
  };
}
