import type { AccessLevel } from '../domain/access-level.js';
import type { ChangeRef, RepositoryRef } from '../domain/change-ref.js';
import type { ChangeContributors } from '../domain/change-contributors.js';
import type { ChangeSnapshot } from '../domain/change-snapshot.js';
import type { DiffPosition } from '../domain/diff-position.js';
import type { FileChange } from '../domain/file-change.js';
import type { PriorFinding } from '../domain/finding.js';
import type { RelatedWork } from '../domain/review-memory.js';
import type { ReviewVerdict } from '../domain/review-verdict.js';
import type { SpecialistName } from '../domain/specialist-name.js';

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
  /** The specialists its marker names (a marker from before they were named: `['general']`). */
  raisedBy: SpecialistName[];
  /** Resolved by forgebot's own account (its finding fixed by a later commit); absent when the forge does not say. */
  resolvedByForgebot?: boolean;
}

/** Reads a change: what every workflow about a change starts from. */
export interface ChangeReader {
  /** The change at its latest diff version, with every changed file (all pages). */
  getChange(ref: ChangeRef): Promise<ChangeSnapshot>;
  /**
   * The text of a file at a commit, or undefined when it does not exist there. Optional: without it, reviews use
   * default settings and no guidelines.
   */
  readFile?(ref: ChangeRef, path: string, commitSha: string): Promise<string | undefined>;
  /**
   * Recent merged changes touching the same files, and the issues the description links (see related-work.ts).
   * Optional: without it, the summary names none. Never fails on one lookup; bounded in time.
   */
  relatedWork?(ref: ChangeRef, snapshot: ChangeSnapshot): Promise<RelatedWork>;
}

/** Publishes a review on a change: summary note, inline comments, threads. */
export interface ReviewPublisher {
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
  /** forgebot's own finding threads, resolved or not. Optional: without it, reviews are not incremental. */
  findingThreads?(ref: ChangeRef): Promise<FindingThread[]>;
  /** Resolves one of forgebot's threads (its finding was fixed). */
  resolveThread?(ref: ChangeRef, threadId: string): Promise<void>;
}

/** A change forgebot opens. */
export interface OpenChangeInput {
  sourceBranch: string;
  targetBranch: string;
  title: string;
  description: string;
  /** Opened as a draft (GitLab: `Draft:` title prefix; GitHub: draft pull request). */
  draft: boolean;
  labels?: string[];
  /** GitLab user ids (numbers) or GitHub logins. */
  reviewers?: Array<number | string>;
}

export interface OpenedChange {
  ref: ChangeRef;
  webUrl: string;
}

/** The combined pipeline (GitLab) or checks + statuses (GitHub) state of one commit. */
export type PipelineState = 'none' | 'pending' | 'running' | 'success' | 'failed' | 'canceled';
export interface PipelineStatus {
  state: PipelineState;
  /** Link to the pipeline or checks page, when there is one. */
  webUrl?: string;
}

/**
 * Authors changes from outside the sandbox: the only place a write token is used. Branches are created from a SHA,
 * a patch becomes one commit through the forge API (never a git push from a sandbox), changes open as drafts.
 * Errors: ERR_FORGE_CONFLICT (branch exists, stale parent, not mergeable), ERR_FORGE_PROTECTED (protected branch),
 * ERR_FORGE_UNAUTHORIZED (403: the token may not), ERR_FORGE_INVALID (422 and other refusals).
 */
export interface ChangeAuthor {
  /** Creates `branch` at `fromSha`; ERR_FORGE_CONFLICT when it exists. */
  createBranch(repo: RepositoryRef, branch: string, fromSha: string): Promise<void>;
  /** Deletes `branch` (compensation of createBranch); a missing branch is not an error. */
  deleteBranch(repo: RepositoryRef, branch: string): Promise<void>;
  /**
   * Commits `changes` on `branch` as one commit whose parent is `parentSha` (the branch's head; ERR_FORGE_CONFLICT
   * when the branch moved). Returns the new commit.
   */
  commitChanges(repo: RepositoryRef, input: { branch: string; parentSha: string; message: string; changes: FileChange[] }): Promise<{ sha: string }>;
  openChange(repo: RepositoryRef, input: OpenChangeInput): Promise<OpenedChange>;
  updateDescription(ref: ChangeRef, description: string): Promise<void>;
  /** Takes the change out of draft. */
  markReady(ref: ChangeRef): Promise<void>;
  /** Closes a change forgebot opened (compensation of openChange). */
  closeChange(ref: ChangeRef): Promise<void>;
  pipelineStatus(repo: RepositoryRef, sha: string): Promise<PipelineStatus>;
  /** Merges at exactly `sha` (the forge refuses if the head moved): ERR_FORGE_CONFLICT when it cannot be merged. */
  merge(ref: ChangeRef, input: { sha: string; squash?: boolean; commitMessage?: string }): Promise<{ mergeSha?: string }>;
}

/** One note of a thread, as the forge has it. */
export interface ThreadNoteRecord {
  noteId: string;
  /** The forge user id and username / login of its author. */
  authorId: number;
  author: string;
  /** Written by forgebot's own account (by user id, never by name). */
  byForgebot: boolean;
  body: string;
}

