import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import { wireWorkerMetrics } from '../../workers/metrics/wire-worker-metrics.js';
import { createMainWorker } from '../../workers/main-worker.js';
import { commandBudgetFromConfig } from '../../workers/command-budget-wiring.js';
import { ensureRegistered } from '../../workers/register-search-attributes.js';
import { auditForWorker } from '../../audit/wiring.js';
import { createClaimStore } from '../../activities/claim-check/create-claim-store.js';
import { connectTemporalClient, connectTemporalWorker } from '../../workers/temporal-connection.js';
import { exitOnWorkerFailure } from '../process-lifecycle.js';
import { createForges } from '../wiring.js';

/**
 * `forgebot worker`: polls the main task queue until SIGTERM/SIGINT (the Temporal runtime handles the signals). It rides
 * out a Temporal outage; it exits non-zero when it cannot start or its worker fails (exitOnWorkerFailure).
 */
export async function runWorker(config: Config, logger: Logger): Promise<void> {
  // The Temporal runtime (logging, the SDK's metrics) is set up once per process, before any connection.
  const metrics = await wireWorkerMetrics({ config, logger });
  await exitOnWorkerFailure(logger, 'worker', async () => {
    await ensureSearchAttributes(config, logger);
    const connection = await connectTemporalWorker(config);
    const samplers = metrics.startSamplers(connection);
    const claims = createClaimStore(config, logger);
    const audit = auditForWorker(config, logger);
    const commands = commandBudgetFromConfig(config, logger);
    try {
      const worker = await createMainWorker({ config, connection, forges: createForges(config, logger), claims, audit, commandBudget: commands.budget });
      logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE }, 'worker polling');
      await worker.run();
    } finally {
      samplers.stop();
      await Promise.allSettled([connection.close(), claims.close(), audit.close(), metrics.close(), commands.close()]);
    }
  });
}

/**
 * Registers the search attributes. On a server that refuses (e.g. Temporal Cloud) it goes on only when they exist
 * already; otherwise it throws: a worker whose workflows cannot set their attributes is not ready.
 */
export async function ensureSearchAttributes(config: Config, logger: Logger): Promise<void> {
  const client = await connectTemporalClient(config);
  try {
    const added = await ensureRegistered(client.connection, config.TEMPORAL_NAMESPACE, logger);
    if (added.length > 0) logger.info({ added }, 'registered search attributes');
  } finally {
    await client.connection.close();
  }
}
