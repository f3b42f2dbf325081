// The `forgebot` command as a user runs it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { checkPhase, ReviewsUsageError, workflowPhases } from '../src/cli/commands/reviews.js';
import { MINIMUM_NODE_MAJOR, nodeVersionProblem } from '../src/cli/require-node.js';
import { packageVersion } from '../src/cli/version.js';
import { chooseLogFormat } from '../src/logger.js';
import { CONNECT_DEADLINE_MS, connectTemporalClient, connectTemporalWorker, TemporalUnreachableError } from '../src/workers/temporal-connection.js';
import { bareEnv, closedPort, repoRoot } from './helpers/forgebot-command.js';
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

test('forgebot dev --once: demo mode shows a review arriving and a Sentry issue becoming a proven draft fix MR, with no credentials', async () => {
  const cli = temporalCliPath();
  const port = await freePort();
  const { stdout } = await forgebot(['dev', '--once'], { TEMPORAL_ADDRESS: `127.0.0.1:${port}`, PORT: '0', LOG_LEVEL: 'warn', ...(cli ? { TEMPORAL_CLI_PATH: cli } : {}) }, 180_000);
  assert.match(stdout, /forgebot posted a review on demo\/shop!1/);
  assert.match(stdout, /src\/admin\.ts:5 .*blocker.*eval\(\) runs arbitrary code/);
  assert.match(stdout, /src\/cart\.ts:9 .*Loose equality/);
  assert.match(stdout, new RegExp(`http://127\\.0\\.0\\.1:${port + 1000}/namespaces/default/workflows/review%3Agitlab%3A1%3A1`));
  // The scripted model is shown as what it is: no real model's name, no dollar amount.
  assert.match(stdout, /^Model: the scripted demo reviewer \(a fake Anthropic API on this machine\) · \d+ turns · no cost$/m);
  assert.doesNotMatch(stdout, /claude-|\$\d|cost budget was not enforced/);

  // The Sentry demo: its progress, then where the fix MR appeared, its proof, the Sentry comment, how to approve it.
  assert.match(stdout, /^ {2}sentry-fix ▸ check frame-in-repository: passed \(src\/badge\.js, src\/header\.js at main\)$/m);
  assert.match(stdout, /^ {2}sentry-fix ▸ analysis: fixable, confidence 0\.9 /m);
  assert.match(stdout, /^ {2}sentry-fix ▸ check test-proof: passed \(the test failed before the fix and passed after \(test\/badge-new-session\.test\.js\)\)$/m);
  assert.match(stdout, /━━━ forgebot opened a fix MR for Sentry issue SHOP-1 ━━━/);
  const mr = /^Fix MR: (http:\/\/127\.0\.0\.1:\d+\/demo\/shop\/-\/merge_requests\/2) \(draft\)$/m.exec(stdout)?.[1];
  assert.ok(mr, stdout);
  assert.match(stdout, /^ {2}title: {2}Draft: Fix TypeError: Cannot read properties of undefined \(reading 'reduce'\)$/m);
  assert.match(stdout, /^ {2}branch: forgebot\/sentry-SHOP-1 · Fixes SENTRY-SHOP-1$/m);
  assert.match(stdout, /^ {2}proof: {2}proven: Without the fix \(only test\/badge-new-session\.test\.js applied\), `test` exited with code 1 .*; with the whole patch it passes/m);
  assert.ok(stdout.includes(`forgebot's comment there: forgebot opened a draft fix: [demo/shop!2](${mr})`), 'the Sentry comment links the MR');
  const workflowId = /^Approve it \(while forgebot dev runs\): \.\/forgebot approve (sentry-fix:demo:\d+)$/m.exec(stdout)?.[1];
  assert.ok(workflowId, 'how to approve it');
  assert.ok(stdout.includes(`http://127.0.0.1:${port + 1000}/namespaces/default/workflows/${encodeURIComponent(workflowId)}`));
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
  await assert.rejects(forgebot(['reviews', 'list', '--kind', 'deploy'], { TEMPORAL_ADDRESS: '127.0.0.1:1', LOG_LEVEL: 'warn' }), (error: { code?: number; stderr?: string }) => {
    assert.equal(error.code, 2);
    assert.match(error.stderr ?? '', /^forgebot reviews: unknown workflow kind "deploy" \(known: review, sentry-fix, ticket\)$/m);
    return true;
  });
  const { stdout } = await forgebot(['reviews', 'status', '--help']);
  assert.match(stdout, /--kind <kind>/);
});

