import type { Logger } from '../logger.js';

/**
 * Runs `stop` once on SIGTERM or SIGINT, then exits. A second signal exits at once.
 * Returns a promise that settles when shutdown has finished.
 */
export function onShutdown(logger: Logger, stop: () => Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const handle = (signal: NodeJS.Signals) => {
      if (stopping) {
        logger.warn({ signal }, 'second signal: exiting now');
        process.exit(1);
      }
      stopping = true;
      logger.info({ signal }, 'shutting down');
      stop()
        .catch((error: unknown) => logger.error({ err: error }, 'shutdown failed'))
        .finally(() => resolve());
    };
    process.once('SIGTERM', handle);
    process.once('SIGINT', handle);
  });
}

/**
 * Runs a worker process's main function. A Temporal server that goes away for a while does not end it: the SDK retries
 * its polls without end, and a heartbeat or completion it could not deliver is redone by the activity's retry. What does
 * end it — no server at start, a fatal worker error (`worker.run()` rejecting) — is logged as one structured line and
 * rethrown, so the process exits non-zero and its orchestrator restarts it (with backoff) rather than it idling, alive
 * but polling nothing.
 */
export async function exitOnWorkerFailure(logger: Logger, what: string, main: () => Promise<void>): Promise<void> {
  try {
    await main();
    logger.info(`${what} stopped`);
  } catch (error) {
    logger.fatal({ err: error }, `${what} failed: exiting so that it is restarted`);
    throw error;
  }
}
