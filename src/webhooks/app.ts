import { randomUUID } from 'node:crypto';
import express, { type ErrorRequestHandler, type Express } from 'express';
import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { createDedupe } from './dedupe.js';
import { gitlabRoute } from './gitlab/gitlab-route.js';
import { healthRoutes } from './health.js';
import type { ReviewStarter } from './review-starter.js';

export interface WebhookAppDeps {
  config: Pick<Config, 'GITLAB_WEBHOOK_SECRET' | 'WEBHOOK_BODY_LIMIT' | 'REVIEW_DRAFTS' | 'DEDUPE_TTL_SECONDS'>;
  redis: Redis;
  starter: ReviewStarter;
  logger: Logger;
  /** Redis key prefix for dedupe (tests isolate themselves with it). */
  dedupePrefix?: string;
}

export function createWebhookApp(deps: WebhookAppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  const dedupe = createDedupe(deps.redis, { ttlSeconds: deps.config.DEDUPE_TTL_SECONDS, ...(deps.dedupePrefix ? { prefix: deps.dedupePrefix } : {}) });
  app.use(healthRoutes(deps));
  app.use(
    gitlabRoute({
      secrets: deps.config.GITLAB_WEBHOOK_SECRET ?? [],
      bodyLimit: deps.config.WEBHOOK_BODY_LIMIT,
      reviewDrafts: deps.config.REVIEW_DRAFTS,
      dedupe,
      starter: deps.starter,
      logger: deps.logger,
    }),
  );
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  const onError: ErrorRequestHandler = (error: { status?: number; type?: string; message?: string }, req, res, _next) => {
    if (error.type === 'entity.too.large') {
      res.status(413).json({ error: `body larger than ${deps.config.WEBHOOK_BODY_LIMIT}` });
      return;
    }
    if (error.status && error.status >= 400 && error.status < 500) {
      res.status(error.status).json({ error: error.message ?? 'bad request' });
      return;
    }
    const requestId = randomUUID();
    deps.logger.error({ err: error, requestId, path: req.path }, 'request failed');
    // A store we depend on failed (e.g. Redis): the sender should redeliver.
    res.status(503).json({ error: 'temporarily unavailable; redeliver later', requestId });
  };
  app.use(onError);
  return app;
}
