import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { ChangeRef } from '../domain/change-ref.js';
import type { ClaimRef } from '../domain/claim-ref.js';
import type { TokenUsage } from '../domain/finding.js';
import type { SentryIssueSettled, SentryIssueSummary, SentryTrigger } from '../domain/sentry/issue.js';
import type { SubjectRef } from '../domain/subject-ref.js';
import type { OperatorCancel } from './definitions.js';

/** A new issue, a regression or an alert for the issue: signal-with-start delivers the first. Later ones are noted. */
export const sentryTriggerSignal = defineSignal<[SentryTrigger]>('sentryTrigger');
/** The issue was resolved / ignored / archived in Sentry: the workflow stops its work, cleans up, and ends. */
export const sentryIssueSettledSignal = defineSignal<[SentryIssueSettled]>('sentryIssueSettled');
/** An operator stops the attempt (`forgebot … cancel`): the same clean-up as a settled issue. */
export const cancelSentryFixSignal = defineSignal<[OperatorCancel]>('cancelSentryFix');

/** The human gates a workflow can wait at (the ticket workflow adds `plan`). */
export type GateName = 'merge' | 'plan';

/** Who decided, as the sender checked them: the CLI's operator, the Temporal UI's user, or an API-checked commenter. */
export interface Decider {
  name: string;
  source: 'cli' | 'ui' | 'comment';
  /** The forge access level the sender checked (comments), e.g. `maintainer`, `admin`. */
  accessLevel?: string;
  /** The forge user (comments): id on GitLab, login on GitHub. */
  userId?: number | string;
  /** A link to the note the command came from. */
  noteUrl?: string;
  /** The CLI operator's own login, beside the name they decide as (`--as`): for the audit trail. */
  login?: string;
}

/** A person's decision at a gate, sent as the `decide` Update. */
export interface GateDecision {
  gate: GateName;
  decision: 'approve' | 'reject';
  /** Required with `reject`. */
  reason?: string;
  by: Decider;
  /** The plan version approved (plan gates only): a stale one is refused. */
  planVersion?: number;
}

/** A decision in a workflow's status: when it was taken and, for an approval that no longer counts, when and why. */
export type StatusDecision = GateDecision & { at: string; withdrawn?: { at: string; reason: string } };

/** What the `decide` Update returns once the workflow took the decision. */
export interface GateOutcome {
  gate: GateName;
  decision: 'approve' | 'reject';
  /** What the workflow does next, in a sentence. */
  next: string;
}

/**
 * A person decides at the gate the workflow waits at. The validator refuses (nothing written to history): no gate
 * open, another gate, a reject without a reason, an approval the rules refuse (the pipeline has not passed, the same
 * person twice when two are needed).
 */
export const decideUpdate = defineUpdate<GateOutcome, [GateDecision]>('decide');

export type SentryFixPhase =
  | 'gating'
  | 'collecting'
  | 'analysing'
  | 'fixing'
  | 'publishing'
  | 'pipeline'
  | 'awaiting-approval'
  | 'finishing'
  | 'done';

/** How an attempt ended. */
export type SentryFixOutcome =
  | 'gated'
  | 'unfixable'
  | 'not-proven'
  | 'dry-run'
  | 'ready'
  | 'merged'
  | 'rejected'
  | 'expired'
  | 'settled'
  | 'closed-by-person'
  | 'cancelled'
  | 'failed';

/** The checks before any model call (and the two after it), each named in the status and the Sentry comment. */
export type SentryGateName =
  | 'mapping'
  | 'error-type'
  | 'in-app-frame'
  | 'frame-in-repository'
  | 'event-count'
  | 'user-count'
  | 'open-fix-change'
  | 'test-command'
  | 'daily-cap'
  | 'confidence'
  | 'test-proof'
  | 'scope';

export interface SentryGateResult {
  gate: SentryGateName;
  passed: boolean;
  /** Why, in a sentence (shown to people). */
  detail: string;
}

export interface SentryFixStatus {
  subject: Extract<SubjectRef, { kind: 'sentry-issue' }>;
  issue?: SentryIssueSummary;
  phase: SentryFixPhase;
  outcome?: SentryFixOutcome;
  /** Why it ended so, in a sentence. */
  outcomeDetail?: string;
  dryRun: boolean;
  gates: SentryGateResult[];
  analysis?: { claim: ClaimRef; fixable: boolean; confidence: number; reason: string };
  fix?: { claim: ClaimRef; filesChanged: number; linesChanged: number; verdict?: string; verdictReason?: string };
  change?: { ref: ChangeRef; webUrl: string; branch: string };
  pipeline?: { state: string; webUrl?: string };
  /** The gate the workflow waits at now, if any, and until when (ISO time). */
  openGate?: { gate: GateName; since: string; expiresAt: string };
  decisions: StatusDecision[];
  /** The earlier attempt for this issue (a regression after a merged fix). */
  earlierAttempt?: { webUrl: string; outcome?: SentryFixOutcome };
  triggers: number;
  /** Settled signals Sentry's API did not confirm (the issue was still unresolved): ignored. */
  settlesIgnored?: number;
  usage?: TokenUsage;
  costUsd?: number;
  lastError?: string;
}
/** The same query name as the review workflow's, so `forgebot … status` reads either. */
export const sentryFixStatusQuery = defineQuery<SentryFixStatus>('status');

export interface SentryFixInput {
  subject: Extract<SubjectRef, { kind: 'sentry-issue' }>;
  /** A regression after a merged fix links the attempt before (found by the webhook or the workflow). */
  earlierAttempt?: { webUrl: string };
}

/**
 * The sentry-fix workflow's own search attribute: the UTC day (`2025-06-01`) an attempt reached the model, set once the
 * daily cap let it through. With `ForgebotRepository` it is what `countFixAttemptsToday` counts.
 */
export const sentrySearchAttributes = {
  attemptDay: defineSearchAttributeKey('ForgebotAttemptDay', SearchAttributeType.KEYWORD),
} as const;

/** The workflow type the sentry-fix workflows run as (its function's name in src/workflows/index.ts). */
export const SENTRY_FIX_WORKFLOW_TYPE = 'sentryFixWorkflow';
