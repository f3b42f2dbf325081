import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { startWebhookServer } from '../src/webhooks/server.js';
import { createTemporalWorkflowStarter } from '../src/webhooks/temporal-workflow-starter.js';
import { lazyTemporalClient } from '../src/workers/temporal-connection.js';
import { loadConfig } from '../src/config.js';
import { RecordingStarter } from './helpers/recording-starter.js';
import { connectRedis } from './helpers/redis.js';
import { gitlabMergeRequest, shaOf } from './helpers/webhook-outbox.js';
import { deliver, startTestWebhookServer, TEST_SECRET } from './helpers/webhook-server.js';

describe('health endpoints', () => {
  let redis: Redis;
  before(async () => {
    redis = await connectRedis();
  });
  after(() => redis?.disconnect());

  test('/healthz answers while the process is alive; /readyz is ready when Redis and Temporal answer and nothing is held', async () => {
    const server = await startTestWebhookServer(redis, new RecordingStarter());
    try {
      assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
      const ready = await fetch(`${server.url}/readyz`);
      assert.equal(ready.status, 200);
      assert.deepEqual(await ready.json(), { status: 'ready', checks: { redis: 'ok', temporal: 'ok', outbox: 'ok' }, queued: 0 });
    } finally {
      await server.close();
    }
  });

  test('/readyz is degraded (200: deliveries are still accepted) and names Redis when Redis is unreachable', async () => {
    const deadRedis = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
    deadRedis.on('error', () => undefined);
    const server = await startTestWebhookServer(deadRedis, new RecordingStarter());
    try {
      const response = await fetch(`${server.url}/readyz`);
      assert.equal(response.status, 200);
      const body = (await response.json()) as { status: string; checks: { redis: string; temporal: string } };
      assert.equal(body.status, 'degraded');
      assert.match(body.checks.redis, /^down: /);
      assert.equal(body.checks.temporal, 'ok');
    } finally {
      await server.close();
      deadRedis.disconnect();
    }
  });

  test('/readyz is degraded and names Temporal when the workflow service is unreachable', async () => {
    const starter = new RecordingStarter();
    starter.pingError = new Error('14 UNAVAILABLE: connection refused');
    const server = await startTestWebhookServer(redis, starter);
    try {
      const response = await fetch(`${server.url}/readyz`);
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), {
        status: 'degraded',
        checks: { redis: 'ok', temporal: 'down: 14 UNAVAILABLE: connection refused', outbox: 'ok' },
        queued: 0,
      });
    } finally {
      await server.close();
    }
  });

  test('/readyz names Temporal when the real Temporal client cannot reach its server; a delivery is held', async () => {
    const config = loadConfig({ TEMPORAL_ADDRESS: '127.0.0.1:1' });
    const client = lazyTemporalClient(config);
    const server = await startTestWebhookServer(redis, createTemporalWorkflowStarter(client, { taskQueues: { main: 'q' }, callTimeoutMs: 1_000 }));
    try {
      const held = await deliver(server.url, { 'Content-Type': 'application/json', 'X-Gitlab-Token': TEST_SECRET, 'X-Gitlab-Event': 'Merge Request Hook' }, gitlabMergeRequest(1, shaOf(1, 1)).body);
      assert.equal(held.status, 202);
      assert.equal(held.json.status, 'queued');
      const response = await fetch(`${server.url}/readyz`);
      assert.equal(response.status, 200);
      const body = (await response.json()) as { status: string; checks: { redis: string; temporal: string }; queued: number };
      assert.equal(body.status, 'degraded');
      assert.equal(body.checks.redis, 'ok');
      assert.match(body.checks.temporal, /^down: /);
      assert.equal(body.queued, 1);
    } finally {
      // The server waits for its Temporal calls (and their gRPC retries) to end: closing the connection then is safe.
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

describe('webhook server', () => {
  let redis: Redis;
  before(async () => {
    redis = await connectRedis();
  });
  after(() => redis?.disconnect());

  test('/readyz gives each probe a deadline', async () => {
    const starter = new RecordingStarter();
    starter.ping = () => new Promise<void>(() => undefined);
    const server = await startTestWebhookServer(redis, starter);
    try {
      const response = await fetch(`${server.url}/readyz`);
      assert.equal(response.status, 200);
      const body = (await response.json()) as { checks: { redis: string; temporal: string } };
      assert.equal(body.checks.redis, 'ok');
      assert.match(body.checks.temporal, /^down: .*no answer within/);
    } finally {
      // Shutdown waits for the workflow-service calls still running, within the grace period: this ping never ends.
      await server.close(200);
    }
  });

  test('GET /metrics counts deliveries by forge and status and times them, in the Prometheus text format', async () => {
    const server = await startTestWebhookServer(redis, new RecordingStarter());
    try {
      const send = (path: string, token: string) => fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-gitlab-token': token, 'x-gitlab-event': 'Push Hook' }, body: '{"object_kind":"push"}' });
      assert.equal((await send('/webhook/gitlab', 'wrong')).status, 401);
      assert.equal((await send('/webhook/gitlab', 'wrong')).status, 401);
      assert.equal((await send('/webhook/gitlab', TEST_SECRET)).status, 202);
      assert.equal((await send('/webhook/github', 'n/a')).status, 401);
      const response = await fetch(`${server.url}/metrics`);
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      const text = await response.text();
      assert.match(text, /^forgebot_webhook_deliveries_total\{forge="gitlab",status="401"\} 2$/m);
      assert.match(text, /^forgebot_webhook_deliveries_total\{forge="gitlab",status="202"\} 1$/m);
      assert.match(text, /^forgebot_webhook_deliveries_total\{forge="github",status="401"\} 1$/m);
      assert.match(text, /^forgebot_webhook_duration_seconds_count\{forge="gitlab"\} 3$/m);
      assert.match(text, /^forgebot_server_process_resident_memory_bytes \d+/m);
      assert.match(text, /^forgebot_webhook_outbox_queued\{store="file"\} 0$/m);
      assert.match(text, /^forgebot_webhook_outbox_queued\{store="redis"\} 0$/m);
      assert.match(text, /^forgebot_webhook_outbox_held_total\{store="redis"\} 0$/m);
      assert.match(text, /^forgebot_webhook_outbox_drained_total\{store="file",outcome="delivered"\} 0$/m);
    } finally {
      await server.close();
    }
  });

  test('unknown routes answer 404 JSON; an unexpected error is logged and answers 500 with a request id', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
        done();
      },
    });
    const logger = pino({ level: 'info' }, sink);
    logger.child = () => {
      throw new Error('logger broke');
    };
    const config = loadConfig({ PORT: '0', GITLAB_WEBHOOK_SECRET: TEST_SECRET, OUTBOX_DIR: await mkdtemp(join(tmpdir(), 'forgebot-outbox-')) });
    const server = await startWebhookServer({ config, redis, starter: new RecordingStarter(), logger, dedupePrefix: `forgebot-test:${randomUUID()}:` });
    try {
      const missing = await fetch(`${server.url}/nope`);
      assert.equal(missing.status, 404);
      assert.match(String(((await missing.json()) as { error: string }).error), /GET \/nope/);
      const failed = await fetch(`${server.url}/webhook/gitlab`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Gitlab-Token': TEST_SECRET },
        body: '{"object_kind":"push"}',
      });
      assert.equal(failed.status, 500);
      const body = (await failed.json()) as { error: string; requestId: string };
      assert.match(body.requestId, /^[0-9a-f-]{36}$/);
      const logged = lines.find((line) => line.msg === 'request failed');
      assert.equal(logged?.requestId, body.requestId);
      assert.ok(!JSON.stringify(lines).includes(TEST_SECRET), 'the secret is never logged');
    } finally {
      await server.close();
    }
  });

  test('graceful shutdown waits a bounded time for a request that never finishes', async () => {
    const starter = new RecordingStarter();
    starter.ping = () => new Promise<void>(() => undefined);
    const server = await startTestWebhookServer(redis, starter);
    const stuck = fetch(`${server.url}/webhook/gitlab`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Gitlab-Token': TEST_SECRET, 'Content-Length': '100' },
      body: new ReadableStream({ start: (controller) => controller.enqueue(new TextEncoder().encode('{')) }),
      duplex: 'half',
    });
    stuck.catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await server.close(200);
    await assert.rejects(stuck);
  });
});
