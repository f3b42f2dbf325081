import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWebhookApp, type WebhookAppDeps } from './app.js';

export const DEFAULT_GRACE_MS = 10_000;

export interface WebhookServerDeps extends WebhookAppDeps {
  config: WebhookAppDeps['config'] & { PORT: number };
}

export interface WebhookServer {
  url: string;
  /**
   * Graceful shutdown: stops accepting connections, lets in-flight requests finish (their responses close the
   * connection) and closes idle keep-alive connections; after `graceMs` it cuts whatever is left. The caller closes
   * Redis and Temporal clients afterwards. Safe to call more than once.
   */
  close(graceMs?: number): Promise<void>;
}

/** Listens on `config.PORT` (0 = a free port) and serves the webhook app. */
export async function startWebhookServer(deps: WebhookServerDeps): Promise<WebhookServer> {
  const app = createWebhookApp(deps);
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

  return {
    url: `http://127.0.0.1:${port}`,
    close(graceMs = DEFAULT_GRACE_MS) {
      closing ??= new Promise<void>((resolve) => {
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
      return closing;
    },
  };
}