test('a Node.js older than forgebot needs is refused in one line that gives the fix', () => {
  assert.equal(nodeVersionProblem('24.0.0'), undefined);
  assert.equal(nodeVersionProblem(process.versions.node), undefined, 'the Node.js the tests run on is enough');
  const problem = nodeVersionProblem('20.20.2', '/usr/bin/node') ?? '';
  assert.match(problem, /^Node\.js 20\.20\.2 \(\/usr\/bin\/node\) is too old: forgebot needs Node\.js 24 or newer\. Run `make setup` once .*then `\.\/forgebot …`/);
  assert.doesNotMatch(problem, /\n/);
  assert.ok(nodeVersionProblem('22.19.0'));
});

test("the project's Node.js is one number everywhere: engines, .nvmrc, setup.sh, the images", () => {
  const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');
  const packageJson = JSON.parse(read('package.json')) as { engines: { node: string } };
  assert.equal(packageJson.engines.node, `>=${MINIMUM_NODE_MAJOR}`);
  assert.equal(read('.nvmrc').trim(), String(MINIMUM_NODE_MAJOR));
  assert.match(read('scripts/setup.sh'), new RegExp(`^NODE_MAJOR=${MINIMUM_NODE_MAJOR}$`, 'm'));
  for (const dockerfile of ['deploy/docker/service.Dockerfile', 'deploy/docker/runner.Dockerfile']) assert.match(read(dockerfile), new RegExp(`^ARG NODE_IMAGE=node:${MINIMUM_NODE_MAJOR}\\.`, 'm'));
  assert.match(read('README.md'), new RegExp(`Node\\.js ≥ 20 is enough on\\s+the host because setup installs forgebot's own Node\\.js, ${MINIMUM_NODE_MAJOR}`));
});

test('--version reads package.json next to dist/ in an image as well as in a checkout', () => {
  const dir = mkdtempSync(join(tmpdir(), 'forgebot-version-'));
  try {
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'forgebot', version: '9.8.7' }));
    mkdirSync(join(dir, 'dist', 'src', 'cli'), { recursive: true });
    writeFileSync(join(dir, 'dist', 'package.json'), JSON.stringify({ name: 'something-else', version: '0.0.0' }));
    assert.equal(packageVersion(pathToFileURL(join(dir, 'dist', 'src', 'cli') + '/')), '9.8.7');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(packageVersion(), (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version);
});

