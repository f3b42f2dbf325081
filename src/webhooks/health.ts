import express, { type Router } from 'express';
import type { Redis } from 'ioredis';
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

/**
 * `GET /healthz`: 200 while the process can answer. `GET /readyz`: 200 when Redis answers PING and the workflow service
 * answers `starter.ping()`; otherwise 503 `{ status: 'unavailable', checks: { redis, temporal } }` naming the one down.
 */
export function healthRoutes(deps: { redis: Redis; starter: Pick<WorkflowStarter, 'ping'> }): Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const [redis, temporal] = await Promise.all([check('redis', () => deps.redis.ping()), check('temporal', () => deps.starter.ping())]);
    const ready = redis === 'ok' && temporal === 'ok';
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', checks: { redis, temporal } });
  });
  return router;
}
