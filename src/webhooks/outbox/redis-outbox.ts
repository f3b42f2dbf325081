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
}

/**
 * The outbox in Redis: one list per deployment next to the claim keys (`<prefix>{outbox}:queue`, its dead letters
 * `…:dead`, the drain lease `…:lease`; one hash tag, so the scripts stay in one slot on Redis Cluster). Durable as
 * far as Redis is (AOF/replicas); shared by every server replica, drained by one at a time.
 */
export function createRedisOutboxStore(redis: Redis, options: RedisOutboxOptions): OutboxStore {
  const queue = `${options.prefix}{outbox}:queue`;
  const dead = `${options.prefix}{outbox}:dead`;
  const leaseKey = `${options.prefix}{outbox}:lease`;
  const holder = randomUUID();
  const leaseMs = options.leaseMs ?? 30_000;
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
      return (await bounded('lease', () => redis.eval(LEASE, 1, leaseKey, holder, String(leaseMs)))) === 1;
    },
    async unlease() {
      await bounded('unlease', () => redis.eval(UNLEASE, 1, leaseKey, holder));
    },
  };
}
