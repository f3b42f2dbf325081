import { randomUUID } from 'node:crypto';
import express, { type ErrorRequestHandler, type Express } from 'express';
import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { createDedupe } from './dedupe.js';
import { githubRoute } from './github/github-route.js';
import { gitlabRoute } from './gitlab/gitlab-route.js';
import { healthRoutes } from './health.js';
import type { TicketStarter } from './jira/dispatch-jira-action.js';
import { jiraRoute } from './jira/jira-route.js';
import { createTemporalTicketStarter } from './jira/temporal-ticket-starter.js';
import { webhookMetrics } from './metrics.js';
import type { Outbox } from './outbox/outbox.js';
import { sentryRoute } from './sentry/sentry-route.js';
import type { WorkflowStarter } from './workflow-starter.js';

export type { WorkflowStarter } from './workflow-starter.js';

export interface WebhookAppDeps {
  config: Pick<
    Config,
    | 'GITLAB_WEBHOOK_SECRET'
    | 'GITHUB_WEBHOOK_SECRET'
    | 'WEBHOOK_BODY_LIMIT'
    | 'REVIEW_DRAFTS'
    | 'DEDUPE_TTL_SECONDS'
    | 'GITLAB_ALLOWED_PROJECTS'
    | 'GITHUB_ALLOWED_REPOSITORIES'
    | 'SENTRY_CLIENT_SECRET'
    | 'SENTRY_PROJECTS'
    | 'SENTRY_URL'
    | 'SENTRY_TIMESTAMP_TOLERANCE_SECONDS'
    | 'JIRA_WEBHOOK_SECRET'
    | 'JIRA_READY_STATUS'
    | 'JIRA_PROJECTS'
  > &
    Partial<Pick<Config, 'COMMAND_TRIGGER' | 'COMMANDS_FROM_BOTS' | 'FORGEBOT_GITLAB_USER_ID' | 'FORGEBOT_GITHUB_USER_ID' | 'GITHUB_APP_ID'>>;
  redis: Redis;
  starter: WorkflowStarter;
  logger: Logger;
  /** Redis key prefix for dedupe (tests isolate themselves with it); default `forgebot:dedupe:`. */
  dedupePrefix?: string;
  /** Where deliveries wait while Temporal cannot be reached (server.ts creates it and runs its drainer). */
  outbox: Outbox;
  /** What `/webhook/jira` hands decided actions to; default: the ticket workflow on Temporal, through `starter` and the outbox. */
  tickets?: TicketStarter;
}

/** An error raised by express or body-parser that is the client's fault (4xx), with a message safe to return. */
interface HttpError {
  status?: number;
  expose?: boolean;
  type?: string;
  message?: string;
}

/**
 * The webhook receiver: `POST /webhook/gitlab`, `POST /webhook/github`, `POST /webhook/sentry` (only with SENTRY_CLIENT_SECRET:
 * an optional source, so without it the path is no route), `POST /webhook/jira` (likewise, only with JIRA_WEBHOOK_SECRET),
 * `GET /healthz`, `GET /readyz`, `GET /metrics`. Unknown routes answer 404 JSON; an unexpected error is logged and
 * answers 500 `{ error, requestId }` (the id is in the log line).
 */
export function createWebhookApp(deps: WebhookAppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const dedupe = createDedupe(deps.redis, { ttlSeconds: deps.config.DEDUPE_TTL_SECONDS, ...(deps.dedupePrefix === undefined ? {} : { prefix: deps.dedupePrefix }) });
  const metrics = webhookMetrics(deps.outbox);
  app.use(metrics.track);
  app.use(healthRoutes(deps));
  app.use(metrics.routes);
  app.use(
    gitlabRoute({
      secrets: deps.config.GITLAB_WEBHOOK_SECRET ?? [],
      bodyLimit: deps.config.WEBHOOK_BODY_LIMIT,
      reviewDrafts: deps.config.REVIEW_DRAFTS,
      allowlist: deps.config.GITLAB_ALLOWED_PROJECTS,
      onNotAllowed: () => metrics.notAllowed('gitlab'),
      commands: { trigger: deps.config.COMMAND_TRIGGER, fromBots: deps.config.COMMANDS_FROM_BOTS, ownUserId: deps.config.FORGEBOT_GITLAB_USER_ID },
      dedupe,
      starter: deps.starter,
      outbox: deps.outbox,
      logger: deps.logger,
    }),
  );
  app.use(
    githubRoute({
      secrets: deps.config.GITHUB_WEBHOOK_SECRET ?? [],
      bodyLimit: deps.config.WEBHOOK_BODY_LIMIT,
      reviewDrafts: deps.config.REVIEW_DRAFTS,
      allowlist: deps.config.GITHUB_ALLOWED_REPOSITORIES,
      onNotAllowed: () => metrics.notAllowed('github'),
      commands: { trigger: deps.config.COMMAND_TRIGGER, fromBots: deps.config.COMMANDS_FROM_BOTS, ownUserId: deps.config.FORGEBOT_GITHUB_USER_ID, appId: deps.config.GITHUB_APP_ID },
      dedupe,
      starter: deps.starter,
      outbox: deps.outbox,
      logger: deps.logger,
    }),
  );
  if (deps.config.SENTRY_CLIENT_SECRET) {
    app.use(
      sentryRoute({
        secrets: deps.config.SENTRY_CLIENT_SECRET,
        bodyLimit: deps.config.WEBHOOK_BODY_LIMIT,
        timestampToleranceSeconds: deps.config.SENTRY_TIMESTAMP_TOLERANCE_SECONDS,
        mappings: deps.config.SENTRY_PROJECTS ?? [],
        sentryUrl: deps.config.SENTRY_URL,
        onNotMapped: () => metrics.notAllowed('sentry'),
        dedupe,
        starter: deps.starter,
        outbox: deps.outbox,
        logger: deps.logger,
      }),
    );
  }
  if (deps.config.JIRA_WEBHOOK_SECRET) {
    app.use(
      jiraRoute({
        secrets: deps.config.JIRA_WEBHOOK_SECRET,
        bodyLimit: deps.config.WEBHOOK_BODY_LIMIT,
        readyStatus: deps.config.JIRA_READY_STATUS,
        projects: deps.config.JIRA_PROJECTS,
        onNotAllowed: () => metrics.notAllowed('jira'),
        onDecided: (decision) => metrics.jiraDecided(decision),
        dedupe,
        tickets: deps.tickets ?? createTemporalTicketStarter({ dedupe, starter: deps.starter, outbox: deps.outbox }, deps.logger),
        logger: deps.logger,
      }),
    );
  }
  app.use((req, res) => {
    res.status(404).json({ error: `no route for ${req.method} ${req.path}` });
  });
  const onError: ErrorRequestHandler = (error: HttpError, req, res, next) => {
    if (res.headersSent) return next(error);
    if (error.type === 'entity.too.large') {
      res.status(413).json({ error: `body larger than ${deps.config.WEBHOOK_BODY_LIMIT}` });
      return;
    }
    if (error.status !== undefined && error.status >= 400 && error.status < 500) {
      res.status(error.status).json({ error: error.expose === true && error.message ? error.message : 'bad request' });
      return;
    }
    const requestId = randomUUID();
    deps.logger.error({ err: error, requestId, method: req.method, path: req.path }, 'request failed');
    res.status(500).json({ error: 'internal error', requestId });
  };
  app.use(onError);
  return app;
}