/** One of forgebot's finding threads with everything said in it, oldest first (the finding's own note first). */
export interface FindingThreadNotes {
  finding: FindingThread;
  notes: ThreadNoteRecord[];
}

/** Talks in a change's threads. */
export interface Conversation {
  /**
   * The finding thread `threadId` names (as replyInThread takes it: a GitLab discussion id; a GitHub review comment id
   * of any comment in the thread, or its review thread's node id), when it is one of forgebot's: its first note was
   * written by forgebot's account and carries a finding's fingerprint marker. Undefined for any other thread.
   */
  findingThread?(ref: ChangeRef, threadId: string): Promise<FindingThreadNotes | undefined>;
  /** Replies in a discussion (GitLab discussion id) or review thread / comment (GitHub comment id). */
  replyInThread(ref: ChangeRef, threadId: string, body: string): Promise<{ id: string }>;
  /** Adds an emoji reaction (e.g. `eyes`, `+1`) to a note / comment; an existing identical reaction is not an error. */
  addReaction(ref: ChangeRef, target: { noteId: string; threadId?: string; kind?: 'note' | 'review-comment' }, emoji: string): Promise<void>;
}

/** The forge's word on people: the only source of truth for who may approve. */
export interface People {
  /**
   * A person's effective access to the repository, inherited memberships included (GitLab `members/all/:user_id`;
   * GitHub `collaborators/:login/permission`). Unknown person or no membership: `none`.
   */
  accessLevel(repo: RepositoryRef, user: { id?: number; login?: string }): Promise<AccessLevel>;
}

/** Who worked on a change: what a merge gate needs so that the people approving it are not its authors. */
export interface ContributorReader {
  /**
   * The change's opener and the authors and committers of its commits, forgebot's own account excluded (by account,
   * never by name), each mapped to a forge account where the API allows. At most MAX_CONTRIBUTORS people.
   */
  changeContributors(ref: ChangeRef): Promise<ChangeContributors>;
}

/** A change whose source is a given branch, as the forge lists it. */
export interface BranchChange {
  ref: ChangeRef;
  webUrl: string;
  /** GitLab `opened`/`locked` and GitHub `open` are `open`; a GitHub pull request closed with its merge is `merged`. */
  state: 'open' | 'merged' | 'closed';
  /** The source branch. */
  branch: string;
  /** When it was merged (ISO 8601), for a merged change whose forge says so. */
  mergedAt?: string;
}

/**
 * Reads a repository outside any change: branches, files at a commit, the changes opened from a branch; and plain
 * notes on a change. What the Sentry fix workflow needs before and after it opens a change.
 */
export interface RepositoryReader {
  /** The commit `branch` points at, or undefined when there is no such branch (an unknown repository is ERR_FORGE_NOT_FOUND). */
  branchHead(repo: RepositoryRef, branch: string): Promise<string | undefined>;
  /** The text of a file at a commit, or undefined when it does not exist there. */
  readRepositoryFile(repo: RepositoryRef, path: string, sha: string): Promise<string | undefined>;
  /** The repository's HTTP(S) clone URL, without credentials. */
  cloneUrl(repo: RepositoryRef): Promise<string>;
  /** Every change (any state) whose source is `branch` of this repository (never a fork's), newest first. */
  changesFromBranch(repo: RepositoryRef, branch: string): Promise<BranchChange[]>;
  /** The names of the branches that start with `prefix` (exactly, case-sensitive), all pages, sorted. */
  branchesWithPrefix(repo: RepositoryRef, prefix: string): Promise<string[]>;
  /** A plain note on the change (GitLab MR note; GitHub conversation comment). Not repeated on a failure. */
  postNote(ref: ChangeRef, body: string): Promise<{ id: string }>;
}

/**
 * What forgebot needs from a code forge, by capability. One implementation per forge (GitLab, GitHub).
 * Implementations throw `ForgeError` so that activities can tell permanent failures from transient ones.
 */
export interface Forge extends ChangeReader, ReviewPublisher, Partial<ChangeAuthor>, Partial<Conversation>, Partial<People>, Partial<RepositoryReader>, Partial<ContributorReader> {}

/** A forge with every capability. */
export type FullForge = Forge & ChangeAuthor & Conversation & People & RepositoryReader & ContributorReader;

export type ForgeErrorCode =
  | 'ERR_FORGE_NOT_FOUND' // unknown project or change: permanent
  | 'ERR_FORGE_UNAUTHORIZED' // bad or under-scoped token: permanent
  | 'ERR_FORGE_INVALID' // the forge rejected our request (e.g. a bad position): permanent for that request
  | 'ERR_FORGE_CONFLICT' // branch exists, the branch moved, not mergeable: permanent for that request
  | 'ERR_FORGE_PROTECTED' // a protected branch refused the write: permanent
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
    return this.code !== 'ERR_FORGE_RATE_LIMITED' && this.code !== 'ERR_FORGE_UNAVAILABLE';
  }
}
