import { randomUUID } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import type { SentryProjectMapping } from '../../domain/sentry/project-mapping.js';
import type { Logger } from '../../logger.js';
import { bodyDigest, headerId, reply, type DispatchDeps, type Reply } from '../change-action.js';
import { parseJsonBody } from '../json-body.js';
import { decideSentryAction } from './decide-sentry-action.js';
import { dispatchSentryAction } from './dispatch-sentry-action.js';
import { InvalidPayloadError, parseSentryEvent } from './parse-sentry-event.js';
import { verifySentrySignature } from './verify-signature.js';
import { timestampProblem } from './verify-timestamp.js';

export interface SentryRouteDeps extends DispatchDeps {
  /** SENTRY_CLIENT_SECRET: the integration's client secret (several during a rotation). */
  secrets: readonly string[];
  bodyLimit: string;
  /** SENTRY_TIMESTAMP_TOLERANCE_SECONDS. */
  timestampToleranceSeconds: number;
  /** SENTRY_PROJECTS: which repository a Sentry project's errors are fixed in. */
  mappings: readonly SentryProjectMapping[];
  /** SENTRY_URL. */
  sentryUrl: string;
  logger: Logger;
  /** Called once per verified delivery for a project without a mapping (the metrics count it). */
  onNotMapped?: (() => void) | undefined;
}

/**
 * `POST /webhook/sentry` (Sentry integration-platform webhooks). The signature covers the raw body bytes, so the
 * body is read (size limit: 413) and verified (401) before anything else, then its timestamp (401: a replay); then
 * content type (415), UTF-8 and JSON (400), payload (400), the project mapping (202 ignored). Then one pure decision,
 * a Redis claim and one handover to the workflow layer (dispatch-sentry-action.ts). Mounted only when
 * SENTRY_CLIENT_SECRET is set.
 */
export function sentryRoute(deps: SentryRouteDeps): Router {
  const router = express.Router();
  if (deps.mappings.length === 0) deps.logger.warn('SENTRY_PROJECTS maps no project: every Sentry delivery is acknowledged and ignored');

  router.post('/webhook/sentry', express.raw({ type: () => true, limit: deps.bodyLimit }), async (req: Request, res: Response) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!verifySentrySignature(raw, req.get('sentry-hook-signature'), deps.secrets)) {
      return void res.status(401).json({ error: 'invalid or missing Sentry-Hook-Signature' });
    }
    const stale = timestampProblem(req.get('sentry-hook-timestamp'), Date.now(), deps.timestampToleranceSeconds);
    if (stale !== undefined) return void res.status(401).json({ error: stale });
    if (raw.length === 0) return void res.status(400).json({ error: 'request has no body' });
    if (!req.is('application/json')) return void res.status(415).json({ error: 'content type must be application/json' });
    const requestId = headerId(req.get('request-id'));
    const deliveryId = requestId ?? randomUUID();
    const log = deps.logger.child({ deliveryId, sentryResource: req.get('sentry-hook-resource') });
    const { status, body } = await handle(raw, req.get('sentry-hook-resource'), deps, log, { deliveryId, ...(requestId === undefined ? {} : { requestId }) });
    res.status(status).json(body);
  });
  return router;
}

async function handle(raw: Buffer, resource: string | undefined, deps: SentryRouteDeps, log: Logger, ids: { deliveryId: string; requestId?: string }): Promise<Reply> {
  const body = parseJsonBody(raw);
  if (!body.ok) return reply(400, { error: body.error });
  try {
    const event = parseSentryEvent(body.value, resource);
    const action = decideSentryAction(event, { mappings: deps.mappings, sentryUrl: deps.sentryUrl, ...(ids.requestId === undefined ? {} : { deliveryId: ids.requestId }) });
    if (action.kind === 'ignore' && action.unmapped) {
      log.info({ org: action.unmapped.org, project: action.unmapped.project }, 'sentry project not mapped (SENTRY_PROJECTS)');
      deps.onNotMapped?.();
    }
    return await dispatchSentryAction(action, deps, log, ids.deliveryId, bodyDigest(raw));
  } catch (error) {
    if (!(error instanceof InvalidPayloadError)) throw error;
    log.warn({ reason: error.reason }, 'malformed sentry payload');
    return reply(400, { error: error.message });
  }
}
