import { createHash } from 'node:crypto';
import type { ChangeRef } from '../domain/change-ref.js';
import type { ChangeClosed, ReviewRequest } from '../domain/review-request.js';
import { changeSubject, workflowIdFor, type SubjectRef } from '../domain/subject-ref.js';
import type { Logger } from '../logger.js';
import { changeClosedSignal, newRevisionSignal } from '../workflows/definitions.js';
import type { Claim, Dedupe } from './dedupe.js';
import { contentKey, deliveryKey, revisionKey } from './dedupe-keys.js';
import { handOver, type Handover, type HandoverResult } from './outbox/handover.js';
import type { Outbox, Reservation } from './outbox/outbox.js';
import { withTimeout } from './with-timeout.js';
import { signalOf, WorkflowKindError, type WorkflowStarter } from './workflow-starter.js';

/** What a webhook asks of forgebot about one change, on any forge (decided by a pure per-forge function). */
export type ChangeAction =
  | { kind: 'review'; request: ReviewRequest }
  /** `lastSha`: the head the change closed at, when the payload names it. */
  | { kind: 'close'; ref: ChangeRef; reason: ChangeClosed['reason']; lastSha?: string }
  | { kind: 'ignore'; reason: string };

/** Bounds that keep a delivery well inside the forges' webhook timeouts (GitLab 10 s, GitHub 10 s). */
export const REDIS_TIMEOUT_MS = 2_000;
export const WORKFLOW_TIMEOUT_MS = 6_000;

export type Reply = { status: number; body: Record<string, unknown> };
export const reply = (status: number, body: Record<string, unknown>): Reply => ({ status, body });
export const nowhere = reply(503, { error: 'workflow service unavailable and the delivery could not be held; redeliver later' });

export interface DispatchDeps {
  dedupe: Dedupe;
  starter: WorkflowStarter;
  /** Holds what cannot be handed to Temporal now (outbox/outbox.ts). */
  outbox: Outbox;
}

/** What a forge's webhook route needs (GitLab, GitHub). */
export interface WebhookRouteDeps extends DispatchDeps {
  secrets: readonly string[];
  bodyLimit: string;
  reviewDrafts: boolean;
  logger: Logger;
}

/** A delivery id safe to put in a Redis key; anything else is treated as absent. */
export function headerId(value: string | undefined): string | undefined {
  return value !== undefined && /^[\w-]{1,128}$/.test(value) ? value : undefined;
}

/** The digest of a verified raw body (sha256, hex): the content key, so that a replayed body is a duplicate whatever its delivery id. */
export function bodyDigest(raw: Buffer): string {
  return createHash('sha256').update(raw).digest('hex');
}

/** The call to the workflow layer an action asks for. */
function handoverFor(action: Exclude<ChangeAction, { kind: 'ignore' }>, subject: SubjectRef): Handover {
  if (action.kind === 'review') return { workflow: 'review', subject, op: 'start', signal: signalOf(newRevisionSignal, action.request) };
  const closed: ChangeClosed = { reason: action.reason };
  return { workflow: 'review', subject, op: 'signal', signal: signalOf(changeClosedSignal, closed) };
}

/**
 * Carries out a decided action: a Redis claim on (delivery, change, what), (change, head SHA) and (change, body
 * digest), then one call to the workflow layer. A duplicate answers 200. An accepted delivery is never lost:
 * - Redis down: no claim (workflow ids and the workflow's own SHA check keep one review per revision);
 * - Temporal down (or held entries still waiting, which keeps each subject's order): the handover goes to the outbox
 *   and the answer is 202 `queued` (the claim stays, so a redelivery is a duplicate);
 * - only when neither Redis nor the file outbox can hold it: the claim is released and 503 asks for a redelivery.
 * `source` names the forge in log lines; `digest` is `bodyDigest` of the verified raw body.
 */
