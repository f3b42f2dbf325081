import { isCancellation, log, patched, proxyActivities } from '@temporalio/workflow';
import type { CommandActivities, CommandAnswer } from '../../activities/command-activities.js';
import { PERMANENT_ERROR_TYPES } from '../../activities/permanent-errors.js';
import type { Noted } from '../../domain/change-command.js';
import { reviewWorkflowId, type ChangeRef } from '../../domain/change-ref.js';
import { failureReason } from '../failure-reason.js';

/**
 * A person's token-costing commands are also counted across every change of the forge (each review workflow sees
 * only its own change): histories recorded before it never claimed that budget, so on replay they do not.
 */
export const PERSON_LIMITS_PATCH = 'person-limits-across-changes';

const commands = proxyActivities<CommandActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '15s', maximumAttempts: 5, nonRetryableErrorTypes: PERMANENT_ERROR_TYPES },
});

type RateLimited = Extract<CommandAnswer, { kind: 'rate-limited' }>;

/**
 * Claims the command's place in its author's budget across changes, once this change's own limits let it through
 * and just before it would cost tokens. Returns the refusal to answer with, or undefined when it may run: also when
 * the budget could not be claimed at all (fail open, as the activity does when Redis is down: this change's own
 * limits applied already, and a person must not be stopped for good by a broken dependency).
 */
export async function overPersonBudget(ref: ChangeRef, noted: Noted, kind: 'answer' | 'review', at: number): Promise<RateLimited | undefined> {
  if (!patched(PERSON_LIMITS_PATCH)) return undefined;
  const commandId = `${noted.noteKind}:${noted.noteId}`;
  let verdict: Awaited<ReturnType<CommandActivities['claimCommandBudget']>>;
  try {
    verdict = await commands.claimCommandBudget({ forge: ref.forge, userId: noted.author.id, kind, changeKey: reviewWorkflowId(ref), commandId, at });
  } catch (error) {
    if (isCancellation(error)) throw error;
    log.warn('the budget across changes could not be claimed: the command runs on this change\'s limits alone', { note: commandId, reason: failureReason(error) });
    return undefined;
  }
  if (verdict.allowed) {
    if (verdict.unchecked === 'unavailable') log.warn('the budget across changes is unavailable (Redis): the command runs on this change\'s limits alone', { note: commandId });
    return undefined;
  }
  const retryInMinutes = Math.max(1, Math.ceil(verdict.retryInMs / 60_000));
  return { kind: 'rate-limited', scope: 'person', limit: verdict.limit, windowMinutes: verdict.windowMinutes, retryInMinutes, what: kind === 'answer' ? 'answers' : 'reviews', acrossChanges: true };
}
