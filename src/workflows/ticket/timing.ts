import type { TicketWorkflowInput } from '../ticket-definitions.js';

/** How long the ticket workflow waits for people, and how often it looks at the change meanwhile (ms). */
export interface TicketTiming {
  /** Questions asked on the ticket: no answer within this long ends the workflow `unanswered`. */
  answerExpiryMs: number;
  planGateExpiryMs: number;
  /** Once, this long after a plan was posted, if no decision came. */
  planReminderMs: number;
  mergeGateExpiryMs: number;
  mergeReminderMs: number;
  /** The change's state and pipeline are read this often while waiting. */
  pollIntervalMs: number;
}

const DAY = 86_400_000;

/** People take days: two weeks for each wait, a reminder after three days, the change looked at every minute. */
export const DEFAULT_TICKET_TIMING: TicketTiming = {
  answerExpiryMs: 14 * DAY,
  planGateExpiryMs: 14 * DAY,
  planReminderMs: 3 * DAY,
  mergeGateExpiryMs: 14 * DAY,
  mergeReminderMs: 3 * DAY,
  pollIntervalMs: 60_000,
};

/**
 * The bounds that keep one run's history bounded whatever people do: plan versions (then `plan-rejected`), rounds of
 * questions (then `unanswered`), revisions asked on the open change, comment reads, `approve` / `revise:` comments
 * taken (each checks a permission), refusals said on the ticket. Past a comment bound, comments are only logged.
 */
export const TICKET_LIMITS = { planVersions: 5, questionRounds: 3, revisions: 3, commentReads: 300, decisionComments: 100, refusals: 20 } as const;

/** The workflow's input: what the webhook starts it with, and (tests, operators) shorter waits. */
export interface TicketRunInput extends TicketWorkflowInput {
  timing?: Partial<TicketTiming>;
}

/** The defaults with the input's overrides (each at least a second's tenth: a zero would spin). */
export function timingOf(input: TicketRunInput): TicketTiming {
  const timing = { ...DEFAULT_TICKET_TIMING };
  for (const [name, value] of Object.entries(input.timing ?? {})) {
    if (name in timing && typeof value === 'number' && Number.isFinite(value)) timing[name as keyof TicketTiming] = Math.max(100, Math.round(value));
  }
  return timing;
}
