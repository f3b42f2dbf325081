import { isCancellation, log, patched } from '@temporalio/workflow';
import type { LearnOutcome } from '../../activities/command-activities.js';
import type { AccessLevel } from '../../domain/access-level.js';
import type { ChangeCommand } from '../../domain/change-command.js';
import { failureReason } from '../failure-reason.js';
import { turnActivities as commands, type TurnPort } from './command-turn.js';

/**
 * `/claude learn …` (review memory). Histories recorded before it hold a `learn` command only when a newer webhook
 * server signalled a worker still on older code (before, the parser read the word as an unknown verb: `help`). That
 * code checked the author's access, found no case for the verb and did nothing more; on replay, so does this.
 */
export const LEARN_COMMAND_PATCH = 'learn-command';

/** The workflow status's few words for an outcome (`lastCommand.result`). */
function resultOf(outcome: LearnOutcome): string {
  switch (outcome.kind) {
    case 'added':
      return `learning ${outcome.learning.status} (${outcome.learning.id})`;
    case 'accepted':
    case 'removed':
      return `learning ${outcome.kind} (${outcome.learning.id})`;
    case 'not-found':
      return `no learning ${outcome.id}`;
    case 'listed':
      return `learnings listed (${outcome.total})`;
    case 'refused':
      return `refused: needs ${outcome.needed}, has ${outcome.level}`;
    case 'not-enabled':
      return 'learnings not enabled';
    case 'unclear':
      return 'unclear';
  }
}

/**
 * A learn command whose author's access is enough for its action (checkCommandAccess: `learn accept` and `remove` need
 * the gates' access): the activity records it in review memory, and the answer says what became of it.
 */
export async function learnTurn(desk: TurnPort, command: ChangeCommand, accessLevel: AccessLevel): Promise<void> {
  if (!patched(LEARN_COMMAND_PATCH)) {
    log.warn('a learn command taken by code before it was handled is left alone', { note: command.noteId });
    return;
  }
  try {
    const outcome = await commands.learnFromCommand(desk.ref, command, accessLevel);
    desk.record(command, resultOf(outcome));
    return desk.answer(command, { kind: 'learning', outcome });
  } catch (error) {
    if (isCancellation(error)) throw error;
    desk.record(command, 'failed: learning not recorded');
    return desk.answer(command, { kind: 'failed', doing: 'recording the learning', reason: failureReason(error) });
  }
}
