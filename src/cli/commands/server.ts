import { Redis } from 'ioredis';
import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import { startWebhookServer } from '../../webhooks/server.js';
import { startThreadStarter } from '../../webhooks/starter-thread/thread-starter.js';
import { onShutdown } from '../process-lifecycle.js';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** Starts the webhook server with its Redis and Temporal clients; `close` shuts all three down in order. */
export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  // Auto-pipelining: a delivery's claim and its outbox write (issued together) and the commands of deliveries read in
  // one tick leave in one socket write (webhooks/outbox/outbox.ts `reserve`).
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2, connectTimeout: 5_000, lazyConnect: true, enableAutoPipelining: true });
  redis.on('error', (error: Error) => logger.warn({ err: error.message }, 'redis connection error'));
  // Temporal's client in a thread of its own: its work and garbage never hold up an acknowledgement.
  const { TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TLS, TEMPORAL_API_KEY } = config;
  const temporal = startThreadStarter({ temporal: { TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TLS, ...(TEMPORAL_API_KEY ? { TEMPORAL_API_KEY } : {}) }, taskQueue: config.TEMPORAL_TASK_QUEUE }, logger);
  const server = await startWebhookServer({ config, redis, starter: temporal.starter, logger });
  logger.info({ url: server.url }, 'webhook server listening');
  return {
    url: server.url,
    async close() {
      await server.close();
      await Promise.allSettled([redis.quit(), temporal.close()]);
    },
  };
}

/** `forgebot server`: runs until SIGTERM/SIGINT, then stops accepting, finishes in-flight requests and closes clients. */
export async function runServer(config: Config, logger: Logger): Promise<void> {
  const server = await startServer(config, logger);
  await onShutdown(logger, () => server.close());
}
