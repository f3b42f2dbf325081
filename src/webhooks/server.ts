import type { AddressInfo } from 'node:net';
import { createWebhookApp, type WebhookAppDeps } from './app.js';

export interface WebhookServer {
  url: string;
  /** Stops accepting connections and waits (at most `graceMs`) for in-flight requests to finish. */
  close(graceMs?: number): Promise<void>;
}

export async function startWebhookServer(deps: WebhookAppDeps & { config: WebhookAppDeps['config'] & { PORT: number } }): Promise<WebhookServer> {
  const app = createWebhookApp(deps);
  const server = app.listen(deps.config.PORT);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close(graceMs = 10_000) {
      return new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      });
    },
  };
}
