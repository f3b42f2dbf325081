import { Runtime, type LogLevel, type LogMetadata, type MetricsExporterConfig } from '@temporalio/worker';
import type { Logger } from '../logger.js';

const levels: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error',
};

/** Expected on the agent worker, which runs activities only: not worth a warning. */
const expected = /^No (workflows|Nexus services) registered/;

/**
 * Sends the Temporal SDK's logs (worker state, workflow and activity logs) through our pino logger, one level
 * quieter than our own (SDK info → debug), so that forgebot's own lines stand out. Once per process. `metrics`: the
 * SDK's own metrics exporter (src/workers/metrics/temporal-sdk-metrics.ts), which only Runtime.install can set.
 */
export function installTemporalLogging(logger: Logger, metrics?: MetricsExporterConfig): void {
  const temporal = logger.child({ component: 'temporal' });
  const log = (level: LogLevel, message: string, meta?: LogMetadata) => {
    const quieter = level === 'INFO' || expected.test(message) ? 'debug' : levels[level];
    temporal[quieter](meta ?? {}, message);
  };
  Runtime.install({
    logger: {
      log,
      trace: (message, meta) => log('TRACE', message, meta),
      debug: (message, meta) => log('DEBUG', message, meta),
      info: (message, meta) => log('INFO', message, meta),
      warn: (message, meta) => log('WARN', message, meta),
      error: (message, meta) => log('ERROR', message, meta),
    },
    ...(metrics ? { telemetryOptions: { metrics } } : {}),
  });
}
