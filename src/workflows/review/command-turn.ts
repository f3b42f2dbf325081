import { proxyActivities } from '@temporalio/workflow';
import type { CommandActivities, CommandAnswer } from '../../activities/command-activities.js';
import { PERMANENT_ERROR_TYPES } from '../../activities/permanent-errors.js';
import type { ChangeCommand } from '../../domain/change-command.js';
import type { ChangeRef } from '../../domain/change-ref.js';

/** The command activities as a command's turn calls them: a person waits, so quick retries and a bound under a minute. */
export const turnActivities = proxyActivities<CommandActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '15s', maximumAttempts: 5, nonRetryableErrorTypes: PERMANENT_ERROR_TYPES },
});

/** What a command's turn (revise, learn) uses of the command desk: the change, and the desk's record and answer. */
export interface TurnPort {
  ref: ChangeRef;
  record(command: ChangeCommand, result: string): void;
  answer(command: ChangeCommand, answer: CommandAnswer): Promise<void>;
}
