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
