import type { ChangeRef } from '../domain/change-ref.js';
import type { ChangeClosed, ReviewRequest } from '../domain/review-request.js';
import { changeSubject } from '../domain/subject-ref.js';
import type { Logger } from '../logger.js';
import { changeClosedSignal, newRevisionSignal } from '../workflows/definitions.js';
import type { Claim, Dedupe } from './dedupe.js';
import { deliveryKey, revisionKey } from './dedupe-keys.js';
import { withTimeout } from './with-timeout.js';
import { signalOf, type WorkflowStarter } from './workflow-starter.js';

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
const redisDown = reply(503, { error: 'dedupe store (redis) unavailable; redeliver later' });
const workflowDown = reply(503, { error: 'workflow service unavailable; redeliver later' });

export interface DispatchDeps {
  dedupe: Dedupe;
  starter: WorkflowStarter;
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

/**
 * Carries out a decided action: a Redis claim on (delivery, change, what) and (change, head SHA), then one call to the
 * workflow layer. A duplicate answers 200; when Temporal cannot be reached the claim is released and 503 makes the
 * forge redeliver. `source` names the forge in log lines.
 */
export async function dispatchChangeAction(action: ChangeAction, deps: DispatchDeps, log: Logger, dedupeId: string, source: string): Promise<Reply> {
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
  let claim: Claim;
  try {
    claim = await withTimeout(() => deps.dedupe.claim(keys), REDIS_TIMEOUT_MS, 'redis claim');
  } catch (error) {
    log.error({ err: error, ref }, 'dedupe store unavailable');
    return redisDown;
  }
  if (!claim.claimed) {
    log.info({ ref, action: action.kind }, 'duplicate delivery');
    return reply(200, { status: 'duplicate' });
  }

  try {
    if (action.kind === 'review') {
      const revision = signalOf(newRevisionSignal, action.request);
      const { workflowId } = await withTimeout(() => deps.starter.start('review', subject, revision), WORKFLOW_TIMEOUT_MS, 'start review workflow');
      log.info({ workflowId, ref, headSha: action.request.headSha }, 'review requested');
      return reply(202, { status: 'accepted', workflowId });
    }
    const closed: ChangeClosed = { reason: action.reason };
    const outcome = await withTimeout(() => deps.starter.signal('review', subject, changeClosedSignal.name, [closed]), WORKFLOW_TIMEOUT_MS, 'signal close');
    log.info({ ref, reason: action.reason, outcome }, 'change closed');
    await forgetLastRevision(deps, log, action);
    return reply(202, { status: outcome === 'signalled' ? action.reason : 'not-running' });
  } catch (error) {
    log.error({ err: error, ref, action: action.kind }, 'workflow service call failed; releasing the delivery for redelivery');
    await withTimeout(() => claim.release(), REDIS_TIMEOUT_MS, 'redis release').catch((releaseError: unknown) => {
      log.error({ err: releaseError, ref }, 'could not release the dedupe claim; redeliveries are duplicates until it expires');
    });
    return workflowDown;
  }
}

/** After a close, a reopen at the same head must be reviewed again (its workflow has ended). Best effort. */
async function forgetLastRevision(deps: DispatchDeps, log: Logger, action: Extract<ChangeAction, { kind: 'close' }>): Promise<void> {
  const { lastSha } = action;
  if (lastSha === undefined) return;
  await withTimeout(() => deps.dedupe.forget([revisionKey(changeSubject(action.ref), lastSha)]), REDIS_TIMEOUT_MS, 'redis forget').catch((error: unknown) => {
    log.warn({ err: error, ref: action.ref }, 'could not forget the closed change revision; a reopen at the same head is a duplicate until it expires');
  });
}
