import type { SubjectRef } from '../../domain/subject-ref.js';
import type { Logger } from '../../logger.js';
import { ticketCommentSignal, ticketReadySignal, ticketWithdrawnSignal } from '../../workflows/ticket-definitions.js';
import { handOverOrHold, type DispatchDeps } from '../change-action.js';
import type { Handover } from '../outbox/handover.js';
import { signalOf } from '../workflow-starter.js';
import type { JiraCommented, JiraReady, JiraWithdrawn, TicketStarter } from './dispatch-jira-action.js';

type Acted = JiraReady | JiraWithdrawn | JiraCommented;

const subjectOf = (action: Acted): Extract<SubjectRef, { kind: 'jira-ticket' }> => ({ kind: 'jira-ticket', key: action.key });

/** The call to the workflow layer an action asks for: signal-with-start on ready, a plain signal otherwise. */
export function ticketHandover(action: Acted): Handover {
  const subject = subjectOf(action);
  switch (action.kind) {
    case 'ready':
      return { workflow: 'ticket', subject, op: 'start', signal: signalOf(ticketReadySignal, { changelogId: action.changelogId }) };
    case 'withdrawn':
      return { workflow: 'ticket', subject, op: 'signal', signal: signalOf(ticketWithdrawnSignal, { why: action.why, ...(action.changelogId === undefined ? {} : { changelogId: action.changelogId }) }) };
    case 'comment':
      return { workflow: 'ticket', subject, op: 'signal', signal: signalOf(ticketCommentSignal, { commentId: action.commentId, author: action.author }) };
  }
}

/**
 * The TicketStarter on Temporal, through the same ingest path as the forges and Sentry: a ticket entering the ready
 * status signal-with-starts `ticketWorkflow` (`ticket:jira:<KEY>`, idempotent) with ticketReadySignal; leaving it, a
 * deletion or a comment signals the running workflow, and with none running the signal is dropped (counted by the
 * outbox as `dropped`). While Temporal cannot be reached the handover is held in the outbox and handed over when it is
 * back; only when it can be neither handed over nor held does a call throw (the receiver answers 503).
 */
export function createTemporalTicketStarter(deps: DispatchDeps, logger: Logger): TicketStarter {
  const log = logger.child({ component: 'ticket-starter' });
  const hand = async (action: Acted) => {
    // The receiver took its claim (or found Redis down) already: the fast path first; Redis failing, the slow one.
    const result = await handOverOrHold(deps, log, ticketHandover(action), true);
    if (result === 'not-running') log.info({ key: action.key, kind: action.kind }, 'no ticket workflow is running: the signal is dropped');
  };
  return { ready: hand, withdrawn: hand, comment: hand };
}
