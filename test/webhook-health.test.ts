import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { createTemporalReviewStarter } from '../src/webhooks/temporal-review-starter.js';
import { lazyTemporalClient } from '../src/workers/temporal-connection.js';
import { reviewSettings } from '../src/workers/review-settings.js';
import { loadConfig } from '../src/config.js';
import { RecordingStarter } from './helpers/recording-starter.js';
import { connectRedis } from './helpers/redis.js';
import { startTestWebhookServer } from './helpers/webhook-server.js';

describe('health endpoints', () => {
  let redis: Redis;
  before(async () => {
    redis = await connectRedis();
  });
  after(() => redis?.disconnect());

  test('/healthz answers while the process is alive; /readyz when Redis and Temporal answer', async () => {
    const server = await startTestWebhookServer(redis, new RecordingStarter());
    try {
      assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
      const ready = await fetch(`${server.url}/readyz`);
      assert.equal(ready.status, 200);
      assert.deepEqual(await ready.json(), { status: 'ready', checks: { redis: 'ok', temporal: 'ok' } });
    } finally {
      await server.close();
    }
  });

  test('/readyz names Redis when Redis is unreachable', async () => {
    const deadRedis = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
    deadRedis.on('error', () => undefined);
    const server = await startTestWebhookServer(deadRedis, new RecordingStarter());
    try {
      const response = await fetch(`${server.url}/readyz`);
      assert.equal(response.status, 503);
      const body = (await response.json()) as { checks: { redis: string; temporal: string } };
      assert.match(body.checks.redis, /^down: /);
      assert.equal(body.checks.temporal, 'ok');
    } finally {
      await server.close();
      deadRedis.disconnect();
    }
  });

  test('/readyz names Temporal when the workflow service is unreachable', async () => {
    const starter = new RecordingStarter();
    starter.pingError = new Error('14 UNAVAILABLE: connection refused');
    const server = await startTestWebhookServer(redis, starter);
    try {
      const response = await fetch(`${server.url}/readyz`);
      assert.equal(response.status, 503);
      assert.deepEqual(await response.json(), {
        status: 'unavailable',
        checks: { redis: 'ok', temporal: 'down: 14 UNAVAILABLE: connection refused' },
      });
    } finally {
      await server.close();
    }
  });

  test('/readyz names Temporal when the real Temporal client cannot reach its server', async () => {
    const config = loadConfig({ TEMPORAL_ADDRESS: '127.0.0.1:1' });
    const client = lazyTemporalClient(config);
    const server = await startTestWebhookServer(redis, createTemporalReviewStarter(client, 'q', reviewSettings(config)));
    try {
      const response = await fetch(`${server.url}/readyz`);
      assert.equal(response.status, 503);
      const body = (await response.json()) as { checks: { redis: string; temporal: string } };
      assert.equal(body.checks.redis, 'ok');
      assert.match(body.checks.temporal, /^down: /);
    } finally {
      await server.close();
      await client.connection.close().catch(() => undefined);
    }
  });

  test('graceful shutdown finishes an in-flight request and then refuses new ones', async () => {
    const starter = new RecordingStarter();
    let releasePing: () => void = () => undefined;
    starter.ping = () => new Promise<void>((resolve) => (releasePing = resolve));
    const server = await startTestWebhookServer(redis, starter);
    const inFlight = fetch(`${server.url}/readyz`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closing = server.close();
    setTimeout(() => releasePing(), 100);
    const response = await inFlight;
    assert.equal(response.status, 200);
    await closing;
    await assert.rejects(fetch(`${server.url}/healthz`));
  });
});
