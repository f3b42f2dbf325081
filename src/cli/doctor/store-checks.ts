import { Redis } from 'ioredis';
import pg from 'pg';
import type { Config } from '../../config.js';
import { fail, ok, skip, type Check } from './check.js';
import { whereOf } from './secrets.js';

/** Redis (REDIS_URL) answers PING: the webhook server dedupes deliveries and holds its outbox there. */
export function redisCheck(config: Pick<Config, 'REDIS_URL'>, timeoutMs: number): Check {
  const where = whereOf(config.REDIS_URL);
  return {
    name: 'Redis',
    hint: `start Redis at ${where}, or set REDIS_URL (the webhook server dedupes deliveries there)`,
    async run() {
      const redis = new Redis(config.REDIS_URL, { lazyConnect: true, connectTimeout: timeoutMs, commandTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null });
      // A failed connection emits its reason as 'error', and connect() rejects only with "Connection is closed".
      let reason: unknown;
      redis.on('error', (error: unknown) => (reason = error));
      try {
        await redis.connect().catch((error: unknown) => {
          throw new Error(`no answer at ${where}`, { cause: reason ?? error });
        });
        const pong = await redis.ping();
        return pong === 'PONG' ? ok(`PONG from ${where}`) : fail(`${where} answered ${JSON.stringify(pong).slice(0, 40)} to PING`, this.hint);
      } finally {
        redis.disconnect();
      }
    },
  };
}

/** PostgreSQL (DATABASE_URL) takes a connection and answers `select 1`; skipped when forgebot is not configured for it. */
export function postgresCheck(config: Pick<Config, 'DATABASE_URL' | 'CLAIM_STORE' | 'AUDIT_STORE'>, timeoutMs: number): Check {
  return {
    name: 'PostgreSQL',
    hint: 'check DATABASE_URL (host, port, user, password, database) and that the server accepts connections from here',
    async run() {
      if (!config.DATABASE_URL) return skip(`not configured (DATABASE_URL unset: claims in ${config.CLAIM_STORE === 'postgres' ? 'postgres' : 'files'}, audit trail ${config.AUDIT_STORE ?? 'pglite'})`);
      const where = whereOf(config.DATABASE_URL);
      const client = new pg.Client({ connectionString: config.DATABASE_URL, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
      // An error after connecting (the server going away) is also thrown by the query below.
      client.on('error', () => undefined);
      try {
        await client.connect();
        const { rows } = await client.query<{ one: number }>('select 1 as one');
        return rows[0]?.one === 1 ? ok(`select 1 on ${where}`) : fail(`select 1 on ${where} answered no row`, this.hint);
      } finally {
        await client.end().catch(() => undefined); // never connected: nothing to end
      }
    },
  };
}
