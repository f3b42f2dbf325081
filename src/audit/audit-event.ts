/**
 * One row of the audit trail: something forgebot did in the outside world, a person's decision, or an agent job.
 * Rows hold ids, kinds, counts, keys, names, access levels, URLs, model names, tokens, costs, durations, outcomes
 * and error types — never a body, never a credential (every text is redacted again when it is written).
 */
export type AuditCategory = 'action' | 'decision' | 'agent-job';

/** What happened. Actions are past tenses of what forgebot did; the two others name their category. */
export type AuditKind =
  | 'summary-created'
  | 'summary-edited'
  | 'inline-comments-posted'
  | 'threads-resolved'
  | 'reaction-added'
  | 'note-posted'
  | 'branch-pushed'
  | 'branch-deleted'
  | 'change-opened'
  | 'change-description-edited'
  | 'change-marked-ready'
  | 'change-merged'
  | 'change-closed'
  | 'sentry-comment-posted'
  | 'jira-comment-posted'
  | 'jira-ticket-transitioned'
  | 'decision'
  | 'agent-job'
  | 'agent-job-failed';

/** Where it happened (`temporal`: a decision taken by a workflow; `sandbox`: an agent job). */
export type AuditTarget = 'gitlab' | 'github' | 'sentry' | 'jira' | 'temporal' | 'sandbox';

/** Small facts only: numbers, booleans, short texts, lists of ids. */
export type AuditDetail = string | number | boolean | null | readonly (string | number)[];

/** A row as the mapping builds it; the interceptor (or the CLI) adds where it came from. */
export interface AuditFact {
  category: AuditCategory;
  kind: AuditKind;
  /** Tells apart two rows of one kind from the same call (0 for the first). */
  ordinal?: number;
  target: AuditTarget;
  /** The repository's path (`group/project`, `owner/repo`). */
  repository?: string;
  /** The subject key of what was acted on (`change:gitlab:42:7`, `sentry-issue:acme:123`, `jira-ticket:PROJ-7`). */
  subject?: string;
  /** A person (decisions; whom a reaction or an answer was for). */
  actor?: string;
  /** The access level checked for that person (decisions from comments). */
  accessLevel?: string;
  /** A link: the note a decision came from, the change opened. */
  url?: string;
  outcome?: string;
  details?: Record<string, AuditDetail | undefined>;
}

/**
 * The idempotency key: a retried activity (a new attempt after a lost completion) builds the same key, and the store
 * keeps the first row. `sourceId` is the activity id (or the Update id of a CLI decision).
 */
export interface AuditOrigin {
  workflowId: string;
  runId: string;
  sourceId: string;
  /** The activity type (`publishStoredReview`), or `cli:approve` / `cli:reject`. */
  source: string;
  workflowType?: string;
}

export type AuditEvent = AuditFact & AuditOrigin;

/** A row as read back. */
export interface StoredAuditEvent extends AuditEvent {
  id: number;
  at: Date;
  ordinal: number;
  /** The subject of the workflow the row came from (from its deterministic id), when it names one. */
  workflowSubject?: string;
  details: Record<string, AuditDetail>;
}
