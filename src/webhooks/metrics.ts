import type { RequestHandler, Router } from 'express';
import express from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { JiraWebhookAction } from '../domain/jira/ticket.js';
import type { Outbox } from './outbox/outbox.js';

/** The webhook's source (the `forge` label: Sentry and Jira are more sources of deliveries, not forges). */
export type WebhookForge = 'gitlab' | 'github' | 'sentry' | 'jira';

/**
 * Prometheus metrics of the webhook receiver, on `GET /metrics` (the chart's Ingress routes only `/webhook/*`, so it
 * stays inside the cluster): deliveries by forge and status code, their latency, deliveries from projects outside the
 * allowlist (`notAllowed`, called by the routes), Jira deliveries by decision (`jiraDecided`), the outbox (held
 * deliveries waiting, held and drained counts), and the process's own metrics.
 */
export function webhookMetrics(outbox?: Pick<Outbox, 'queued' | 'observe'>): {
  track: RequestHandler;
  routes: Router;
  registry: Registry;
  notAllowed: (forge: WebhookForge) => void;
  jiraDecided: (decision: JiraWebhookAction['kind']) => void;
} {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'forgebot_server_' });
  const deliveries = new Counter({
    name: 'forgebot_webhook_deliveries_total',
    help: 'Webhook deliveries answered, by forge and HTTP status (202 accepted or ignored, 200 duplicate, 4xx refused, 503 retry later).',
    labelNames: ['forge', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'forgebot_webhook_duration_seconds',
    help: 'Time to answer a webhook delivery (verification, dedupe, starting or signalling the workflow).',
    labelNames: ['forge'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  const notAllowed = new Counter({
    name: 'forgebot_webhook_not_allowed_total',
    help: 'Verified deliveries from a project outside GITLAB_ALLOWED_PROJECTS / GITHUB_ALLOWED_REPOSITORIES / JIRA_PROJECTS, or a Sentry project SENTRY_PROJECTS does not map: answered 202 ignored, not acted on.',
    labelNames: ['forge'],
    registers: [registry],
  });
  // Both series exist from the start, so that a rate or an alert on them has data before the first refusal.
  for (const forge of ['gitlab', 'github', 'sentry', 'jira'] satisfies WebhookForge[]) notAllowed.inc({ forge }, 0);

  const jiraDecisions = new Counter({
    name: 'forgebot_webhook_jira_decisions_total',
    help: 'Verified, well-formed Jira deliveries by what was decided (ready, withdrawn, comment, ignore), duplicates included.',
    labelNames: ['decision'],
    registers: [registry],
  });
  for (const decision of ['ready', 'withdrawn', 'comment', 'ignore'] satisfies JiraWebhookAction['kind'][]) jiraDecisions.inc({ decision }, 0);

  if (outbox) outboxMetrics(registry, outbox);

  const track: RequestHandler = (req, res, next) => {
    const forge = /^\/webhook\/(gitlab|github|sentry|jira)$/.exec(req.path)?.[1];
    if (req.method !== 'POST' || forge === undefined) return next();
    const stop = duration.startTimer({ forge });
    res.on('finish', () => {
      stop();
      deliveries.inc({ forge, status: String(res.statusCode) });
    });
    next();
  };

  const routes = express.Router();
  routes.get('/metrics', (_req, res, next) => {
    registry.metrics().then((text) => void res.type(registry.contentType).send(text), next);
  });
  return { track, routes, registry, notAllowed: (forge) => notAllowed.inc({ forge }), jiraDecided: (decision) => jiraDecisions.inc({ decision }) };
}

/** The outbox's gauge (read at each scrape) and counters (from its events). */
function outboxMetrics(registry: Registry, outbox: Pick<Outbox, 'queued' | 'observe'>): void {
  new Gauge({
    name: 'forgebot_webhook_outbox_queued',
    help: 'Accepted deliveries held in the outbox, waiting for the workflow service (redis: shared by the replicas; file: this process).',
    labelNames: ['store'],
    registers: [registry],
    async collect() {
      const queued = await outbox.queued();
      this.set({ store: 'file' }, queued.file);
      if (queued.redis !== undefined) this.set({ store: 'redis' }, queued.redis);
    },
  });
  const held = new Counter({
    name: 'forgebot_webhook_outbox_held_total',
    help: 'Deliveries held in the outbox because the workflow service could not be reached (or held deliveries were waiting).',
    labelNames: ['store'],
    registers: [registry],
  });
  const drained = new Counter({
    name: 'forgebot_webhook_outbox_drained_total',
    help: 'Held deliveries taken from the outbox: delivered, not-running (a signal to an ended workflow, dropped) or dead-letter.',
    labelNames: ['store', 'outcome'],
    registers: [registry],
  });
  const dropped = new Counter({
    name: 'forgebot_webhook_signals_dropped_total',
    help: 'Signals (not signal-with-start) to a workflow that is not running, acknowledged and dropped, by signal: a reply in a thread of a change without a review workflow, a close of an ended one.',
    labelNames: ['signal'],
    registers: [registry],
  });
  for (const store of ['redis', 'file']) {
    held.inc({ store }, 0);
    drained.inc({ store, outcome: 'delivered' }, 0);
  }
  outbox.observe((event) => {
    if (event.type === 'held') held.inc({ store: event.store });
    else if (event.type === 'dropped') dropped.inc({ signal: event.signal });
    else drained.inc({ store: event.store, outcome: event.outcome });
  });
}
