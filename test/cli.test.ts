// The `forgebot` command as a user runs it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startTemporal, temporalCliPath } from './helpers/temporal.js';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../bin/forgebot.js', import.meta.url));

function forgebot(args: string[], env: Record<string, string> = {}, timeout = 30_000) {
  const base = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}) };
  return run(process.execPath, [bin, ...args], { env: { ...base, ...env }, timeout, maxBuffer: 16 * 1024 * 1024 });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('forgebot --help lists the commands', async () => {
  const { stdout } = await forgebot(['--help']);
  for (const command of ['server', 'worker', 'agent-worker', 'search-attributes', 'dev', 'eval', 'reviews']) assert.match(stdout, new RegExp(`^  ${command}\\b`, 'm'));
});

test('a bad configuration is refused at start-up with every problem listed, exit code 2', async () => {
  await assert.rejects(forgebot(['server'], { PORT: 'x', SANDBOX: 'docker', GITLAB_WEBHOOK_SECRET: 'hush-hush' }), (error: { code?: number; stderr?: string }) => {
    assert.equal(error.code, 2);
    assert.match(error.stderr ?? '', /PORT: /);
    assert.match(error.stderr ?? '', /SANDBOX: /);
    assert.doesNotMatch(error.stderr ?? '', /hush-hush/);
    return true;
  });
});

test('forgebot dev --once: demo mode shows a review arriving, with no credentials', async () => {
  const cli = temporalCliPath();
  const port = await freePort();
  const { stdout } = await forgebot(['dev', '--once'], { TEMPORAL_ADDRESS: `127.0.0.1:${port}`, PORT: '0', LOG_LEVEL: 'warn', ...(cli ? { TEMPORAL_CLI_PATH: cli } : {}) }, 120_000);
  assert.match(stdout, /forgebot posted a review on demo\/shop!1/);
  assert.match(stdout, /src\/admin\.ts:5 .*blocker.*eval\(\) runs arbitrary code/);
  assert.match(stdout, /src\/cart\.ts:9 .*Loose equality/);
  assert.match(stdout, new RegExp(`http://127\\.0\\.0\\.1:${port + 1000}/namespaces/default/workflows/review%3Agitlab%3A1%3A1`));
});

test('forgebot reviews: lists running reviews as JSON; an unknown workflow is one line on stderr and exit code 2', async () => {
  const env = await startTemporal();
  try {
    const vars = { TEMPORAL_ADDRESS: env.address, LOG_LEVEL: 'warn' };
    const { stdout } = await forgebot(['reviews', 'list', '--json'], vars);
    assert.deepEqual(JSON.parse(stdout), []);
    assert.match((await forgebot(['reviews', 'list'], vars)).stdout, /^no running review workflows$/m);
    await assert.rejects(forgebot(['reviews', 'status', 'review:gitlab:9:9'], vars), (error: { code?: number; stderr?: string }) => {
      assert.equal(error.code, 2);
      assert.match(error.stderr ?? '', /^forgebot reviews: no review workflow "review:gitlab:9:9" in namespace default$/m);
      return true;
    });
  } finally {
    await env.teardown();
  }
});

test('forgebot reviews --kind: an unregistered kind of workflow is one line on stderr and exit code 2, before connecting', async () => {
  await assert.rejects(forgebot(['reviews', 'list', '--kind', 'sentry-fix'], { TEMPORAL_ADDRESS: '127.0.0.1:1', LOG_LEVEL: 'warn' }), (error: { code?: number; stderr?: string }) => {
    assert.equal(error.code, 2);
    assert.match(error.stderr ?? '', /^forgebot reviews: unknown workflow kind "sentry-fix" \(known: review\)$/m);
    return true;
  });
  const { stdout } = await forgebot(['reviews', 'status', '--help']);
  assert.match(stdout, /--kind <kind>/);
});
