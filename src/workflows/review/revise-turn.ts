import { isCancellation, patched } from '@temporalio/workflow';
import type { AccessLevel } from '../../domain/access-level.js';
import type { ChangeCommand } from '../../domain/change-command.js';
import { revisionRequest } from '../../domain/revision-request.js';
import { failureReason } from '../failure-reason.js';
import { FORGE_REVISE_PATCH } from '../ticket-definitions.js';
import { turnActivities as commands, type TurnPort } from './command-turn.js';
import { overPersonBudget } from './person-budget.js';

/**
 * `/claude revise <what>` (its author's access already checked): the text required, the author's budget across
 * changes claimed as a review's (a revision is a full agent run; the change's own bound is the owning ticket
 * workflow's TICKET_LIMITS.revisions), then forwarded to the workflow that owns the change and answered in the thread.
 * The owner answers again there once the revision is pushed (or why not).
 */
export async function reviseTurn(desk: TurnPort, command: ChangeCommand, accessLevel: AccessLevel): Promise<void> {
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
