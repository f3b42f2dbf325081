import type { TicketDigest, TicketNote } from '../../activities/jira/ticket-contracts.js';
import type { ChangeRef, RepositoryRef } from '../../domain/change-ref.js';
import type { ClaimRef } from '../../domain/claim-ref.js';
import type { JiraRepositoryMapping } from '../../domain/jira/ticket-mapping.js';
import type { TicketOutcome, TicketPhase, TicketStatus } from '../ticket-definitions.js';
import type { TicketInbox } from './inbox.js';
import type { TicketRunInput, TicketTiming } from './timing.js';

/** What this run left outside: the plan's branch and draft change, and the branch head forgebot last wrote. */
export interface Traces {
  branch?: string;
  change?: { ref: ChangeRef; webUrl: string };
  /** The head forgebot made (plan change opened, work committed): another head means a person pushed. */
  head?: string;
}

/** One ticket's shared state once it is mapped: what every step reads, and the status it reports to. */
export interface TicketRun {
  input: TicketRunInput;
  key: string;
  workflowId: string;
  status: TicketStatus;
  timing: TicketTiming;
  setPhase(phase: TicketPhase, details: string): void;
  mapping: JiraRepositoryMapping;
  repo: RepositoryRef;
  ticket: TicketDigest;
  /** The latest requirements read (re-read before each plan and before the implementation). */
  requirementsClaim: ClaimRef;
  /** The default branch's head the plans read, and the clone URL (no credentials). */
  baseSha: string;
  cloneUrl: string;
  traces: Traces;
  inbox: TicketInbox;
  /** forgebot moved the ticket to the mapping's in-review status (a left-ready signal after that is its own doing). */
  movedTo?: string | undefined;
}

/**
 * How a run ends, and what is said on the ticket then: by default an `ended` note (once forgebot said anything there);
 * a note of its own (unmapped, not-pushed); or nothing (the ticket is gone).
 */
export interface Ending {
  outcome: TicketOutcome;
  detail: string;
  note?: TicketNote | 'none';
}

export function isEnding(value: object): value is Ending {
  return 'outcome' in value;
}

/** A plan as the workflow keeps it: its stored output and the few facts it decides on. */
export interface PlanDraft {
  claim: ClaimRef;
  files: string[];
  size: { files: number; lines: number };
}

/** The plan a person approved. */
export interface ApprovedPlan extends PlanDraft {
  version: number;
}

export { addUsage } from '../shared/add-usage.js';

