import { isCancellation, patched, proxyActivities } from '@temporalio/workflow';
import type { CommandActivities, CommandAnswer } from '../../activities/command-activities.js';
import { PERMANENT_ERROR_TYPES } from '../../activities/permanent-errors.js';
import type { AccessLevel } from '../../domain/access-level.js';
import type { ChangeCommand } from '../../domain/change-command.js';
import type { ChangeRef } from '../../domain/change-ref.js';
import { revisionRequest } from '../../domain/revision-request.js';
import { failureReason } from '../failure-reason.js';
import { FORGE_REVISE_PATCH } from '../ticket-definitions.js';
import { overPersonBudget } from './person-budget.js';

const commands = proxyActivities<CommandActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '15s', maximumAttempts: 5, nonRetryableErrorTypes: PERMANENT_ERROR_TYPES },
});

/** What a revise turn uses of the command desk. */
export interface ReviseDeskPort {
  ref: ChangeRef;
  record(command: ChangeCommand, result: string): void;
  answer(command: ChangeCommand, answer: CommandAnswer): Promise<void>;
}

/**
 * `/claude revise <what>` (its author's access already checked): the text required, the author's budget across
 * changes claimed as a review's (a revision is a full agent run; the change's own bound is the owning ticket
 * workflow's TICKET_LIMITS.revisions), then forwarded to the workflow that owns the change and answered in the thread.
 * The owner answers again there once the revision is pushed (or why not).
 */
export async function reviseTurn(desk: ReviseDeskPort, command: ChangeCommand, accessLevel: AccessLevel): Promise<void> {
  if (!patched(FORGE_REVISE_PATCH)) {
    desk.record(command, 'help');
    return desk.answer(command, { kind: 'help', unknownVerb: 'revise' });
  }
  const request = revisionRequest(command);
  if (request === undefined) {
    desk.record(command, 'unclear');
    return desk.answer(command, { kind: 'unclear', verb: 'revise', reason: 'a revision says what to change.' });
  }
  const overBudget = await overPersonBudget(desk.ref, command, 'review', Date.now());
  if (overBudget) {
    desk.record(command, 'rate-limited (person, across changes)');
    return desk.answer(command, overBudget);
  }
  try {
    const result = await commands.forwardRevision(desk.ref, { ref: desk.ref, command, request, accessLevel });
    desk.record(command, result.kind === 'taken' ? `revision taken (${result.workflowId})` : result.kind === 'refused' ? `refused by ${result.workflowId}` : result.kind === 'not-revisable' ? `not revisable (${result.workflowId})` : 'no workflow owns the change');
    return desk.answer(command, { kind: 'revision', result });
  } catch (error) {
    if (isCancellation(error)) throw error;
    desk.record(command, 'failed: revision not forwarded');
    return desk.answer(command, { kind: 'failed', doing: 'forwarding the revision', reason: failureReason(error) });
  }
}
