import { pino, type Logger } from 'pino';

export type { Logger };

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

/** JSON lines for machines (the default); `pretty` for a person at a terminal (`make dev`). */
export function createLogger(level: string, format: 'json' | 'pretty' = 'json', name = 'forgebot'): Logger {
  return pino({
    name,
    level,
    redact: { paths: redactPaths, censor: '[redacted]' },
    ...(format === 'pretty' ? { transport: { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname', destination: 2 } } } : {}),
  });
}
