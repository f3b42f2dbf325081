import { randomUUID } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from '../../logger.js';
import type { Dedupe } from '../dedupe.js';
import type { ReviewStarter } from '../review-starter.js';
import { decideMergeRequestAction } from './decide-merge-request-action.js';
import { InvalidPayloadError, parseGitLabEvent } from './parse-gitlab-event.js';
import { verifyToken } from './verify-token.js';

export interface GitLabRouteDeps {
  secrets: readonly string[];
  bodyLimit: string;
  reviewDrafts: boolean;
  dedupe: Dedupe;
  starter: ReviewStarter;
  logger: Logger;
}

function reply(res: Response, status: number, body: Record<string, unknown>): void {
  res.status(status).json(body);
}

/** `POST /webhook/gitlab`: verify the token, then the content type and size, then parse, dedupe and act. */
export function gitlabRoute(deps: GitLabRouteDeps): Router {
  const router = express.Router();
  if (deps.secrets.length === 0) deps.logger.warn('GITLAB_WEBHOOK_SECRET is not set: every GitLab delivery is refused (401)');

  router.post(
    '/webhook/gitlab',
    (req, res, next) => {
      if (!verifyToken(req.get('x-gitlab-token'), deps.secrets)) return reply(res, 401, { error: 'invalid or missing X-Gitlab-Token' });
      if (!req.is('application/json')) return reply(res, 415, { error: 'content type must be application/json' });
      next();
    },
    express.raw({ type: () => true, limit: deps.bodyLimit }),
    async (req: Request, res: Response) => {
      const deliveryId = req.get('x-gitlab-event-uuid') ?? randomUUID();
      const log = deps.logger.child({ deliveryId, gitlabEvent: req.get('x-gitlab-event') });
      let body: unknown;
      try {
        body = JSON.parse((req.body as Buffer).toString('utf8'));
      } catch {
        return reply(res, 400, { error: 'body is not valid JSON' });
      }
      let event;
      try {
        event = parseGitLabEvent(body);
      } catch (error) {
        if (!(error instanceof InvalidPayloadError)) throw error;
        log.warn({ reason: error.reason }, 'malformed gitlab payload');
        return reply(res, 400, { error: error.message });
      }

      if (event.kind === 'other') {
        log.info({ objectKind: event.objectKind }, 'event ignored');
        return reply(res, 202, { status: 'ignored', reason: `event "${event.objectKind}" is not handled` });
      }
      if (event.kind === 'merge_request_closed') {
        if (!event.ref) return reply(res, 202, { status: 'ignored', reason: 'payload names no project id or merge request iid' });
        const claim = await deps.dedupe.claim([`delivery:${deliveryId}`]);
        if (!claim.claimed) return reply(res, 200, { status: 'duplicate' });
        try {
          const outcome = await deps.starter.close(event.ref, event.closed);
          log.info({ ref: event.ref, outcome }, 'merge request closed');
          return reply(res, 202, { status: outcome === 'signalled' ? event.closed.reason : 'not-running' });
        } catch (error) {
          await claim.release();
          log.error({ err: error }, 'could not signal the review workflow');
          return reply(res, 503, { error: 'workflow service unavailable; redeliver later' });
        }
      }

      const action = decideMergeRequestAction(event.event, { reviewDrafts: deps.reviewDrafts, deliveryId });
      if (action.kind === 'ignore') {
        log.info({ reason: action.reason }, 'merge request event ignored');
        return reply(res, 202, { status: 'ignored', reason: action.reason });
      }
      const { ref, headSha } = action.request;
      const claim = await deps.dedupe.claim([`delivery:${deliveryId}`, `sha:gitlab:${ref.projectId}:${ref.number}:${headSha}`]);
      if (!claim.claimed) {
        log.info({ ref, headSha }, 'duplicate delivery');
        return reply(res, 200, { status: 'duplicate' });
      }
      try {
        const { workflowId } = await deps.starter.startOrSignal(action.request);
        log.info({ workflowId, headSha }, 'review requested');
        return reply(res, 202, { status: 'accepted', workflowId });
      } catch (error) {
        await claim.release();
        log.error({ err: error }, 'could not start the review workflow');
        return reply(res, 503, { error: 'workflow service unavailable; redeliver later' });
      }
    },
  );
  return router;
}
