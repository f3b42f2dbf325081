import { Redis } from 'ioredis';

export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A connected Redis client, or a clear failure: tests that need Redis never skip. */
export async function connectRedis(): Promise<Redis> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 3_000, retryStrategy: () => null });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new Error(`these tests need Redis at ${redisUrl} (run \`make setup\` or start redis-server): ${String(error)}`);
  }
  return redis;
}
