import { isCancellation, log } from '@temporalio/workflow';
import type { TicketNote } from '../../activities/jira/ticket-contracts.js';
import { failureReason } from '../failure-reason.js';
import type { TicketStatus } from '../ticket-definitions.js';
import { jira } from './activities.js';
import type { TicketInbox } from './inbox.js';

/**
 * Says something on the ticket (a Jira comment, worded and made safe by the activity) and answers its id. One that
 * cannot be posted (after its retries) is noted in the status and logged, never fatal; a cancellation is not swallowed.
 */
export async function say(run: { key: string; status: TicketStatus; inbox: TicketInbox }, note: TicketNote): Promise<string | undefined> {
  try {
    const { id } = await jira.commentOnTicket(run.key, note);
    run.inbox.spoke = true;
    return id;
  } catch (error) {
    if (isCancellation(error)) throw error;
    const reason = failureReason(error);
    run.status.lastError = `could not post the ${note.kind} comment on ${run.key}: ${reason}`;
    log.warn('could not comment on the ticket', { kind: note.kind, reason });
    return undefined;
  }
}
