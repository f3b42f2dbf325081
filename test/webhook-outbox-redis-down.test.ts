import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, gitlabMergeRequest, OutageStarter, shaOf, startRedisServer, waitFor } from './helpers/webhook-outbox.js';
import { deliver, startTestWebhookServer } from './helpers/webhook-server.js';

type Readiness = { status: string; checks: Record<string, string>; queued: number };

async function readiness(url: string): Promise<{ code: number; body: Readiness }> {
  const response = await fetch(`${url}/readyz`);
  return { code: response.status, body: (await response.json()) as Readiness };
}

/** A Redis client as `forgebot server` builds it (src/cli/commands/server.ts), errors logged nowhere. */
function serverRedis(url: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 2, connectTimeout: 5_000, lazyConnect: true });
  redis.on('error', () => undefined);
  return redis;
}

const clients: Redis[] = [];
after(() => {
  for (const client of clients) client.disconnect();
});

describe('webhook outbox: Redis unreachable', () => {
  test('Redis down: deliveries are accepted and handed over without a claim (a doubled one twice: the workflow ignores the repeat); readiness degraded, then ready again', async () => {
    const port = await freePort();
    let redisServer = await startRedisServer(port);
    const redis = serverRedis(redisServer.url);
    clients.push(redis);
    const starter = new OutageStarter();
    const server = await startTestWebhookServer(redis, starter, { OUTBOX_DRAIN_INTERVAL_MS: '50' });
    try {
      const before = gitlabMergeRequest(1, shaOf(1, 0));
      assert.equal((await deliver(server.url, before.headers, before.body)).json.status, 'accepted');
      await redisServer.stop();

      const responses = [];
      for (let change = 2; change <= 6; change++) {
        const d = gitlabMergeRequest(change, shaOf(change, 1));
        responses.push(await deliver(server.url, d.headers, d.body));
      }
      const doubled = gitlabMergeRequest(7, shaOf(7, 1));
      responses.push(await deliver(server.url, doubled.headers, doubled.body));
      responses.push(await deliver(server.url, { ...doubled.headers, 'X-Gitlab-Event-UUID': 'another-delivery' }, doubled.body));
      assert.deepEqual(
        responses.map((r) => `${r.status} ${String(r.json.status)}`),
        Array.from({ length: 7 }, () => '202 accepted'),
      );
      assert.deepEqual(
        starter.started.map((request) => `${request.ref.number}@${request.headSha}`),
        [1, 2, 3, 4, 5, 6, 7, 7].map((change) => `${change}@${shaOf(change, change === 1 ? 0 : 1)}`),
        'every delivery is handed over; signal-with-start on one workflow id, whose workflow ignores a SHA it has',
      );
      const degraded = await readiness(server.url);
      assert.equal(degraded.code, 200);
      assert.equal(degraded.body.status, 'degraded');
      assert.match(degraded.body.checks.redis ?? '', /^down: /);
      assert.equal(degraded.body.checks.temporal, 'ok');

      redisServer = await startRedisServer(port);
      await waitFor(async () => (await readiness(server.url)).body.status === 'ready', 'readiness is back once Redis is');
      const again = gitlabMergeRequest(8, shaOf(8, 1));
      assert.equal((await deliver(server.url, again.headers, again.body)).json.status, 'accepted');
      assert.equal((await deliver(server.url, { ...again.headers, 'X-Gitlab-Event-UUID': 'a-redelivery' }, again.body)).json.status, 'duplicate', 'claims again');
    } finally {
      await server.close();
      await redisServer.stop();
    }
  });

  test('Redis and Temporal both down: deliveries go to the file outbox (fsync\'d), survive a restart, and are handed over in order when Temporal is back', async () => {
    const redis = serverRedis(`redis://127.0.0.1:${await freePort()}`);
    clients.push(redis);
    const dir = await mkdtemp(join(tmpdir(), 'forgebot-outbox-'));
    const env = { OUTBOX_DIR: dir, OUTBOX_DRAIN_INTERVAL_MS: '50' };
    const starter = new OutageStarter();
    starter.down();
    let server = await startTestWebhookServer(redis, starter, env);
    try {
      for (let revision = 0; revision < 3; revision++) {
        await Promise.all(
          Array.from({ length: 10 }, async (_, index) => {
            const d = gitlabMergeRequest(index + 1, shaOf(index + 1, revision));
            const response = await deliver(server.url, d.headers, d.body);
            assert.deepEqual([response.status, response.json.status], [202, 'queued']);
          }),
        );
      }
      const close = gitlabMergeRequest(99, shaOf(99, 0), 'close');
      assert.equal((await deliver(server.url, close.headers, close.body)).json.status, 'queued');
      const lines = (await readFile(join(dir, 'outbox.jsonl'), 'utf8')).trim().split('\n');
      assert.equal(lines.length, 31, 'one JSON line per held delivery');
      const degraded = await readiness(server.url);
      assert.equal(degraded.code, 200);
      assert.equal(degraded.body.status, 'degraded');
      assert.match(degraded.body.checks.redis ?? '', /^down: /);
      assert.match(degraded.body.checks.temporal ?? '', /^down: /);
      assert.equal(degraded.body.checks.outbox, 'ok');
      assert.equal(degraded.body.queued, 31);

      await server.close();
      const back = new OutageStarter();
      server = await startTestWebhookServer(redis, back, env);
      await waitFor(async () => (await readiness(server.url)).body.queued === 0, 'the restarted server drains the file outbox');
      for (let change = 1; change <= 10; change++) {
        assert.deepEqual(
          back.started.filter((request) => request.ref.number === change).map((request) => request.headSha),
          [0, 1, 2].map((revision) => shaOf(change, revision)),
          `change ${change}: every revision once, in order`,
        );
      }
      assert.equal(back.started.length, 30);
      assert.equal(back.closed.length, 0, 'the close of a change with no running workflow is dropped');
      assert.equal((await stat(join(dir, 'outbox.jsonl'))).size, 0, 'a drained file outbox starts again empty');
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      assert.match(metrics, /^forgebot_webhook_outbox_drained_total\{store="file",outcome="delivered"\} 30$/m);
      assert.match(metrics, /^forgebot_webhook_outbox_drained_total\{store="file",outcome="not-running"\} 1$/m);
    } finally {
      await server.close();
    }
  });

  test('nowhere to hold a delivery (Temporal, Redis and the outbox directory all unusable): 503, so that the forge redelivers; readiness 503', async () => {
    const redis = serverRedis(`redis://127.0.0.1:${await freePort()}`);
    clients.push(redis);
    const notADir = join(await mkdtemp(join(tmpdir(), 'forgebot-outbox-')), 'a-file');
    await writeFile(notADir, '');
    const starter = new OutageStarter();
    starter.down();
    const server = await startTestWebhookServer(redis, starter, { OUTBOX_DIR: join(notADir, 'outbox') });
    try {
      const d = gitlabMergeRequest(1, shaOf(1, 1));
      const refused = await deliver(server.url, d.headers, d.body);
      assert.equal(refused.status, 503);
      assert.match(String(refused.json.error), /redeliver/);
      const unavailable = await readiness(server.url);
      assert.equal(unavailable.code, 503);
      assert.equal(unavailable.body.status, 'unavailable');
      assert.match(unavailable.body.checks.outbox ?? '', /^down: .*ENOTDIR/);

      starter.recover();
      assert.equal((await deliver(server.url, d.headers, d.body)).json.status, 'accepted', 'the redelivery is handed over');
      assert.equal((await readiness(server.url)).code, 200);
    } finally {
      await server.close();
    }
  });
});
