import type { RepositoryRef, ChangeRef } from '../../domain/change-ref.js';
import type { ClaimRef } from '../../domain/claim-ref.js';
import type { SentryEvidence } from '../../domain/sentry/evidence.js';
import type { SentryIssueSummary } from '../../domain/sentry/issue.js';
import type { SentryProjectMapping } from '../../domain/sentry/project-mapping.js';
import type { ParsedRepoSettings } from '../../domain/review-settings.js';
import type { PipelineStatus } from '../forge.js';

// The activities the sentry-fix workflow calls (main task queue), by contract. Implemented in this folder and in
// repository-activities.ts; the workflow imports these types only.

/** The main worker's Sentry settings for one project: its mapping (undefined: unmapped) and the global switches. */
export interface SentryFixRunSettings {
  mapping?: SentryProjectMapping;
  /** SENTRY_DRY_RUN: every project runs dry, whatever its mapping says. */
  globalDryRun: boolean;
  agentTaskQueue: string;
  agentTimeoutMs: number;
  agentHeartbeatTimeoutMs: number;
  /** How long the merge gate waits for a person, and when it reminds them (ms). */
  gateExpiryMs: number;
  gateReminderMs: number;
  /** How often the change's state and pipeline are read while waiting (ms). */
  pollIntervalMs: number;
  /** Where the Sentry issue links go (SENTRY_URL, e.g. https://sentry.io). */
  sentryUrl: string;
}

export interface FetchEvidenceInput {
  org: string;
  issueId: string;
  mapping: SentryProjectMapping;
}

/** The issue and its latest event; the rendered evidence (fenced, sanitized, redacted, capped) is behind a claim. */
export interface CollectedEvidence {
  issue: SentryIssueSummary;
  /**
   * What the gates read (exception types, frames and their repository paths), kept small for workflow history: no
   * context lines, variables, breadcrumbs, tags or request. The whole evidence is in `renderedClaim`.
   */
  evidence: SentryEvidence;
  /** The evidence as the agent's untrusted context, kept out of workflow history. */
  renderedClaim: ClaimRef;
}

/** What forgebot says on the Sentry issue. The activity renders it (untrusted parts made safe) and posts a comment. */
export type SentryReport =
  | { kind: 'gated'; gate: string; detail: string; dryRun: boolean }
  | { kind: 'unfixable'; analysisClaim: ClaimRef; detail: string }
  | { kind: 'not-proven'; analysisClaim: ClaimRef; workClaim?: ClaimRef; detail: string }
  | { kind: 'dry-run'; analysisClaim: ClaimRef; workClaim?: ClaimRef }
  | { kind: 'change-opened'; webUrl: string; changeLabel: string; analysisClaim: ClaimRef }
  | { kind: 'finished'; outcome: string; detail: string; webUrl?: string }
  | { kind: 'failed'; detail: string; leftBehind?: string };

export interface PostSentryReportInput {
  org: string;
  issueId: string;
  report: SentryReport;
}

/** The fix change's title and description (root cause, evidence, test before/after, Sentry link, `Fixes SENTRY-…`). */
export interface PrepareFixDescriptionInput {
  issue: SentryIssueSummary;
  analysisClaim: ClaimRef;
  workClaim: ClaimRef;
  /** An earlier fix change for the issue (a regression after it was merged). */
  earlierAttempt?: { webUrl: string };
}

export interface SentryActivities {
  readSentryFixSettings(org: string, projectSlug: string): Promise<SentryFixRunSettings>;
  fetchSentryEvidence(input: FetchEvidenceInput): Promise<CollectedEvidence>;
  /** The issue's status as Sentry's API tells it now (a webhook's claim that it was resolved is checked with this). */
  readSentryIssueStatus(org: string, issueId: string): Promise<{ status: string }>;
  postSentryReport(input: PostSentryReportInput): Promise<{ commentId: string }>;
  /** Renders the description into the claim store (publishWork's `descriptionClaim`); the title is short and safe. */
  prepareFixDescription(input: PrepareFixDescriptionInput): Promise<{ title: string; descriptionClaim: ClaimRef }>;
}

/** Which of the paths exist at the branch's head, and that head. */
export interface LocatedFiles {
  headSha: string;
  existing: string[];
  /** The repository's clone URL, without credentials (the sandbox adds its read-only one). */
  cloneUrl: string;
}

export interface FixChangeLookup {
  /** An open change from a branch with the prefix (another attempt is under way, or a person kept it). */
  open?: { ref: ChangeRef; webUrl: string; branch: string };
  /** The newest merged one (a regression after it links it). */
  merged?: { ref: ChangeRef; webUrl: string; branch: string };
  /** Names taken: branches that exist, and the branches earlier changes came from (a new attempt takes the next free name). */
  branches: string[];
}

export interface RepositoryActivities {
  /** The head SHA of `branch` and which of `paths` exist there (at most 50 paths are checked). */
  locateFiles(repo: RepositoryRef, branch: string, paths: string[]): Promise<LocatedFiles>;
  /** Changes and branches from `branchPrefix` (e.g. `forgebot/sentry-IPE-1`) and its numbered successors (`…-2`); not IPE-12's. */
  findFixChanges(repo: RepositoryRef, branchPrefix: string): Promise<FixChangeLookup>;
  /** `.forgebot.yml` at the SHA (defaults when absent or invalid; the problems listed). */
  readRepositorySettings(repo: RepositoryRef, sha: string): Promise<ParsedRepoSettings>;
  /** The pipeline (GitLab) or checks (GitHub) state of a commit. */
  readPipeline(repo: RepositoryRef, sha: string): Promise<PipelineStatus>;
  /** A plain note on the change from forgebot (a reminder, the gate's outcome); the body is forgebot's own Markdown. */
  postChangeNote(ref: ChangeRef, body: string): Promise<{ id: string }>;
}

/** Temporal visibility, from an activity (the main worker holds a client). */
export interface AttemptActivities {
  /** How many fix attempts reached the model for the repository since 00:00 UTC today. */
  countFixAttemptsToday(repositoryPath: string): Promise<number>;
}
