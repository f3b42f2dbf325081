import { pino, stdSerializers, type Logger } from 'pino';

export type { Logger };

/**
 * An error whose message says all a person needs — what failed, where, what to check (Temporal unreachable, say). It is
 * logged as its type and message: its stack and its cause's (a gRPC library's timers) would only bury that line.
 */
export class ExplainedError extends Error {}

/** pino's own error serializer (which passes anything not error-like through as it is), but for an ExplainedError. */
function serializeError(error: Error): unknown {
  return error instanceof ExplainedError ? { type: error.name, message: error.message } : stdSerializers.err(error);
}

/** Paths whose values are replaced before any log line is written. */
const redactPaths = [
  'token',
  'secret',
  'apiKey',
  'authorization',
  '*.token',
  '*.secret',
  '*.apiKey',
  '*.authorization',
  'headers["x-gitlab-token"]',
  'headers.authorization',
];

export type LogFormat = 'json' | 'pretty';

/**
 * The log format of a process: LOG_FORMAT when it is set; otherwise `pretty` when stdout is a terminal (a person is
 * reading: `forgebot dev --once` by hand) and JSON lines when it is not (a container, a pipe, a log collector).
 */
export function chooseLogFormat(setting: string | undefined, configured: LogFormat, stdoutIsTerminal: boolean): LogFormat {
  if (setting !== undefined && setting !== '') return configured;
  return stdoutIsTerminal ? 'pretty' : 'json';
}

/** JSON lines for machines (the default); `pretty` for a person at a terminal (`make dev`). */
export function createLogger(level: string, format: LogFormat = 'json', name = 'forgebot'): Logger {
  return pino({
    name,
    level,
    redact: { paths: redactPaths, censor: '[redacted]' },
    serializers: { err: serializeError },
    ...(format === 'pretty' ? { transport: { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname', destination: 2 } } } : {}),
  });
}
