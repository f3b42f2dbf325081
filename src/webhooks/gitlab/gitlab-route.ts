import { randomUUID } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from '../../logger.js';
import type { Claim, Dedupe } from '../dedupe.js';
import type { ReviewStarter } from '../review-starter.js';
import { withTimeout } from '../with-timeout.js';
import { decideMergeRequestAction, type MergeRequestAction } from './decide-merge-request-action.js';
import { deliveryKey, revisionKey } from './dedupe-keys.js';
import { InvalidPayloadError, parseGitLabEvent } from './parse-gitlab-event.js';
import { verifyToken } from './verify-token.js';

/** Bounds that keep a delivery well inside GitLab's webhook timeout (10 s by default). */
export const REDIS_TIMEOUT_MS = 2_000;
export const WORKFLOW_TIMEOUT_MS = 6_000;

export interface GitLabRouteDeps {
  secrets: readonly string[];
  bodyLimit: string;
  reviewDrafts: boolean;
  dedupe: Dedupe;
  starter: ReviewStarter;
  logger: Logger;
}

type Reply = { status: number; body: Record<string, unknown> };
const reply = (status: number, body: Record<string, unknown>): Reply => ({ status, body });
const redisDown = reply(503, { error: 'dedupe store (redis) unavailable; redeliver later' });
const workflowDown = reply(503, { error: 'workflow service unavailable; redeliver later' });

/** A delivery id safe to put in a Redis key; anything else is treated as absent. */
function headerId(value: string | undefined): string | undefined {
  return value !== undefined && /^[\w-]{1,128}$/.test(value) ? value : undefined;
}

/**
 * `POST /webhook/gitlab`. Before any work: token (401), content type (415), size (413), JSON (400), payload (400).
 * Then one pure decision, a Redis claim, and one call to the workflow layer. Without a configured secret every
 * delivery is refused with 401 (the sender is not authenticated; a 503 would only make GitLab retry).
 */
export function gitlabRoute(deps: GitLabRouteDeps): Router {
  const router = express.Router();
  if (deps.secrets.length === 0) deps.logger.warn('GITLAB_WEBHOOK_SECRET is not set: every GitLab delivery is refused (401)');

  router.post(
    '/webhook/gitlab',
    (req, res, next) => {
      if (!verifyToken(req.get('x-gitlab-token'), deps.secrets)) return void res.status(401).json({ error: 'invalid or missing X-Gitlab-Token' });
      const json = req.is('application/json');
      if (json === null) return void res.status(400).json({ error: 'request has no body' });
      if (json === false) return void res.status(415).json({ error: 'content type must be application/json' });
      next();
    },
    express.raw({ type: () => true, limit: deps.bodyLimit }),
    async (req: Request, res: Response) => {
      const eventUuid = headerId(req.get('x-gitlab-event-uuid'));
      const deliveryId = eventUuid ?? randomUUID();
      const log = deps.logger.child({ deliveryId, gitlabEvent: req.get('x-gitlab-event') });
      const { status, body } = await handle(req, deps, log, { deliveryId, dedupeId: headerId(req.get('idempotency-key')) ?? eventUuid ?? deliveryId });
      res.status(status).json(body);
    },
  );
  return router;
}

async function handle(req: Request, deps: GitLabRouteDeps, log: Logger, ids: { deliveryId: string; dedupeId: string }): Promise<Reply> {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '');
  } catch {
    return reply(400, { error: 'body is not valid JSON' });
  }
  let action: MergeRequestAction;
  try {
    action = decideMergeRequestAction(parseGitLabEvent(body, req.get('x-gitlab-event')), { reviewDrafts: deps.reviewDrafts, deliveryId: ids.deliveryId });
  } catch (error) {
    if (!(error instanceof InvalidPayloadError)) throw error;
    log.warn({ reason: error.reason }, 'malformed gitlab payload');
    return reply(400, { error: error.message });
  }
  if (action.kind === 'ignore') {
    log.info({ reason: action.reason }, 'gitlab event ignored');
    return reply(202, { status: 'ignored', reason: action.reason });
  }

  const ref = action.kind === 'review' ? action.request.ref : action.ref;
  const keys =
    action.kind === 'review'
      ? [deliveryKey(ref, ids.dedupeId, `review:${action.request.headSha}`), revisionKey(ref, action.request.headSha)]
      : [deliveryKey(ref, ids.dedupeId, action.reason)];
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
      const { workflowId } = await withTimeout(() => deps.starter.startOrSignal(action.request), WORKFLOW_TIMEOUT_MS, 'start review workflow');
      log.info({ workflowId, ref, headSha: action.request.headSha }, 'review requested');
      return reply(202, { status: 'accepted', workflowId });
    }
    const outcome = await withTimeout(() => deps.starter.close(action.ref, { reason: action.reason }), WORKFLOW_TIMEOUT_MS, 'signal close');
    log.info({ ref, reason: action.reason, outcome }, 'merge request closed');
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
async function forgetLastRevision(deps: GitLabRouteDeps, log: Logger, action: Extract<MergeRequestAction, { kind: 'close' }>): Promise<void> {
  const { lastSha } = action;
  if (lastSha === undefined) return;
  await withTimeout(() => deps.dedupe.forget([revisionKey(action.ref, lastSha)]), REDIS_TIMEOUT_MS, 'redis forget').catch((error: unknown) => {
    log.warn({ err: error, ref: action.ref }, 'could not forget the closed change revision; a reopen at the same head is a duplicate until it expires');
  });
}
