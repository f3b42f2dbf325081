import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { freePort, gitlabMergeRequest, shaOf, startRedisServer, waitFor } from './helpers/webhook-outbox.js';
import { deliver, TEST_SECRET } from './helpers/webhook-server.js';

const forgebot = fileURLToPath(new URL('../bin/forgebot.js', import.meta.url));

test('`forgebot server` with Temporal unreachable holds a delivery, and SIGTERM ends it cleanly (no gRPC retry outlives the Temporal connection)', { timeout: 90_000 }, async () => {
  const redisServer = await startRedisServer(await freePort());
  const redis = new Redis(redisServer.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  const child = spawn(process.execPath, [forgebot, 'server'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? tmpdir(),
      PORT: '0',
      LOG_LEVEL: 'info',
      TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
      REDIS_URL: redisServer.url,
      GITLAB_WEBHOOK_SECRET: TEST_SECRET,
      OUTBOX_DIR: await mkdtemp(join(tmpdir(), 'forgebot-outbox-')),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const url = await waitFor(() => /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(output)?.[1], 'the server listens', 30_000);
    const d = gitlabMergeRequest(1, shaOf(1, 1));
    const held = await deliver(url, d.headers, d.body);
    assert.deepEqual([held.status, held.json.status], [202, 'queued']);
    const ready = await fetch(`${url}/readyz`);
    assert.equal(ready.status, 200);
    assert.equal(((await ready.json()) as { status: string }).status, 'degraded');

    // The drainer keeps trying Temporal (each try a gRPC call that retries until its deadline): stop in the middle.
    child.kill('SIGTERM');
    const code = await exited;
    assert.doesNotMatch(output, /Channel has been shut down|uncaught|unhandled/i);
    assert.equal(code, 0, output.slice(-2_000));
    assert.equal(await redis.llen('forgebot:dedupe:{outbox}:queue'), 1, 'the held delivery is still held, for the next server to hand over');
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    redis.disconnect();
    await redisServer.stop();
  }
});
