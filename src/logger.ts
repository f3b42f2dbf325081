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

export function createLogger(level: string, name = 'forgebot'): Logger {
  return pino({ name, level, redact: { paths: redactPaths, censor: '[redacted]' } });
}
