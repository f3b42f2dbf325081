import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkerAudit } from '../../src/audit/wiring.js';
import { createClaimStore } from '../../src/activities/claim-check/create-claim-store.js';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import type { Redis } from 'ioredis';
import { createLocalSandbox } from '../../src/activities/sandbox/local.js';
import { createForges, runnerSecrets } from '../../src/cli/wiring.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/logger.js';
import type { Sandbox } from '../../src/activities/sandbox/sandbox.js';
import { WORKFLOW_TIMEOUT_MS } from '../../src/webhooks/change-action.js';
import { statusQuery, type ReviewStatus } from '../../src/workflows/definitions.js';
import { createTemporalReviewStarter } from '../../src/webhooks/temporal-review-starter.js';
import { startWebhookServer, type WebhookServer } from '../../src/webhooks/server.js';
import { createAgentWorker } from '../../src/workers/agent-worker.js';
import { createMainWorker } from '../../src/workers/main-worker.js';
import { unique } from './temporal.js';

export interface Stack {
  config: Config;
  server: WebhookServer;
  /** Why a worker of the stack stopped on its own (its `run()` rejected), if one did. */
  workerFailure(): Error | undefined;
  stop(): Promise<void>;
}

/** forgebot as deployed: webhook server, main worker and agent worker, wired from one configuration. */
export interface StackOptions {
  /** The agent worker's sandbox (default: a local sandbox). */
  sandbox?: (config: Config, logger: Logger) => Sandbox;
  /** false: no agent worker in this process (a test runs its own). */
  agentWorker?: boolean;
  /** The audit trail both workers record to (absent: none). */
  audit?: WorkerAudit;
}

/**
 * The Temporal the stack talks to: a TestWorkflowEnvironment, or a client and a native connection to any address
 * (e.g. a file-backed dev server that a test kills and restarts: file-backed-temporal.ts).
 */
export interface TemporalEndpoint {
  client: Client;
  nativeConnection: NativeConnection;
}

export async function startForgebot(env: TemporalEndpoint, redis: Redis, vars: Record<string, string>, options: StackOptions = {}): Promise<Stack> {
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
  // The answer waits for the handover (a test reads the workflow right after it), as it does when Temporal is quick.
  const server = await startWebhookServer({ config, redis, starter, logger, dedupePrefix: `forgebot-e2e:${randomUUID()}:`, ackWithinMs: WORKFLOW_TIMEOUT_MS });
  // One claim store for both workers, as in a deployment: its own folder per stack (CLAIM_STORE_DIR), which an
  // agent-worker started as its own process is given too.
  const claims = createClaimStore(config);
  const workers: Worker[] = [
    await createMainWorker({ config, connection: env.nativeConnection, forges: createForges(config), claims, ...(options.audit ? { audit: options.audit } : {}) }),
  ];
  if (options.agentWorker !== false) {
    const sandbox = options.sandbox?.(config, logger) ?? createLocalSandbox({ logger });
    workers.push(await createAgentWorker({ config, connection: env.nativeConnection, sandbox, secrets: runnerSecrets(config), claims, ...(options.audit ? { audit: options.audit } : {}) }));
  }
  let failure: Error | undefined;
  const running = Promise.all(workers.map((worker) => worker.run().catch((error: unknown) => {
    failure ??= error instanceof Error ? error : new Error(String(error));
  })));
  return {
    config,
    server,
    workerFailure: () => failure,
    async stop() {
      await server.close();
      for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      if (failure) throw failure;
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

/**
 * The review workflow's status once it records `sha` as reviewed. The summary is posted by an activity and the
 * workflow records the SHA when that activity completes, so a status read right after the summary appears may be older.
 */
export async function statusAfterReviewOf(handle: WorkflowHandle, sha: string): Promise<ReviewStatus> {
  return eventually(async () => {
    const status = await handle.query(statusQuery);
    return status.lastReviewedSha === sha ? status : undefined;
  }, `the status records ${sha.slice(0, 12)} as reviewed`);
}
