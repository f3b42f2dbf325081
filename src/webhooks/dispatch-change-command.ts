import type { ChangeCommand, ThreadReply } from '../domain/change-command.js';
import type { ChangeRef } from '../domain/change-ref.js';
import { DEFAULT_COMMAND_TRIGGER } from '../domain/command-parser.js';
import { changeSubject, workflowIdFor } from '../domain/subject-ref.js';
import type { Logger } from '../logger.js';
import { changeCommandSignal, threadReplySignal } from '../workflows/definitions.js';
import { handOverOrHold, nowhere, REDIS_TIMEOUT_MS, reply, type DispatchDeps, type Reply } from './change-action.js';
import type { Claim } from './dedupe.js';
import { actionKey, deliveryKey } from './dedupe-keys.js';
import type { Handover, HandoverResult } from './outbox/handover.js';
import { withTimeout } from './with-timeout.js';
import { signalOf, WorkflowKindError } from './workflow-starter.js';

/**
 * What a comment on a change asks of forgebot, on any forge (decided by a pure per-forge function): a command, a
 * reply without a command in a thread on the diff (it may answer one of forgebot's findings), or nothing.
 */
export type NoteAction =
  | { kind: 'command'; ref: ChangeRef; command: ChangeCommand }
  | { kind: 'reply'; ref: ChangeRef; reply: ThreadReply }
  | { kind: 'ignore'; reason: string };

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
 * The handover of a reply in a thread: a plain signal, never a start. Without a review workflow the change has no
 * forgebot finding thread to reply in, so a reply must not start one; a workflow that is not running (never started,
 * or ended) drops it (`not-running`), now or when the outbox drains it — a reply is never retried for that.
 */
export function replyHandover(ref: ChangeRef, threadReply: ThreadReply): Handover {
  return { workflow: 'review', subject: changeSubject(ref), op: 'signal', signal: signalOf(threadReplySignal, threadReply) };
}

/**
 * Carries out a decided note action: a Redis claim on (change, delivery, note) and (change, note) — so that a
 * redelivery, a second hook or twenty concurrent copies of one note signal once (200 `duplicate`) — then one handover
 * to the workflow layer, held in the outbox while Temporal cannot be reached (202 `queued`). Redis down: no claim
 * (the workflow sees the note id and takes a note once). Neither handed over nor held: the claim is released and 503
 * asks for a redelivery. A reply to a change without a running review workflow is acknowledged and dropped (202
 * `ignored`, logged, counted as a dropped signal); the same keys as a command's, so its redeliveries are duplicates.
 */
export async function dispatchChangeCommand(action: NoteAction, deps: DispatchDeps, log: Logger, dedupeId: string, source: string): Promise<Reply> {
  if (action.kind === 'ignore') {
    log.info({ reason: action.reason }, `${source} note ignored`);
    return reply(202, { status: 'ignored', reason: action.reason });
  }
  const { ref } = action;
  const noted = action.kind === 'command' ? action.command : action.reply;
  const subject = changeSubject(ref);
  const note = `note:${noted.noteKind}:${noted.noteId}`;
  let claim: Claim | undefined;
  try {
    claim = await withTimeout(() => deps.dedupe.claim([deliveryKey(subject, dedupeId, note), actionKey(subject, note)]), REDIS_TIMEOUT_MS, 'redis claim');
  } catch (error) {
    log.warn({ err: error, ref }, 'dedupe store unavailable: accepting without a claim (the workflow takes a note id once)');
  }
  if (claim?.claimed === false) {
    log.info({ ref, noteId: noted.noteId }, 'duplicate note delivery');
    return reply(200, { status: 'duplicate' });
  }

  const handover = action.kind === 'command' ? commandHandover(ref, action.command) : replyHandover(ref, action.reply);
  let result: HandoverResult | 'queued';
  try {
    result = await handOverOrHold(deps, log, handover, claim !== undefined);
  } catch (error) {
    log.error({ err: error, ref, noteId: noted.noteId }, `${action.kind} neither handed over nor held; releasing it for redelivery`);
    await withTimeout(async () => claim?.release(), REDIS_TIMEOUT_MS, 'redis release').catch((releaseError: unknown) => {
      log.error({ err: releaseError, ref }, 'could not release the dedupe claim; redeliveries are duplicates until it expires');
    });
    if (error instanceof WorkflowKindError) throw error;
    return nowhere;
  }
  const workflowId = workflowIdFor('review', subject);
  if (action.kind === 'reply') {
    // The claim stays: a redelivery of a dropped reply is a duplicate, not a second try.
    if (result === 'not-running') {
      log.info({ ref, noteId: noted.noteId, threadId: action.reply.threadId }, 'thread reply ignored: the change has no review workflow running');
      return reply(202, { status: 'ignored', reason: 'no review workflow for the change' });
    }
    log.info({ ref, noteId: noted.noteId, threadId: action.reply.threadId, author: noted.author.username, result }, 'thread reply received');
    return reply(202, { status: result === 'queued' ? 'queued' : 'accepted', thread: action.reply.threadId, workflowId });
  }
  const { command } = action;
  log.info({ ref, verb: command.command.verb, noteId: command.noteId, author: command.author.username, result }, 'command received');
  return reply(202, { status: result === 'queued' ? 'queued' : 'accepted', command: command.command.verb, workflowId });
}
