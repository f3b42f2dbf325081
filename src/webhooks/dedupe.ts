import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/** Sets every key, or none if any exists (atomic). Returns 1 when claimed. */
const CLAIM = `
for _, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then return 0 end
end
for _, key in ipairs(KEYS) do
  redis.call('SET', key, ARGV[1], 'EX', ARGV[2])
end
return 1`;

/** Deletes the keys this claim set (and no later claim's). */
const RELEASE = `
local released = 0
for _, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then released = released + redis.call('DEL', key) end
end
return released`;

export interface Claim {
  claimed: boolean;
  /** Forgets the claim, so that a redelivery is processed (used when the work could not be started). */
  release(): Promise<void>;
}

export interface Dedupe {
  /** Claims all `keys` for the TTL, atomically: `claimed` is false when any of them is already held. */
  claim(keys: readonly string[]): Promise<Claim>;
  /** Drops keys whatever claimed them (e.g. a closed change's last SHA, so that a reopen is reviewed again). */
  forget(keys: readonly string[]): Promise<void>;
}

/**
 * Fails at once when the client knows its connection is down (it is reconnecting, or closed) rather than let a
 * command wait in its offline queue: ingest then goes on without Redis instead of spending its time budget waiting.
 * `wait` (lazy, not connected yet) and the moments of a first connect pass: the command connects, within its bound.
 */
export function assertRedisConnected(redis: Redis): void {
  if (DISCONNECTED.has(redis.status)) throw new Error(`redis connection is ${redis.status}`);
}
const DISCONNECTED: ReadonlySet<string> = new Set(['reconnecting', 'close', 'end', 'disconnecting']);

/** The deployment's Redis key prefix (claims, and the Redis outbox next to them). */
export const DEFAULT_DEDUPE_PREFIX = 'forgebot:dedupe:';

/**
 * Remembers deliveries in Redis for `ttlSeconds`: the first claim of a set of keys wins, and a
 * claim that overlaps an earlier one (same delivery id, or same change + SHA) is a duplicate.
 */
export function createDedupe(redis: Redis, options: { ttlSeconds: number; prefix?: string }): Dedupe {
  const prefix = options.prefix ?? DEFAULT_DEDUPE_PREFIX;
  const full = (keys: readonly string[]) => keys.map((key) => prefix + key);
  return {
    async claim(keys) {
      assertRedisConnected(redis);
      const token = randomUUID();
      const fullKeys = full(keys);
      const result = await redis.eval(CLAIM, fullKeys.length, ...fullKeys, token, String(options.ttlSeconds));
      return {
        claimed: result === 1,
        async release() {
          if (result === 1) await redis.eval(RELEASE, fullKeys.length, ...fullKeys, token);
        },
      };
    },
    async forget(keys) {
      if (keys.length > 0) await redis.del(...full(keys));
    },
  };
}
