import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import { installTemporalLogging } from '../../workers/temporal-logging.js';
import { createMainWorker } from '../../workers/main-worker.js';
import { registerSearchAttributes } from '../../workers/register-search-attributes.js';
import { connectTemporalClient, connectTemporalWorker } from '../../workers/temporal-connection.js';
import { createForges } from '../wiring.js';

/** `forgebot worker`: polls the main task queue until SIGTERM/SIGINT (the Temporal runtime handles the signals). */
export async function runWorker(config: Config, logger: Logger): Promise<void> {
  installTemporalLogging(logger);
  await ensureSearchAttributes(config, logger);
  const connection = await connectTemporalWorker(config);
  try {
    const worker = await createMainWorker({ config, connection, forges: createForges(config, logger) });
    logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE }, 'worker polling');
    await worker.run();
  } finally {
    await connection.close();
  }
}

/** Registers the search attributes; on a server that refuses (e.g. Temporal Cloud), says what to do and goes on. */
export async function ensureSearchAttributes(config: Config, logger: Logger): Promise<void> {
  const client = await connectTemporalClient(config);
  try {
    const added = await registerSearchAttributes(client.connection, config.TEMPORAL_NAMESPACE);
    if (added.length > 0) logger.info({ added }, 'registered search attributes');
  } catch (error) {
    logger.warn({ err: error }, 'could not register search attributes: create them in the namespace (see README)');
  } finally {
    await client.connection.close();
  }
}