test('--phase takes only the phases a review reports', () => {
  assert.deepEqual(workflowPhases.review, ['waiting', 'debouncing', 'reviewing', 'publishing', 'failed', 'closed']);
  for (const phase of workflowPhases.review ?? []) assert.doesNotThrow(() => checkPhase('review', phase));
  assert.throws(() => checkPhase('review', 'Reviewing'), (error: unknown) => error instanceof ReviewsUsageError && /unknown review phase "Reviewing" \(known: waiting, /.test(error.message));
});

test('log format: LOG_FORMAT when set, else pretty on a terminal and JSON lines elsewhere', () => {
  assert.equal(chooseLogFormat(undefined, 'json', true), 'pretty');
  assert.equal(chooseLogFormat(undefined, 'json', false), 'json');
  assert.equal(chooseLogFormat('json', 'json', true), 'json');
  assert.equal(chooseLogFormat('pretty', 'pretty', false), 'pretty');
});

const scriptMissing = spawnSync('script', ['--version'], { encoding: 'utf8' }).status !== 0;
test('on a terminal a command logs pretty lines unless LOG_FORMAT says otherwise', { skip: scriptMissing ? 'needs script(1) from util-linux to give the command a terminal' : false }, async () => {
  const port = await closedPort();
  // script(1) runs the command on a pseudo-terminal: stdout is a TTY, as in a person's shell.
  const onTerminal = (env: Record<string, string>) =>
    new Promise<{ status: number | null; output: string }>((resolve) => {
      execFile('script', ['-qec', './forgebot worker', '/dev/null'], { cwd: repoRoot, env: bareEnv({ TEMPORAL_ADDRESS: `127.0.0.1:${port}`, ...env }), timeout: 60_000 }, (error, stdout) => {
        resolve({ status: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, output: stdout });
      });
    });
  const pretty = await onTerminal({});
  assert.equal(pretty.status, 2);
  assert.match(pretty.output, /FATAL.*worker failed: exiting so that it is restarted/);
  assert.doesNotMatch(pretty.output, /"level":60/);
  const json = await onTerminal({ LOG_FORMAT: 'json' });
  assert.equal(json.status, 2);
  assert.match(json.output, /"level":60,.*"msg":"worker failed: exiting so that it is restarted"/);
});

test('a Temporal that is down: TemporalUnreachableError within the connect deadline, naming where and what to check', async () => {
  const port = await closedPort();
  const config = { TEMPORAL_ADDRESS: `127.0.0.1:${port}`, TEMPORAL_NAMESPACE: 'ns1', TEMPORAL_TLS: false, TEMPORAL_API_KEY: 'tc-key-must-not-show-0123456789' };
  for (const connect of [() => connectTemporalClient(config), () => connectTemporalWorker(config)]) {
    const started = performance.now();
    await assert.rejects(connect(), (error: unknown) => {
      assert.ok(error instanceof TemporalUnreachableError);
      assert.match(error.message, new RegExp(`^cannot reach Temporal \\(TEMPORAL_ADDRESS=127\\.0\\.0\\.1:${port}, namespace ns1, TLS, API key set\\) within 3 s: connection refused`));
      assert.doesNotMatch(error.message, /tc-key-must-not-show|\n/);
      return true;
    });
    // A deadline is what is under test here: the connection gives up at it (plus the one-second probe), not later.
    assert.ok(performance.now() - started < CONNECT_DEADLINE_MS + 5_000, 'gave up at the deadline');
  }
});

test('a port that accepts connections but never answers as Temporal: the deadline, and what to check', async () => {
  const sockets = new Set<Socket>();
  const silent = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const { port } = silent.address() as { port: number };
  try {
    const config = { TEMPORAL_ADDRESS: `127.0.0.1:${port}`, TEMPORAL_NAMESPACE: 'default', TEMPORAL_TLS: false };
    await assert.rejects(connectTemporalClient(config, 1_000), (error: unknown) => {
      assert.ok(error instanceof TemporalUnreachableError);
      assert.match(error.message, /within 1 s: it accepts connections but did not answer as a Temporal frontend\. Check the port, and TEMPORAL_TLS \/ TEMPORAL_API_KEY/);
      return true;
    });
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  }
});

test("the tests' Temporal CLI wrapper drops the dev server's banner (stdout) and keeps its errors and exit code", { skip: temporalCliPath() ? false : 'no Temporal CLI (run make setup)' }, () => {
  const wrapper = join(repoRoot, 'scripts', 'temporal-quiet.sh');
  const version = spawnSync(wrapper, ['--version'], { encoding: 'utf8', env: { ...process.env, TEMPORAL_CLI_PATH: temporalCliPath() ?? '' } });
  assert.deepEqual([version.status, version.stdout], [0, '']);
  const bad = spawnSync(wrapper, ['server', 'start-dev', '--no-such-flag'], { encoding: 'utf8', env: { ...process.env, TEMPORAL_CLI_PATH: temporalCliPath() ?? '' } });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /no-such-flag/);
});
