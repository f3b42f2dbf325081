import type { ChangeRef } from '../domain/change-ref.js';
import type { ChangeSnapshot } from '../domain/change-snapshot.js';
import type { DiffPosition } from '../domain/diff-position.js';
import type { PriorFinding } from '../domain/finding.js';
import type { ReviewVerdict } from '../domain/review-verdict.js';

/** The diff version an inline comment belongs to. */
export interface DiffRefs {
  baseSha: string;
  startSha: string;
  headSha: string;
}

export interface InlineCommentTarget {
  refs: DiffRefs;
  oldPath: string;
  newPath: string;
  position: DiffPosition;
  /** The first line of a multi-line comment (same file, before `position`); GitHub shows the range. */
  startPosition?: DiffPosition;
}

/** One inline comment of a review posted as a batch. */
export interface InlineComment {
  target: InlineCommentTarget;
  body: string;
}

/** One of forgebot's inline finding threads on a change (its first note carries the finding's fingerprint). */
export interface FindingThread extends PriorFinding {
  threadId: string;
  resolved: boolean;
}

/**
 * What the review flow needs from a code forge. One implementation per forge (GitLab, GitHub).
 * Implementations throw `ForgeError` so that activities can tell permanent failures from transient ones.
 */
export interface Forge {
  /** The change at its latest diff version, with every changed file (all pages). */
  getChange(ref: ChangeRef): Promise<ChangeSnapshot>;
  /** Creates forgebot's summary note, or edits the one that carries SUMMARY_MARKER. */
  upsertSummary(ref: ChangeRef, body: string): Promise<{ id: string; created: boolean }>;
  /** Fingerprints (see domain/render.ts) of the findings forgebot already posted inline on this change. */
  postedFindingFingerprints(ref: ChangeRef): Promise<Set<string>>;
  /** Posts one inline comment as a new discussion on the diff. */
  postInlineComment(ref: ChangeRef, target: InlineCommentTarget, body: string): Promise<{ id: string }>;
  /**
   * Posts a review's new inline comments all at once, with its verdict (GitHub: one pull request review). Optional:
   * without it, they are posted one by one with postInlineComment. All or nothing: ERR_FORGE_INVALID when the forge
   * refuses any position. Called with no comments too (the verdict alone may be worth posting, e.g. an approval).
   */
  postReview?(ref: ChangeRef, comments: InlineComment[], verdict: ReviewVerdict): Promise<{ posted: number }>;
  /**
   * The text of a file at a commit, or undefined when it does not exist there. Optional: without it, reviews use
   * default settings and no guidelines.
   */
  readFile?(ref: ChangeRef, path: string, commitSha: string): Promise<string | undefined>;
  /** forgebot's own finding threads, resolved or not. Optional: without it, reviews are not incremental. */
  findingThreads?(ref: ChangeRef): Promise<FindingThread[]>;
  /** Resolves one of forgebot's threads (its finding was fixed). */
  resolveThread?(ref: ChangeRef, threadId: string): Promise<void>;
}

export type ForgeErrorCode =
  | 'ERR_FORGE_NOT_FOUND' // unknown project or change: permanent
  | 'ERR_FORGE_UNAUTHORIZED' // bad or under-scoped token: permanent
  | 'ERR_FORGE_INVALID' // the forge rejected our request (e.g. a bad position): permanent for that request
  | 'ERR_FORGE_RATE_LIMITED' // retry after a while
  | 'ERR_FORGE_UNAVAILABLE'; // network error or 5xx: retry

export class ForgeError extends Error {
  constructor(
    readonly code: ForgeErrorCode,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ForgeError';
  }

  get permanent(): boolean {
    return this.code === 'ERR_FORGE_NOT_FOUND' || this.code === 'ERR_FORGE_UNAUTHORIZED' || this.code === 'ERR_FORGE_INVALID';
  }
}