export async function dispatchChangeAction(action: ChangeAction, deps: DispatchDeps, log: Logger, dedupeId: string, source: string, digest: string): Promise<Reply> {
  if (action.kind === 'ignore') {
    log.info({ reason: action.reason }, `${source} event ignored`);
    return reply(202, { status: 'ignored', reason: action.reason });
  }
  const ref = action.kind === 'review' ? action.request.ref : action.ref;
  const subject = changeSubject(ref);
  const keys =
    action.kind === 'review'
      ? [deliveryKey(subject, dedupeId, `review:${action.request.headSha}`), revisionKey(subject, action.request.headSha)]
      : [deliveryKey(subject, dedupeId, action.reason)];
  const handover = handoverFor(action, subject);
  // The outbox's write goes out beside the claim (one Redis round trip, not two); a duplicate drops it.
  const reserved = deps.outbox.reserve(handover);
  let claim: Claim | undefined;
  try {
    claim = await withTimeout(() => deps.dedupe.claim([...keys, contentKey(subject, digest)]), REDIS_TIMEOUT_MS, 'redis claim');
  } catch (error) {
    log.warn({ err: error, ref }, 'dedupe store unavailable: accepting without a claim (workflow ids and the workflow deduplicate)');
  }
  if (claim?.claimed === false) {
    reserved?.cancel();
    log.info({ ref, action: action.kind }, 'duplicate delivery');
    return reply(200, { status: 'duplicate' });
  }

  let result: HandoverResult | 'queued';
  try {
    result = await handOverOrHold(deps, log, handover, claim !== undefined, reserved);
  } catch (error) {
    log.error({ err: error, ref, action: action.kind }, 'delivery neither handed over nor held; releasing it for redelivery');
    await withTimeout(async () => claim?.release(), REDIS_TIMEOUT_MS, 'redis release').catch((releaseError: unknown) => {
      log.error({ err: releaseError, ref }, 'could not release the dedupe claim; redeliveries are duplicates until it expires');
    });
    // A kind or subject the starter refuses is a programming error (500), not an outage.
    if (error instanceof WorkflowKindError) throw error;
    return nowhere;
  }
  if (action.kind === 'review') {
    log.info({ ref, headSha: action.request.headSha, result }, 'review requested');
    return reply(202, { status: result === 'queued' ? 'queued' : 'accepted', workflowId: workflowIdFor('review', subject) });
  }
  log.info({ ref, reason: action.reason, result }, 'change closed');
  if (claim !== undefined) await forgetLastRevision(deps, log, action);
  return reply(202, { status: result === 'signalled' ? action.reason : result });
}

/**
 * With Redis up, the fast path (`reserved`, its write already sent beside the claim, or `outbox.handOverSoon`):
 * durable in Redis first, handed over by this replica after at most a few milliseconds' wait, so that the answer
 * never waits on Temporal. Otherwise: hands over at once, unless held entries wait (it then queues behind them); when
 * the workflow service fails or does not answer in time, holds the handover in the outbox. Throws only when it could
 * be neither.
 */
export async function handOverOrHold(deps: DispatchDeps, log: Logger, handover: Handover, redisUp: boolean, reserved?: Reservation): Promise<HandoverResult | 'queued'> {
  const soon = await (reserved ? reserved.commit() : deps.outbox.handOverSoon(handover, redisUp));
  if (soon !== undefined) return soon;
  if (!(await deps.outbox.waiting(redisUp))) {
    try {
      const result = await withTimeout(() => handOver(deps.starter, handover), WORKFLOW_TIMEOUT_MS, `${handover.op} ${handover.workflow} workflow`);
      if (result === 'not-running') deps.outbox.report({ type: 'dropped', signal: handover.signal.name });
      return result;
    } catch (error) {
      if (error instanceof WorkflowKindError) throw error;
      log.warn({ err: error }, 'workflow service call failed; holding the delivery in the outbox');
    }
  }
  const store = await deps.outbox.hold(handover, redisUp);
  log.info({ store }, 'delivery held in the outbox');
  return 'queued';
}

/** After a close, a reopen at the same head must be reviewed again (its workflow has ended). Best effort. */
async function forgetLastRevision(deps: DispatchDeps, log: Logger, action: Extract<ChangeAction, { kind: 'close' }>): Promise<void> {
  const { lastSha } = action;
  if (lastSha === undefined) return;
  await withTimeout(() => deps.dedupe.forget([revisionKey(changeSubject(action.ref), lastSha)]), REDIS_TIMEOUT_MS, 'redis forget').catch((error: unknown) => {
    log.warn({ err: error, ref: action.ref }, 'could not forget the closed change revision; a reopen at the same head is a duplicate until it expires');
  });
}
