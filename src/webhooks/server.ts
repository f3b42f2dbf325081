import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../config.js';
import { createWebhookApp, type WebhookAppDeps } from './app.js';
import { REDIS_TIMEOUT_MS, WORKFLOW_TIMEOUT_MS } from './change-action.js';
import { DEFAULT_DEDUPE_PREFIX } from './dedupe.js';
import { READINESS_TIMEOUT_MS } from './health.js';
import type { TicketStarter } from './jira/dispatch-jira-action.js';
import { startOutboxDrainer } from './outbox/drainer.js';
import { createOutbox } from './outbox/outbox.js';
import type { WorkflowStarter } from './workflow-starter.js';

export const DEFAULT_GRACE_MS = 10_000;

export interface WebhookServerDeps extends Omit<WebhookAppDeps, 'outbox'> {
  config: WebhookAppDeps['config'] & Pick<Config, 'PORT' | 'OUTBOX_DIR' | 'OUTBOX_DRAIN_INTERVAL_MS'>;
  /**
   * How long a delivery waits for its handover before it answers `queued` (default `ACK_WITHIN_MS`: the answer does
   * not wait on Temporal). A test that reads the workflow right after the answer sets it to WORKFLOW_TIMEOUT_MS.
   */
  ackWithinMs?: number;
}

export interface WebhookServer {
  url: string;
  /**
   * Graceful shutdown: stops accepting connections, lets in-flight requests finish (their responses close the
   * connection) and closes idle keep-alive connections; after `graceMs` it cuts whatever is left. It stops the
   * outbox drainer and waits (within the same `graceMs`) for every workflow-service call still running — a call
   * abandoned by a timeout included — so that the caller can then close the Redis and Temporal clients: a Temporal
   * call still retrying when its connection closes throws "Channel has been shut down" from a timer, which would
   * kill the process. Safe to call more than once.
   */
  close(graceMs?: number): Promise<void>;
}

/**
 * Listens on `config.PORT` (0 = a free port) and serves the webhook app; runs the outbox drainer, which hands
 * deliveries held while Temporal was unreachable to it (outbox/).
 */
export async function startWebhookServer(deps: WebhookServerDeps): Promise<WebhookServer> {
  const calls = trackCalls(deps.starter);
  const starter = calls.starter;
  const outbox = createOutbox({
    redis: deps.redis,
    prefix: deps.dedupePrefix ?? DEFAULT_DEDUPE_PREFIX,
    dir: deps.config.OUTBOX_DIR,
    redisTimeoutMs: REDIS_TIMEOUT_MS,
    logger: deps.logger,
    starter,
    callTimeoutMs: WORKFLOW_TIMEOUT_MS,
    ...(deps.ackWithinMs === undefined ? {} : { ackWithinMs: deps.ackWithinMs }),
  });
  // What a previous run left in the file outbox is known before the first delivery (it queues behind it).
  await outbox.file.opened();
  const tickets = deps.tickets === undefined ? {} : { tickets: calls.tickets(deps.tickets) };
  const app = createWebhookApp({ ...deps, starter, outbox, ...tickets });
  const inFlight = new Set<ServerResponse>();
  let closing: Promise<void> | undefined;

  const server = createServer((req, res) => {
    inFlight.add(res);
    res.once('close', () => {
      inFlight.delete(res);
      // A connection whose response had started before shutdown goes idle now: close it rather than wait.
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
    if (closing) res.setHeader('Connection', 'close');
    app(req, res);
  });
  // Bound slow clients: a webhook is small and GitLab sends it at once.
  server.headersTimeout = 15_000;
  server.requestTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(deps.config.PORT, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const drainer = startOutboxDrainer({
    outbox,
    starter,
    logger: deps.logger,
    intervalMs: deps.config.OUTBOX_DRAIN_INTERVAL_MS,
    callTimeoutMs: WORKFLOW_TIMEOUT_MS,
    pingTimeoutMs: READINESS_TIMEOUT_MS,
  });

  return {
    url: `http://127.0.0.1:${port}`,
    close(graceMs = DEFAULT_GRACE_MS) {
      closing ??= (async () => {
        const deadline = Date.now() + graceMs;
        const http = new Promise<void>((resolve) => {
          const force = setTimeout(() => server.closeAllConnections(), graceMs);
          force.unref();
          server.close(() => {
            clearTimeout(force);
            resolve();
          });
          // Responses still to be written end their connection instead of keeping it alive.
          for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
          server.closeIdleConnections();
        });
        await Promise.all([http, within(deadline, drainer.stop())]);
        // Handovers of the fast path that have not started go to the outbox queue; those running are waited for.
        await within(deadline, outbox.close());
        await within(deadline, calls.settled());
      })();
      return closing;
    },
  };
}

/** Settles when `work` does, or at `deadline`, whichever comes first. */
async function within(deadline: number, work: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work.catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))))]);
  clearTimeout(timer);
}

/** The starter (and a ticket starter wrapped by `tickets`), and a promise of the moment every call made through them has settled. */
function trackCalls(target: WorkflowStarter): { starter: WorkflowStarter; tickets(tickets: TicketStarter): TicketStarter; settled(): Promise<void> } {
  const pending = new Set<Promise<unknown>>();
  const track = <T>(call: Promise<T>): Promise<T> => {
    pending.add(call);
    const done = () => pending.delete(call);
    call.then(done, done);
    return call;
  };
  return {
    starter: {
      start: (kind, subject, signal) => track(target.start(kind, subject, signal)),
      signal: (kind, subject, name, args) => track(target.signal(kind, subject, name, args)),
      ping: () => track(target.ping()),
    },
    tickets: (tickets) => ({
      ready: (action) => track(tickets.ready(action)),
      withdrawn: (action) => track(tickets.withdrawn(action)),
      comment: (action) => track(tickets.comment(action)),
    }),
    async settled() {
      await Promise.allSettled([...pending]);
    },
  };
}
