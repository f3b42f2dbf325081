import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import { wireWorkerMetrics } from '../../workers/metrics/wire-worker-metrics.js';
import { createAgentWorker } from '../../workers/agent-worker.js';
import { connectTemporalWorker } from '../../workers/temporal-connection.js';
import { auditForWorker } from '../../audit/wiring.js';
import { createClaimStore } from '../../activities/claim-check/create-claim-store.js';
import { exitOnWorkerFailure } from '../process-lifecycle.js';
import { createSandbox, runnerSecrets } from '../wiring.js';

/**
 * `forgebot agent-worker`: runs agent jobs from the agent task queue, AGENT_CONCURRENCY at a time. It rides out a
 * Temporal outage; it exits non-zero when it cannot start or its worker fails (exitOnWorkerFailure).
 */
export async function runAgentWorker(config: Config, logger: Logger): Promise<void> {
  // The Temporal runtime (logging, the SDK's metrics) is set up once per process, before any connection.
  const metrics = await wireWorkerMetrics({ config, logger });
  await exitOnWorkerFailure(logger, 'agent worker', async () => {
    const connection = await connectTemporalWorker(config);
    const claims = createClaimStore(config, logger);
    const audit = auditForWorker(config, logger);
    try {
      const worker = await createAgentWorker({ config, connection, sandbox: createSandbox(config, logger), secrets: runnerSecrets(config), claims, audit });
      logger.info({ taskQueue: config.AGENT_TASK_QUEUE, concurrency: config.AGENT_CONCURRENCY, sandbox: config.SANDBOX }, 'agent worker polling');
      await worker.run();
    } finally {
      await Promise.allSettled([connection.close(), claims.close(), audit.close(), metrics.close()]);
    }
  });
}
