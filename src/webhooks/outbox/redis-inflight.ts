import type { Redis } from 'ioredis';
import { assertRedisConnected } from '../dedupe.js';
import { withTimeout } from '../with-timeout.js';
import type { OutboxEntry } from './outbox-store.js';
import { outboxKeys } from './redis-outbox.js';

/**
 * Takes an entry in flight (ZADD with the time, ms) unless entries wait in the queue: it is then appended behind them
 * (a subject's later delivery never overtakes its held one). ARGV[3] `in-flight`: in flight whatever waits (this
 * replica holds an entry of the subject: the new one goes behind that); `queue`: to the queue. 1: in flight, 0: queued.
 */
const TAKE_IN = `
if ARGV[3] == 'queue' or (ARGV[3] ~= 'in-flight' and redis.call('LLEN', KEYS[1]) > 0) then
  redis.call('RPUSH', KEYS[1], ARGV[1])
  return 0
end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
return 1`;

/** Appends to the queue, in order, each entry that is still in flight (one another call already moved is left). */
const REQUEUE = `
local moved = 0
for _, raw in ipairs(ARGV) do
  if redis.call('ZREM', KEYS[1], raw) == 1 then
    redis.call('RPUSH', KEYS[2], raw)
    moved = moved + 1
  end
end
return moved`;

/**
 * The entries that a server replica is handing over at once (`<prefix>{outbox}:inflight`, a sorted set of the stored
 * entries by the time they were taken in): written before the delivery is acknowledged, so that the acknowledgement
 * does not wait for Temporal and the delivery is still never lost. The replica forgets an entry once it is handed
 * over, or moves it to the queue when the workflow service fails; an entry of a replica that died is moved there by
 * the drainer after INFLIGHT_STALE_MS (redis-outbox.ts `reclaim`).
 */
export interface InflightStore {
  /**
   * In flight (`raw`: the stored entry), or appended to the queue because entries wait there. `to`: `in-flight`
   * whatever waits (this replica holds an earlier entry of the subject, and the new one must follow that one), or
   * `queue` (this replica takes no more).
   */
  takeIn(entry: OutboxEntry, to?: 'in-flight' | 'queue'): Promise<{ taken: 'in-flight' | 'queued'; raw: string }>;
  /** Handed over: forgotten. */
  done(raw: string): Promise<void>;
  /** Taken in for a delivery that turned out to be a duplicate: dropped, from the in-flight set or the queue. */
  drop(taken: { taken: 'in-flight' | 'queued'; raw: string }): Promise<void>;
  /** Not handed over: appended to the queue in this order (each one still in flight); how many were. */
  requeue(raws: readonly string[]): Promise<number>;
  /** How many have been in flight for longer than `ms`: held, as far as readiness and metrics tell. */
  late(ms: number): Promise<number>;
}

export function createRedisInflightStore(redis: Redis, options: { prefix: string; timeoutMs: number }): InflightStore {
  const { queue, inflight } = outboxKeys(options.prefix);
  const bounded = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    assertRedisConnected(redis);
    return withTimeout(work, options.timeoutMs, `redis outbox ${what}`);
  };
  return {
    async takeIn(entry, to) {
      const raw = JSON.stringify(entry);
      const taken = await bounded('take in', () => redis.eval(TAKE_IN, 2, queue, inflight, raw, String(Date.now()), to ?? 'auto'));
      return { taken: taken === 1 ? 'in-flight' : 'queued', raw };
    },
    async done(raw) {
      await bounded('done', () => redis.zrem(inflight, raw));
    },
    async drop({ taken, raw }) {
      await bounded('drop', () => (taken === 'in-flight' ? redis.zrem(inflight, raw) : redis.lrem(queue, 1, raw)));
    },
    async requeue(raws) {
      if (raws.length === 0) return 0;
      return Number(await bounded('requeue', () => redis.eval(REQUEUE, 2, inflight, queue, ...raws)));
    },
    late: (ms) => bounded('late', () => redis.zcount(inflight, '-inf', String(Date.now() - ms))),
  };
}
