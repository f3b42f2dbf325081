import type { ChangeCommand } from '../domain/change-command.js';
import type { ChangeRef } from '../domain/change-ref.js';
import { DEFAULT_COMMAND_TRIGGER } from '../domain/command-parser.js';
import { changeSubject, workflowIdFor } from '../domain/subject-ref.js';
import type { Logger } from '../logger.js';
import { changeCommandSignal } from '../workflows/definitions.js';
import { handOverOrHold, nowhere, REDIS_TIMEOUT_MS, reply, type DispatchDeps, type Reply } from './change-action.js';
import type { Claim } from './dedupe.js';
import { actionKey, deliveryKey } from './dedupe-keys.js';
import type { Handover, HandoverResult } from './outbox/handover.js';
import { withTimeout } from './with-timeout.js';
import { signalOf, WorkflowKindError } from './workflow-starter.js';

/** What a comment on a change asks of forgebot, on any forge (decided by a pure per-forge function). */
export type NoteAction = { kind: 'command'; ref: ChangeRef; command: ChangeCommand } | { kind: 'ignore'; reason: string };

/** Who may command forgebot in comments, and how (COMMAND_TRIGGER, COMMANDS_FROM_BOTS, FORGEBOT_*_USER_ID). */
export interface CommandOptions {
  /** Default `/claude`. */
  trigger?: string | undefined;
  /** forgebot's own user id on this forge: its notes never command it. */
  ownUserId?: number | undefined;
  /** Whether other bots' notes may command it (default false). */
  fromBots?: boolean | undefined;
}

/** CommandOptions with the defaults filled in. */
export function commandOptions(options: CommandOptions | undefined): { trigger: string; ownUserId: number | undefined; fromBots: boolean } {
  return { trigger: options?.trigger ?? DEFAULT_COMMAND_TRIGGER, ownUserId: options?.ownUserId, fromBots: options?.fromBots ?? false };
}

/**
 * The handover of a command: signal-with-start of the change's review workflow. It signals the running workflow, and
 * only when there is none starts one (which then holds a command and no revision yet). One atomic call, rather than a
 * signal and a start on `not-running`: a handover held in the outbox while Temporal is down is replayed as it is, and
 * a held plain signal whose workflow is not running would be dropped — the command lost.
 */
export function commandHandover(ref: ChangeRef, command: ChangeCommand): Handover {
  return { workflow: 'review', subject: changeSubject(ref), op: 'start', signal: signalOf(changeCommandSignal, command) };
}

/**
 * Carries out a decided note action: a Redis claim on (change, delivery, note) and (change, note) — so that a
 * redelivery, a second hook or twenty concurrent copies of one note signal once (200 `duplicate`) — then one handover
 * to the workflow layer, held in the outbox while Temporal cannot be reached (202 `queued`). Redis down: no claim
 * (the workflow sees the note id and takes a note once). Neither handed over nor held: the claim is released and 503
 * asks for a redelivery.
 */
export async function dispatchChangeCommand(action: NoteAction, deps: DispatchDeps, log: Logger, dedupeId: string, source: string): Promise<Reply> {
  if (action.kind === 'ignore') {
    log.info({ reason: action.reason }, `${source} note ignored`);
    return reply(202, { status: 'ignored', reason: action.reason });
  }
  const { ref, command } = action;
  const subject = changeSubject(ref);
  const note = `note:${command.noteKind}:${command.noteId}`;
  let claim: Claim | undefined;
  try {
    claim = await withTimeout(() => deps.dedupe.claim([deliveryKey(subject, dedupeId, note), actionKey(subject, note)]), REDIS_TIMEOUT_MS, 'redis claim');
  } catch (error) {
    log.warn({ err: error, ref }, 'dedupe store unavailable: accepting without a claim (the workflow takes a note id once)');
  }
  if (claim?.claimed === false) {
    log.info({ ref, noteId: command.noteId }, 'duplicate note delivery');
    return reply(200, { status: 'duplicate' });
  }

  let result: HandoverResult | 'queued';
  try {
    result = await handOverOrHold(deps, log, commandHandover(ref, command), claim !== undefined);
  } catch (error) {
    log.error({ err: error, ref, noteId: command.noteId }, 'command neither handed over nor held; releasing it for redelivery');
    await withTimeout(async () => claim?.release(), REDIS_TIMEOUT_MS, 'redis release').catch((releaseError: unknown) => {
      log.error({ err: releaseError, ref }, 'could not release the dedupe claim; redeliveries are duplicates until it expires');
    });
    if (error instanceof WorkflowKindError) throw error;
    return nowhere;
  }
  log.info({ ref, verb: command.command.verb, noteId: command.noteId, author: command.author.username, result }, 'command received');
  return reply(202, { status: result === 'queued' ? 'queued' : 'accepted', command: command.command.verb, workflowId: workflowIdFor('review', subject) });
}
