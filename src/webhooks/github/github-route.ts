import { randomUUID } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from '../../logger.js';
import { bodyDigest, dispatchChangeAction, headerId, reply, type Reply, type WebhookRouteDeps } from '../change-action.js';
import { parseJsonBody } from '../json-body.js';
import { allowsProject, NOT_ALLOWED_REASON, type AllowlistDeps } from '../project-allowlist.js';
import { decidePullRequestAction } from './decide-pull-request-action.js';
import { COMMENT_EVENTS, handleGitHubComment, type GitHubCommentDeps } from './handle-comment.js';
import { InvalidPayloadError, parseGitHubEvent } from './parse-github-event.js';
import { verifySignature } from './verify-signature.js';

/** `allowlist`: GITHUB_ALLOWED_REPOSITORIES (unset: every repository); `commands`: who may command forgebot in comments. */
export type GitHubRouteDeps = WebhookRouteDeps & AllowlistDeps & Pick<GitHubCommentDeps, 'commands'>;

/**
 * `POST /webhook/github`. The signature covers the raw body bytes, so the body is read (size limit: 413) and verified
 * (401) before anything else; then content type (415), UTF-8 and JSON (400), payload (400), the repository allowlist
 * (202 ignored). `ping` answers 200. Without a configured secret every delivery is refused with 401.
 */
export function githubRoute(deps: GitHubRouteDeps): Router {
  const router = express.Router();
  if (deps.secrets.length === 0) deps.logger.warn('GITHUB_WEBHOOK_SECRET is not set: every GitHub delivery is refused (401)');
  else if (deps.allowlist === undefined) deps.logger.warn('GITHUB_ALLOWED_REPOSITORIES is not set: every repository whose webhook has the secret is reviewed');
  if (deps.secrets.length > 0 && deps.commands?.ownUserId === undefined && deps.commands?.appId === undefined) {
    deps.logger.warn('FORGEBOT_GITHUB_USER_ID is not set (nor a GitHub App): forgebot tells its own comments from commands only while COMMANDS_FROM_BOTS is off and it comments as a bot');
  }

  router.post('/webhook/github', express.raw({ type: () => true, limit: deps.bodyLimit }), async (req: Request, res: Response) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!verifySignature(raw, req.get('x-hub-signature-256'), deps.secrets)) {
      return void res.status(401).json({ error: 'invalid or missing X-Hub-Signature-256' });
    }
    if (raw.length === 0) return void res.status(400).json({ error: 'request has no body' });
    if (!req.is('application/json')) return void res.status(415).json({ error: 'content type must be application/json' });
    const delivery = headerId(req.get('x-github-delivery'));
    const deliveryId = delivery ?? randomUUID();
    const log = deps.logger.child({ deliveryId, githubEvent: req.get('x-github-event') });
    const { status, body } = await handle(raw, req.get('x-github-event'), deps, log, deliveryId);
    res.status(status).json(body);
  });
  return router;
}

async function handle(raw: Buffer, eventHeader: string | undefined, deps: GitHubRouteDeps, log: Logger, deliveryId: string): Promise<Reply> {
  const body = parseJsonBody(raw);
  if (!body.ok) return reply(400, { error: body.error });
  try {
    const event = parseGitHubEvent(body.value, eventHeader);
    if (event.kind === 'ping') {
      log.info('github ping');
      return reply(200, { status: 'pong' });
    }
    if (event.kind === 'other' && COMMENT_EVENTS.has(event.name)) return await handleGitHubComment(body.value, event.name, deps, log, deliveryId);
    if (event.kind === 'pull_request' && !allowsProject(deps.allowlist, event.event.repository.full_name)) {
      log.info({ repository: event.event.repository.full_name }, 'repository not allowed (GITHUB_ALLOWED_REPOSITORIES)');
      deps.onNotAllowed?.();
      return reply(202, { status: 'ignored', reason: NOT_ALLOWED_REASON });
    }
    const action = decidePullRequestAction(event, { reviewDrafts: deps.reviewDrafts, deliveryId });
    return await dispatchChangeAction(action, deps, log, deliveryId, 'github', bodyDigest(raw));
  } catch (error) {
    if (!(error instanceof InvalidPayloadError)) throw error;
    log.warn({ reason: error.reason }, 'malformed github payload');
    return reply(400, { error: error.message });
  }
}
