import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { AccessLevel } from '../domain/access-level.js';
import type { ChangeCommand } from '../domain/change-command.js';
import type { ChangeRef } from '../domain/change-ref.js';
import type { ClaimRef } from '../domain/claim-ref.js';
import type { TokenUsage } from '../domain/finding.js';
import type { JiraUser } from '../domain/jira/ticket.js';
import type { SubjectRef } from '../domain/subject-ref.js';
import type { OperatorCancel } from './definitions.js';
import type { GateName, StatusDecision } from './sentry-fix-definitions.js';

// The ticket workflow (`ticket:jira:<KEY>`): requirements → plan → a person's approval (the `decide` Update, gate
// `plan`, with the plan's version) → implementation with tests → MR → merge gate. Never writes code before a person
// approved the plan. It re-reads the ticket through Jira's API before each step: a delivery's word is never enough.

/** The ticket entered the ready status (signal-with-start delivers the first; a later one answers questions asked). */
export const ticketReadySignal = defineSignal<[{ changelogId: string }]>('ticketReady');
/** The ticket left the ready status, or was deleted: the workflow stops, cleans up what it left, and ends. */
export const ticketWithdrawnSignal = defineSignal<[{ why: 'left-ready' | 'deleted'; changelogId?: string }]>('ticketWithdrawn');
/** A comment on the ticket: the workflow reads it through the API (answers to its questions, `approve`, `revise: …`). */
export const ticketCommentSignal = defineSignal<[{ commentId: string; author: JiraUser }]>('ticketComment');
/**
 * `/claude revise <what>` on the change the workflow opened, from a person whose forge access the review workflow
 * checked (forwardRevision): gathered like a Jira `revise:` for the next implementation step, and answered in the
 * note's thread once it is pushed (or why not). The validator refuses it when the change takes no revision now.
 */
export interface ChangeRevision {
  /** The change the note is on (must be the workflow's own). */
  ref: ChangeRef;
  /** The note, to answer in its thread. */
  command: ChangeCommand;
  /** What to change, with the diff note's file and lines (revisionRequest). Untrusted. */
  request: string;
  /** The author's access as the forge said it when the command was taken. */
  accessLevel: AccessLevel;
}
/** What a taken revision said: the workflow, and how many requests now wait for the next implementation step. */
export interface RevisionTaken {
  workflowId: string;
  waiting: number;
  /** Revisions the change may still get after this one's step (TICKET_LIMITS.revisions). */
  revisionsLeft: number;
}
export const reviseChangeUpdate = defineUpdate<RevisionTaken, [ChangeRevision]>('reviseChange');
/** Histories recorded before it took no `reviseChange` Update (and answered no thread on the change). */
export const FORGE_REVISE_PATCH = 'forge-revise-command';

/** An operator stops the work (`forgebot … cancel`). */
export const cancelTicketSignal = defineSignal<[OperatorCancel]>('cancelTicket');

export interface TicketWorkflowInput {
  subject: Extract<SubjectRef, { kind: 'jira-ticket' }>;
  /** The changelog entry that moved the ticket to ready (logs; dedupe happened at the webhook). */
  changelogId?: string;
}

export type TicketPhase =
  | 'reading'
  | 'asking'
  | 'planning'
  | 'awaiting-plan-approval'
  | 'implementing'
  | 'publishing'
  | 'pipeline'
  | 'awaiting-merge-approval'
  | 'finishing'
  | 'done';

export type TicketOutcome =
  | 'unmapped'
  | 'unanswered'
  | 'plan-rejected'
  | 'plan-expired'
  | 'not-pushed'
  | 'ready'
  | 'merged'
  | 'rejected'
  | 'expired'
  | 'withdrawn'
  | 'closed-by-person'
  | 'cancelled'
  | 'failed';

/** One version of the plan, as the status keeps it (the plan itself is behind its claim). */
export interface PlanVersion {
  version: number;
  claim: ClaimRef;
  files: string[];
  size: { files: number; lines: number };
  /** When it was posted (ISO), and the Jira comment that carries it. */
  postedAt: string;
  jiraCommentId?: string;
  /** Why a person asked for this version (the reject reason or the `revise:` text of the one before). */
  revisedBecause?: string;
}

export interface TicketStatus {
  subject: Extract<SubjectRef, { kind: 'jira-ticket' }>;
  phase: TicketPhase;
  outcome?: TicketOutcome;
  outcomeDetail?: string;
  /** The repository (from JIRA_REPOSITORIES) once mapped. */
  repository?: { forge: 'gitlab' | 'github'; projectPath: string };
  /** Questions asked on the ticket, waiting for an answer. */
  questions?: string[];
  plans: PlanVersion[];
  /** The plan version approved, once one is. */
  approvedPlan?: number;
  implementation?: { claim: ClaimRef; filesChanged: number; linesChanged: number; paths: string[]; tests: string };
  change?: { ref: ChangeRef; webUrl: string; branch: string };
  pipeline?: { state: string; webUrl?: string };
  openGate?: { gate: GateName; since: string; expiresAt: string };
  decisions: StatusDecision[];
  /** `/claude revise` requests taken from the change (who, their forge access, the note), and what each led to. */
  forgeRevisions?: Array<{ by: string; userId: number; accessLevel: AccessLevel; noteUrl?: string; at: string; result?: string }>;
  /** The latest Jira comment id the workflow read. */
  lastCommentId?: string;
  usage?: TokenUsage;
  costUsd?: number;
  lastError?: string;
}

/** The same query name as the other workflows', so `forgebot … status` reads any. */
export const ticketStatusQuery = defineQuery<TicketStatus>('status');

export const ticketSearchAttributes = {
  ticketKey: defineSearchAttributeKey('ForgebotTicketKey', SearchAttributeType.KEYWORD),
} as const;
