import { defineQuery, defineSignal } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { ChangeClosed, ReviewRequest } from '../domain/review-request.js';
import type { FeedbackDisposition } from '../domain/agent-task.js';
import type { ChangeCommand, CommandVerb, ThreadReply } from '../domain/change-command.js';
import type { ChangeRef } from '../domain/change-ref.js';
import type { TokenUsage } from '../domain/finding.js';

/** A new revision (head SHA) of the change: signal-with-start delivers the first one. */
export const newRevisionSignal = defineSignal<[ReviewRequest]>('newRevision');
/** The change was closed or merged: the workflow finishes. */
export const changeClosedSignal = defineSignal<[ChangeClosed]>('changeClosed');

/** Who stopped a review from the operator CLI (`forgebot reviews cancel`), and why. */
export interface OperatorCancel {
  by: string;
  reason?: string;
}
/**
 * An operator stops the running review (its agent job is killed) and drops a waiting revision. The workflow stays:
 * the next push is reviewed as usual.
 */
export const cancelReviewSignal = defineSignal<[OperatorCancel]>('cancelReview');

/**
 * A person's command in a comment on the change (`/claude review`, `pause`, `approve` …). The workflow acknowledges
 * it, checks the author's access through the forge API, and answers in the thread.
 */
export const changeCommandSignal = defineSignal<[ChangeCommand]>('changeCommand');

/**
 * A person's note without a command in a diff thread (the webhook sends it only to a review workflow that exists).
 * When the thread is one of forgebot's findings, the answerer answers there and the workflow records what the person
 * said of the finding (FindingFeedback); any other thread is left alone, silently.
 */
export const threadReplySignal = defineSignal<[ThreadReply]>('threadReply');

/** What a person said of one of forgebot's findings, as the answerer read their reply (the review workflow's status). */
export interface FindingFeedback {
  fingerprint: string;
  disposition: FeedbackDisposition;
  /** Who said it (username / login, forge user id), in which note, when the workflow took it (ISO). */
  by: string;
  userId: number;
  noteId: string;
  at: string;
}

/** The last command a person gave on the change, and what came of it (the review workflow's status). */
export interface CommandRecord {
  /** `reply`: a note without a command in one of forgebot's finding threads. */
  verb: CommandVerb | 'reply';
  /** The author's username (GitLab) or login (GitHub), and their forge user id. */
  by: string;
  userId: number;
  noteId: string;
  /** When the workflow took it (ISO). */
  at: string;
  /** What forgebot did, in a few words: `paused`, `refused: needs maintain`, `review queued`, `approved` … */
  result: string;
}

/** What the review workflow keeps of its commands across continue-as-new: the notes taken, the reviews asked for. */
export interface CarriedCommands {
  /** `<noteKind>:<noteId>` of the latest commands taken: a redelivered one is not taken twice. */
  seenNotes: string[];
  /** The reviews asked for by command within the rate limit's window: who (forge user id) and when (epoch ms). */
  reviewAsks: Array<{ by: number; at: number }>;
  /** The answers asked for (explain, suggest, replies) within their rate limit's window. */
  answerAsks?: Array<{ by: number; at: number }>;
  /** What people said of forgebot's findings (the latest per finding, bounded). */
  feedback?: FindingFeedback[];
}

export type ReviewPhase = 'waiting' | 'debouncing' | 'reviewing' | 'publishing' | 'failed' | 'closed';

export interface ReviewStatus {
  ref: ChangeRef;
  phase: ReviewPhase;
  /** The newest revision asked for. */
  latestSha?: string;
  /** The revision being reviewed right now. */
  reviewingSha?: string;
  lastReviewedSha?: string;
  reviewsCompleted: number;
  reviewsCancelled: number;
  lastError?: string;
  lastFindings?: number;
  /** Tokens of the last review (input, cache reads and writes, output, turns). */
  lastUsage?: TokenUsage;
  /** US dollars of the last review; absent when its model has no known price. */
  lastCostUsd?: number;
  /** Files the last review looked at, and those it listed as not reviewed. */
  lastCoverage?: { reviewed: number; notReviewed: number };
  /** The last review covered only the commits after this SHA. */
  lastIncrementalFrom?: string;
  /** Close signals the forge did not confirm (the change was still open): ignored. */
  closesIgnored?: number;
  /** The last operator cancel (`forgebot reviews cancel`), if any. */
  lastOperatorCancel?: OperatorCancel & { sha?: string };
  /** Automatic reviews are off (`/claude pause`): new revisions are remembered (latestSha), not reviewed. */
  paused?: boolean;
  /** The last command taken on the change (`/claude …` in a comment). */
  lastCommand?: CommandRecord;
  /**
   * What people said of forgebot's findings in their threads, latest per finding: `wont-fix` and `false-positive`
   * ones are not raised again on this change.
   */
  findingFeedback?: FindingFeedback[];
}
export const statusQuery = defineQuery<ReviewStatus>('status');

/**
 * A workflow's settings, read from the main worker's configuration by an activity at each turn of its loop
 * (`readRunSettings`), so a changed configuration reaches running workflows. Workflows started before that was so
 * carry them in their input instead (see ReviewWorkflowInput.settings).
 */
export interface RunSettings {
  debounceMs: number;
  reviewDrafts: boolean;
  agentTaskQueue: string;
  agentTimeoutMs: number;
  /** An agent job whose worker stops heartbeating this long is retried (adopted) elsewhere. Absent: one minute. */
  agentHeartbeatTimeoutMs?: number;
  /** Continue-as-new after this many reviews, to keep history bounded. */
  reviewsPerRun: number;
  /** JIRA_PIPELINE_POLL_SECONDS: a ticket's run reads its change's pipeline this often. Absent (an older worker): 60 s. */
  ticketPipelinePollMs?: number;
}

/** @deprecated the old name of RunSettings. */
export type ReviewSettings = RunSettings;

export interface ReviewWorkflowInput {
  ref: ChangeRef;
  /** Only in workflows started before settings were read per run (their histories still replay with it). */
  settings?: RunSettings;
  /** State carried over by continue-as-new. */
  carried?: {
    lastReviewedSha?: string;
    pending?: ReviewRequest;
    reviewsCompleted: number;
    reviewsCancelled: number;
    /** Automatic reviews were paused by a command. */
    paused?: boolean;
    commands?: CarriedCommands;
  };
}

/** Custom search attributes: operators filter on these in the Temporal Web UI and CLI. */
export const searchAttributes = {
  forge: defineSearchAttributeKey('ForgebotForge', SearchAttributeType.KEYWORD),
  repository: defineSearchAttributeKey('ForgebotRepository', SearchAttributeType.KEYWORD),
  changeNumber: defineSearchAttributeKey('ForgebotChangeNumber', SearchAttributeType.INT),
  phase: defineSearchAttributeKey('ForgebotPhase', SearchAttributeType.KEYWORD),
  /** The subject's key (`subjectKey`, e.g. `change:gitlab:42:7`), set when the workflow starts. */
  subject: defineSearchAttributeKey('ForgebotSubject', SearchAttributeType.KEYWORD),
  /**
   * The subject key of the change a workflow opened and owns (a Sentry fix's MR), so that `/claude approve` on that
   * change finds the workflow whose gate it is.
   */
  ownedChange: defineSearchAttributeKey('ForgebotOwnedChange', SearchAttributeType.KEYWORD),
} as const;
