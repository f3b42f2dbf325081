import { DefaultLogger, Runtime, type LogLevel, type LogMetadata } from '@temporalio/worker';

export interface TemporalLogLine {
  level: LogLevel;
  message: string;
  meta?: LogMetadata;
}

/**
 * Installs the Temporal runtime (once per process) with its native (Rust core) logs forwarded and kept in memory, so a
 * test can wait for what the workers report — e.g. the heartbeats and polls that fail while the server is down.
 * TEST_LOG_LEVEL=debug prints them too.
 */
export function captureTemporalLog(): { lines: TemporalLogLine[] } {
  const lines: TemporalLogLine[] = [];
  const echo = process.env.TEST_LOG_LEVEL === 'debug' ? new DefaultLogger('DEBUG') : undefined;
  const logger = new DefaultLogger('WARN', (entry) => {
    lines.push({ level: entry.level, message: entry.message, ...(entry.meta ? { meta: entry.meta } : {}) });
    echo?.log(entry.level, entry.message, entry.meta);
  });
  Runtime.install({ logger, telemetryOptions: { logging: { filter: { core: 'WARN', other: 'WARN' }, forward: {} } } });
  return { lines };
}

/** A line saying a gRPC call to the server failed for want of a connection. */
export const lostServer = (line: TemporalLogLine) => /Unavailable|tcp connect error|transport error/i.test(`${line.message} ${JSON.stringify(line.meta ?? {})}`);
