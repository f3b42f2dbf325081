import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClaimStore } from '../../src/activities/claim-check/create-claim-store.js';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { Redis } from 'ioredis';
import { createLocalSandbox } from '../../src/activities/sandbox/local.js';
import { createForges, runnerSecrets } from '../../src/cli/wiring.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/logger.js';
import type { Sandbox } from '../../src/activities/sandbox/sandbox.js';
import { createTemporalReviewStarter } from '../../src/webhooks/temporal-review-starter.js';
import { startWebhookServer, type WebhookServer } from '../../src/webhooks/server.js';
import { createAgentWorker } from '../../src/workers/agent-worker.js';
import { createMainWorker } from '../../src/workers/main-worker.js';
import { unique } from './temporal.js';

export interface Stack {
  config: Config;
  server: WebhookServer;
  stop(): Promise<void>;
}

/** forgebot as deployed: webhook server, main worker and agent worker, wired from one configuration. */
export interface StackOptions {
  /** The agent worker's sandbox (default: a local sandbox). */
  sandbox?: (config: Config, logger: Logger) => Sandbox;
  /** false: no agent worker in this process (a test runs its own). */
  agentWorker?: boolean;
}

export async function startForgebot(env: TestWorkflowEnvironment, redis: Redis, vars: Record<string, string>, options: StackOptions = {}): Promise<Stack> {
  const config = loadConfig({
    PORT: '0',
    TEMPORAL_TASK_QUEUE: unique('forgebot'),
    AGENT_TASK_QUEUE: unique('forgebot-agent'),
    REVIEW_DEBOUNCE_SECONDS: '0.3',
    CLAIM_STORE_DIR: await mkdtemp(join(tmpdir(), 'forgebot-claims-')),
    LOG_LEVEL: 'silent',
    ...vars,
  });
  const logger = createLogger(config.LOG_LEVEL);
  const starter = createTemporalReviewStarter(env.client, config.TEMPORAL_TASK_QUEUE);
  const server = await startWebhookServer({ config, redis, starter, logger, dedupePrefix: `forgebot-e2e:${randomUUID()}:` });
  // One claim store for both workers, as in a deployment: its own folder per stack (CLAIM_STORE_DIR), which an
  // agent-worker started as its own process is given too.
  const claims = createClaimStore(config);
  const workers: Worker[] = [
    await createMainWorker({ config, connection: env.nativeConnection, forges: createForges(config), claims }),
  ];
  if (options.agentWorker !== false) {
    const sandbox = options.sandbox?.(config, logger) ?? createLocalSandbox({ logger });
    workers.push(await createAgentWorker({ config, connection: env.nativeConnection, sandbox, secrets: runnerSecrets(config), claims }));
  }
  const running = Promise.all(workers.map((worker) => worker.run()));
  return {
    config,
    server,
    async stop() {
      await server.close();
      for (const worker of workers) worker.shutdown();
      await running;
    },
  };
}

export async function eventually<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
