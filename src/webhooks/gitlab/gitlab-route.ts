import { randomUUID } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from '../../logger.js';
import { bodyDigest, dispatchChangeAction, headerId, reply, type Reply, type WebhookRouteDeps } from '../change-action.js';
import { parseJsonBody } from '../json-body.js';
import { allowsProject, NOT_ALLOWED_REASON, type AllowlistDeps } from '../project-allowlist.js';
import { decideMergeRequestAction, type MergeRequestAction } from './decide-merge-request-action.js';
import { handleGitLabNote, type GitLabNoteDeps } from './handle-note.js';
import { InvalidPayloadError, parseGitLabEvent, type GitLabEvent } from './parse-gitlab-event.js';
import { verifyToken } from './verify-token.js';

export { REDIS_TIMEOUT_MS, WORKFLOW_TIMEOUT_MS } from '../change-action.js';

/** `allowlist`: GITLAB_ALLOWED_PROJECTS (unset: every project); `commands`: who may command forgebot in notes. */
export type GitLabRouteDeps = WebhookRouteDeps & AllowlistDeps & Pick<GitLabNoteDeps, 'commands'>;

/**
 * `POST /webhook/gitlab`. Before any work: token (401), content type (415), size (413), UTF-8 and JSON (400), payload
 * (400), the project allowlist (202 ignored). Then one pure decision, a Redis claim, and one call to the workflow
 * layer. Without a configured secret every delivery is refused with 401 (the sender is not authenticated; a 503
 * would only make GitLab retry).
 */
export function gitlabRoute(deps: GitLabRouteDeps): Router {
  const router = express.Router();
  if (deps.secrets.length === 0) deps.logger.warn('GITLAB_WEBHOOK_SECRET is not set: every GitLab delivery is refused (401)');
  else if (deps.allowlist === undefined) deps.logger.warn('GITLAB_ALLOWED_PROJECTS is not set: every project whose webhook has the secret is reviewed');
  if (deps.secrets.length > 0 && deps.commands?.ownUserId === undefined) {
    deps.logger.warn('FORGEBOT_GITLAB_USER_ID is not set: forgebot tells its own notes from commands only while COMMANDS_FROM_BOTS is off and its user is a bot (a project, group or service-account token user)');
  }

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
  const body = parseJsonBody(req.body);
  if (!body.ok) return reply(400, { error: body.error });
  let event: GitLabEvent;
  try {
    event = parseGitLabEvent(body.value, req.get('x-gitlab-event'));
  } catch (error) {
    if (!(error instanceof InvalidPayloadError)) throw error;
    log.warn({ reason: error.reason }, 'malformed gitlab payload');
    return reply(400, { error: error.message });
  }
  if (event.kind === 'other' && event.objectKind === 'note') return handleGitLabNote(body.value, req.get('x-gitlab-event'), deps, log, ids);
  const project = projectPathOf(event);
  if (project !== undefined && !allowsProject(deps.allowlist, project)) {
    log.info({ project }, 'project not allowed (GITLAB_ALLOWED_PROJECTS)');
    deps.onNotAllowed?.();
    return reply(202, { status: 'ignored', reason: NOT_ALLOWED_REASON });
  }
  const action: MergeRequestAction = decideMergeRequestAction(event, { reviewDrafts: deps.reviewDrafts, deliveryId: ids.deliveryId });
  return dispatchChangeAction(action, deps, log, ids.dedupeId, 'gitlab', bodyDigest(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)));
}

/** The project of an event that can start or end work (other kinds are only acknowledged, whatever their project). */
function projectPathOf(event: GitLabEvent): string | undefined {
  return event.kind === 'merge_request' || event.kind === 'merge_request_closed' ? event.event.project.path_with_namespace : undefined;
}
