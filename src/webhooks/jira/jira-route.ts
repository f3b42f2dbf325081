import { randomUUID } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import type { JiraWebhookAction } from '../../domain/jira/ticket.js';
import type { Logger } from '../../logger.js';
import { bodyDigest, headerId, reply, type Reply } from '../change-action.js';
import { parseJsonBody } from '../json-body.js';
import { NOT_ALLOWED_REASON } from '../project-allowlist.js';
import { decideJiraAction } from './decide-jira-action.js';
import { dispatchJiraAction, type JiraDispatchDeps } from './dispatch-jira-action.js';
import { allowsJiraProject, projectOfIssue } from './jira-project-allowlist.js';
import { InvalidPayloadError, parseJiraEvent } from './parse-jira-event.js';
import { verifyJiraSignature } from './verify-signature.js';

export interface JiraRouteDeps extends JiraDispatchDeps {
  /** JIRA_WEBHOOK_SECRET: the webhook's secret (several during a rotation). */
  secrets: readonly string[];
  bodyLimit: string;
  /** JIRA_READY_STATUS: a status id or name. */
  readyStatus: string;
  /** JIRA_PROJECTS: the projects acted on (unset: every project). */
  projects?: readonly string[] | undefined;
  logger: Logger;
  /** Called once per verified delivery about a project outside JIRA_PROJECTS (the metrics count it). */
  onNotAllowed?: (() => void) | undefined;
  /** Called once per verified, well-formed delivery with what was decided (the metrics count it). */
  onDecided?: ((kind: JiraWebhookAction['kind']) => void) | undefined;
}

/**
 * `POST /webhook/jira` (Jira Cloud webhooks registered with a secret; Server/Data Center payloads read the same). The
 * signature covers the raw body bytes, so the body is read (size limit: 413) and verified (401) before anything else;
 * then content type (415), UTF-8 and JSON (400), payload (400), the project allowlist (202 ignored). Then one pure
 * decision, a Redis claim and one call to the ticket workflow layer (dispatch-jira-action.ts). Mounted only when
 * JIRA_WEBHOOK_SECRET is set.
 */
export function jiraRoute(deps: JiraRouteDeps): Router {
  const router = express.Router();
  if (deps.projects === undefined) deps.logger.warn('JIRA_PROJECTS is not set: tickets of every project whose webhook has the secret are acted on');

  router.post('/webhook/jira', express.raw({ type: () => true, limit: deps.bodyLimit }), async (req: Request, res: Response) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!verifyJiraSignature(raw, req.get('x-hub-signature'), deps.secrets)) {
      return void res.status(401).json({ error: 'invalid or missing X-Hub-Signature' });
    }
    if (raw.length === 0) return void res.status(400).json({ error: 'request has no body' });
    if (!req.is('application/json')) return void res.status(415).json({ error: 'content type must be application/json' });
    const deliveryId = headerId(req.get('x-atlassian-webhook-identifier')) ?? randomUUID();
    const log = deps.logger.child({ deliveryId, source: 'jira' });
    const { status, body } = await handle(raw, deps, log, deliveryId);
    res.status(status).json(body);
  });
  return router;
}

async function handle(raw: Buffer, deps: JiraRouteDeps, log: Logger, deliveryId: string): Promise<Reply> {
  const body = parseJsonBody(raw);
  if (!body.ok) return reply(400, { error: body.error });
  let action: JiraWebhookAction;
  try {
    const event = parseJiraEvent(body.value);
    if (event.kind !== 'other' && !allowsJiraProject(deps.projects, projectOfIssue(event.issue))) {
      log.info({ project: projectOfIssue(event.issue) }, 'jira project not allowed (JIRA_PROJECTS)');
      deps.onNotAllowed?.();
      action = { kind: 'ignore', reason: NOT_ALLOWED_REASON };
    } else {
      action = decideJiraAction(event, { readyStatus: deps.readyStatus });
    }
  } catch (error) {
    if (!(error instanceof InvalidPayloadError)) throw error;
    log.warn({ reason: error.reason }, 'malformed jira payload');
    return reply(400, { error: error.message });
  }
  deps.onDecided?.(action.kind);
  return dispatchJiraAction(action, deps, log, deliveryId, bodyDigest(raw));
}
