import express, { type Router } from 'express';
import type { Redis } from 'ioredis';
import type { Outbox } from './outbox/outbox.js';
import { withTimeout } from './with-timeout.js';
import type { WorkflowStarter } from './workflow-starter.js';

/** Each dependency gets this long to answer a readiness probe (Kubernetes' default probe timeout is 1 s; set it to 3 s). */
export const READINESS_TIMEOUT_MS = 2_000;

/** `ok`, or `down: <reason>`. */
async function check(what: string, probe: () => Promise<unknown>): Promise<string> {
  try {
    await withTimeout(probe, READINESS_TIMEOUT_MS, what);
    return 'ok';
  } catch (error) {
    return `down: ${error instanceof Error ? error.message : String(error)}`;
  }
}

export type Readiness = 'ready' | 'degraded' | 'unavailable';

/**
 * `GET /healthz`: 200 while the process can answer. `GET /readyz`: `{ status, checks: { redis, temporal, outbox },
 * queued }` (`queued`: held deliveries waiting for Temporal, in Redis and in this process's file outbox).
 * - 200 `ready`: Redis answers PING, the workflow service answers `starter.ping()`, and nothing is held;
 * - 200 `degraded`: something is down or held, but deliveries are still accepted (handed over, or held durably).
 *   Readiness stays 200 on purpose: a load balancer that stopped sending would turn a held delivery into a lost one.
 * - 503 `unavailable`: the workflow service is down and neither Redis nor the file outbox (`outbox`) can hold a
 *   delivery; a delivery would get 503 too.
 */
export function healthRoutes(deps: { redis: Redis; starter: Pick<WorkflowStarter, 'ping'>; outbox: Pick<Outbox, 'queued' | 'file'> }): Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const [redis, temporal, outbox, held] = await Promise.all([
      check('redis', () => deps.redis.ping()),
      check('temporal', () => deps.starter.ping()),
      check('file outbox', () => deps.outbox.file.check()),
      deps.outbox.queued(),
    ]);
    const queued = (held.redis ?? 0) + held.file;
    const status: Readiness =
      redis === 'ok' && temporal === 'ok' && outbox === 'ok' && queued === 0 ? 'ready' : temporal !== 'ok' && redis !== 'ok' && outbox !== 'ok' ? 'unavailable' : 'degraded';
    res.status(status === 'unavailable' ? 503 : 200).json({ status, checks: { redis, temporal, outbox }, queued });
  });
  return router;
}
