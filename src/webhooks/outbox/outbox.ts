import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../../logger.js';
import { openFileOutboxStore, type FileOutboxStore } from './file-outbox.js';
import type { Handover } from './handover.js';
import type { OutboxEntry, OutboxStore, OutboxStoreName } from './outbox-store.js';
import { createRedisOutboxStore } from './redis-outbox.js';

/** What became of a held entry when the drainer took it: handed over, dropped (no workflow to signal), or set aside. */
export type DrainOutcome = 'delivered' | 'not-running' | 'dead-letter';

export type OutboxEvent = { type: 'held'; store: OutboxStoreName } | { type: 'drained'; store: OutboxStoreName; outcome: DrainOutcome };

/**
 * Where accepted deliveries wait while Temporal cannot be reached: the Redis outbox (shared by the replicas), or the
 * file outbox of this process when Redis cannot take them either. The drainer (drainer.ts) empties both, Redis first.
 */
export interface Outbox {
  readonly redis: OutboxStore;
  readonly file: FileOutboxStore;
  /**
   * Whether held entries wait: a new handover must then queue behind them (one drainer hands them over in order,
   * so each subject's signals keep their order). `redisUp: false` when this delivery could not reach Redis.
   */
  waiting(redisUp: boolean): Promise<boolean>;
  /** Holds a handover durably: behind the file's entries if it has any, else in Redis, else in the file. Throws when neither can. */
  hold(handover: Handover, redisUp: boolean): Promise<OutboxStoreName>;
  /** Entries waiting in each store (`redis` undefined when Redis does not answer). */
  queued(): Promise<{ redis: number | undefined; file: number }>;
  /** Subscribes to held and drained entries (metrics). */
  observe(observer: (event: OutboxEvent) => void): void;
  report(event: OutboxEvent): void;
}

export interface OutboxOptions {
  redis: Redis;
  /** The deployment's Redis key prefix (the dedupe prefix). */
  prefix: string;
  /** The file outbox's directory (OUTBOX_DIR). */
  dir: string;
  redisTimeoutMs: number;
  logger: Logger;
}

export function createOutbox(options: OutboxOptions): Outbox {
  const redis = createRedisOutboxStore(options.redis, { prefix: options.prefix, timeoutMs: options.redisTimeoutMs });
  const file = openFileOutboxStore(options.dir, options.logger);
  const observers: ((event: OutboxEvent) => void)[] = [];
  const report = (event: OutboxEvent) => {
    for (const observer of observers) observer(event);
  };
  return {
    redis,
    file,
    async waiting(redisUp) {
      if (file.pending() > 0) return true;
      if (!redisUp) return false;
      // Unknown (Redis just went away): hold, which is never out of order.
      return (await redis.size().catch(() => 1)) > 0;
    },
    async hold(handover, redisUp) {
      const entry: OutboxEntry = { ...handover, id: randomUUID(), queuedAt: new Date().toISOString() };
      if (redisUp && file.pending() === 0) {
        try {
          await redis.append(entry);
          report({ type: 'held', store: 'redis' });
          return 'redis';
        } catch (error) {
          options.logger.warn({ err: error, entry: entry.id }, 'redis outbox unavailable; holding the delivery in the file outbox');
        }
      }
      await file.append(entry);
      report({ type: 'held', store: 'file' });
      return 'file';
    },
    async queued() {
      return { redis: await redis.size().catch(() => undefined), file: file.pending() };
    },
    observe(observer) {
      observers.push(observer);
    },
    report,
  };
}
