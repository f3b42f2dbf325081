import type { ChangeRef, RepositoryRef } from '../../domain/change-ref.js';
import type { ClaimRef } from '../../domain/claim-ref.js';
import type { JiraRepositoryMapping } from '../../domain/jira/ticket-mapping.js';
import type { IssueKey, JiraStatus, JiraUser } from '../../domain/jira/ticket.js';
import type { OpenedChange } from '../forge.js';

/** The few facts of a ticket the workflow decides on (its text stays behind requirementsClaim). */
export interface TicketDigest {
  key: IssueKey;
  projectKey: string;
  summary: string;
  status: JiraStatus;
  /** The ticket's status is the configured ready status now (JIRA_READY_STATUS). */
  inReady: boolean;
  webUrl: string;
  labels: string[];
  components: string[];
}

/** What readTicketForWork found. */
export type TicketReading =
  | { kind: 'gone' }
  | {
      kind: 'found';
      ticket: TicketDigest;
      /** The repository it is implemented in (JIRA_REPOSITORIES); undefined: unmapped (`unmappedReason` says what is missing). */
      mapping?: JiraRepositoryMapping;
      unmappedReason?: string;
      /** The requirements as the planner reads them (summary, description, acceptance criteria and where they came from, links, attachments listed): Markdown, untrusted. */
      requirementsClaim: ClaimRef;
      /** Where acceptance criteria were read from, or none found. */
      acceptanceCriteria: 'field' | 'section' | 'checklist' | 'none';
    };

/** A comment on the ticket as the workflow reads it: who (checked later), and what it asks. */
export interface TicketCommentRead {
  id: string;
  author: JiraUser;
  /** Written by forgebot's own Jira account: never taken as a person's. */
  byForgebot: boolean;
  /**
   * `approve` (a line `approve`, `/claude approve`), `revise` (`revise: …`, `/claude reject <reason>`: the text is the
   * feedback), else `answer` (an answer to forgebot's questions, or talk).
   */
  intent: 'approve' | 'revise' | 'answer';
  /** The comment as Markdown (untrusted), capped at 5,000 characters. */
  text: string;
}

/** What forgebot says on the ticket (worded and made safe by the activity; plans and work read from their claims). */
export type TicketNote =
  | { kind: 'unmapped'; reason: string }
  | { kind: 'questions'; planClaim: ClaimRef }
  | { kind: 'plan'; version: number; planClaim: ClaimRef; changeUrl?: string; workflowId: string; approvePermission: string }
  | { kind: 'reminder'; gate: 'plan' | 'merge'; expiresAt: string; workflowId: string }
  | { kind: 'implemented'; changeUrl: string; workClaim: ClaimRef }
  | { kind: 'not-pushed'; reason: string; workClaim?: ClaimRef }
  | { kind: 'ended'; outcome: string; detail: string; changeUrl?: string }
  /** A person's comment was not taken (no permission, a stale plan, no gate open): forgebot's reason, in a sentence. */
  | { kind: 'refused'; commentId: string; reason: string };

/** The draft change that carries the plan (and later the implementation) on branch `forgebot/<KEY>-<slug>`. */
export interface PlanChange {
  change: OpenedChange;
  branch: string;
  /** The branch's head after opening (GitHub needs a commit to open a pull request: an empty one). */
  headSha: string;
}

/** The ticket workflow's activities on the main task queue (Jira through JiraApi; the forge through the write token). */
export interface TicketActivities {
  /** The ticket now, through Jira's API, its mapping, and its requirements stored behind a claim. */
  readTicketForWork(key: IssueKey): Promise<TicketReading>;
  /** Comments after `afterId` (all when absent), oldest first. */
  readTicketComments(key: IssueKey, afterId?: string): Promise<TicketCommentRead[]>;
  /** Whether `accountId` holds `permission` on the ticket's project, as Jira says now. */
  checkTicketPermission(key: IssueKey, accountId: string, permission: string): Promise<boolean>;
  commentOnTicket(key: IssueKey, note: TicketNote): Promise<{ id: string }>;
  /** Moves the ticket to `statusName`; false when no transition leads there (said in the status, not an error). */
  transitionTicket(key: IssueKey, statusName: string): Promise<boolean>;
  /**
   * Creates `branch` at `baseSha` and opens a draft change from it whose description is the plan (version, files,
   * steps, tests, risks, how to approve). An existing branch / change of this ticket is adopted, never a second one.
   */
  openPlanChange(input: { repo: RepositoryRef; key: IssueKey; branch: string; baseSha: string; targetBranch: string; title: string; planClaim: ClaimRef; version: number; labels: string[]; workflowId: string }): Promise<PlanChange>;
  /** A new plan version (or the implementation's account) replaces the change's description. */
  describeTicketChange(ref: ChangeRef, input: { key: IssueKey; planClaim: ClaimRef; version: number; workClaim?: ClaimRef; workflowId: string }): Promise<void>;
  /** The implementer's stored patch committed on the plan's branch, parent `parentSha`; returns the new head. */
  commitTicketWork(input: { repo: RepositoryRef; branch: string; parentSha: string; workClaim: ClaimRef; message: string }): Promise<{ sha: string }>;
}
