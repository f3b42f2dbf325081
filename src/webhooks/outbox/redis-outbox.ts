import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { assertRedisConnected } from '../dedupe.js';
import { withTimeout } from '../with-timeout.js';
import { readEntry, type OutboxStore } from './outbox-store.js';

/** Removes the head of the queue if it is still the entry the drainer read. */
const SHIFT = `
if redis.call('LINDEX', KEYS[1], 0) == ARGV[1] then redis.call('LPOP', KEYS[1]) return 1 end
return 0`;

/** Moves the head of the queue (if it is still that entry) to the dead letters, keeping the last `ARGV[2]` of them. */
const BURY = `
if redis.call('LINDEX', KEYS[1], 0) == ARGV[1] then
  redis.call('LPOP', KEYS[1])
  redis.call('RPUSH', KEYS[2], ARGV[1])
  redis.call('LTRIM', KEYS[2], -tonumber(ARGV[2]), -1)
  return 1
end
return 0`;

/** Takes the drain lease when it is free, or renews it when this holder has it. */
const LEASE = `
local holder = redis.call('GET', KEYS[1])
if holder == false or holder == ARGV[1] then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0`;

/** Moves entries in flight since before ARGV[1] (ms) to the queue, at most ARGV[2] of them, oldest first. */
const RECLAIM = `
local stale = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, raw in ipairs(stale) do
  redis.call('ZREM', KEYS[1], raw)
  redis.call('RPUSH', KEYS[2], raw)
end
return #stale`;

const UNLEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export const DEAD_LETTERS_KEPT = 1_000;

export interface RedisOutboxOptions {
  /** The deployment's key prefix (the dedupe prefix): the queue is `<prefix>{outbox}:queue`. */
  prefix: string;
  /** Bound on every Redis call. */
  timeoutMs: number;
  /** How long a drain lease lasts without renewal (a replica that dies mid-drain hands over after this). */
  leaseMs?: number;
  /**
   * After how long an entry still in flight (redis-inflight.ts) is taken to be abandoned — its replica died before it
   * handed it over — and moved to the queue. Far longer than a live replica keeps one: its backlog is bounded and
   * every call has a deadline.
   */
  inflightStaleMs?: number;
}

export const INFLIGHT_STALE_MS = 120_000;

/** The outbox's keys under a deployment's prefix (one hash tag: every script stays in one Redis Cluster slot). */
export function outboxKeys(prefix: string) {
  return { queue: `${prefix}{outbox}:queue`, dead: `${prefix}{outbox}:dead`, lease: `${prefix}{outbox}:lease`, inflight: `${prefix}{outbox}:inflight` };
}

/**
 * The outbox in Redis: one list per deployment next to the claim keys (`<prefix>{outbox}:queue`, its dead letters
 * `…:dead`, the drain lease `…:lease`, the entries being handed over at once `…:inflight`; one hash tag, so the
 * scripts stay in one slot on Redis Cluster). Durable as far as Redis is (AOF/replicas); shared by every server
 * replica, drained by one at a time.
 */
export function createRedisOutboxStore(redis: Redis, options: RedisOutboxOptions): OutboxStore {
  const { queue, dead, lease: leaseKey, inflight } = outboxKeys(options.prefix);
  const staleMs = options.inflightStaleMs ?? INFLIGHT_STALE_MS;
  const holder = randomUUID();
  const leaseMs = options.leaseMs ?? 30_000;
  let renewAfter = 0;
  const bounded = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    assertRedisConnected(redis);
    return withTimeout(work, options.timeoutMs, `redis outbox ${what}`);
  };
  return {
    name: 'redis',
    async append(entry) {
      await bounded('append', () => redis.rpush(queue, JSON.stringify(entry)));
    },
    size: () => bounded('size', () => redis.llen(queue)),
    async head(max) {
      const raws = await bounded('read', () => redis.lrange(queue, 0, max - 1));
      return raws.map(readEntry);
    },
    async shift(held) {
      await bounded('shift', () => redis.eval(SHIFT, 1, queue, held.raw));
    },
    async bury(held) {
      await bounded('bury', () => redis.eval(BURY, 2, queue, dead, held.raw, String(DEAD_LETTERS_KEPT)));
    },
    async lease() {
      // Renewed at most every third of its length (the drainer asks after every entry): one Redis call saved per
      // entry, and the lease still has two thirds of its time left at each renewal.
      if (Date.now() < renewAfter) return true;
      const leased = (await bounded('lease', () => redis.eval(LEASE, 1, leaseKey, holder, String(leaseMs)))) === 1;
      renewAfter = leased ? Date.now() + leaseMs / 3 : 0;
      return leased;
    },
    async reclaim() {
      return Number(await bounded('reclaim', () => redis.eval(RECLAIM, 2, inflight, queue, String(Date.now() - staleMs), '100')));
    },
    async unlease() {
      renewAfter = 0;
      await bounded('unlease', () => redis.eval(UNLEASE, 1, leaseKey, holder));
    },
  };
}
