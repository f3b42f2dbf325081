// The local sandbox's network isolation: a private network namespace whose only way out is an egress proxy that
// allows the model API and the forge. Skips (saying why) on a machine without unprivileged user namespaces.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createLocalSandbox } from '../src/activities/sandbox/local.js';
import { detectNetworkIsolation, type NetworkIsolation, type SandboxNetwork } from '../src/activities/sandbox/isolation.js';
import { SandboxError } from '../src/activities/sandbox/sandbox.js';
import { frame } from '../src/agents/result-frame.js';
import { createLogger, type Logger } from '../src/logger.js';
import { jobOf, reviewTask } from './helpers/review-task.js';

const detected = await detectNetworkIsolation();
const skip = detected.kind === 'none' ? `skipped: this machine cannot isolate a runner's network (${detected.reason})` : false;
const logger = createLogger('silent');
const SHA = 'a'.repeat(40);

/** Observations a probe runner reports back through its error frame. */
interface Probe { direct: string; model: string; forge: string; other: string; env: string[] }

/** A runner that tries the network every way it can and reports what worked. */
function probeSource(targets: { bait: number; model: string; forgeRepo: string; other: string }): string {
  return `
    import { connect } from 'node:net';
    import { spawnSync } from 'node:child_process';
    const direct = await new Promise((done) => {
      const socket = connect(${targets.bait}, '127.0.0.1');
      socket.on('connect', () => { socket.destroy(); done('connected'); });
      socket.on('error', (error) => done(error.code));
    });
    const get = (url) => fetch(url, { signal: AbortSignal.timeout(5000) }).then((r) => String(r.status), () => 'failed');
    const model = await get(${JSON.stringify(`${targets.model}/v1/ping`)});
    const forge = await get(${JSON.stringify(`${targets.forgeRepo}/ping`)});
    const other = await get(${JSON.stringify(`${targets.other}/x`)});
    spawnSync('git', ['ls-remote', ${JSON.stringify(targets.forgeRepo)}], { env: process.env, timeout: 10000 });
    const probe = { direct, model, forge, other, env: Object.keys(process.env).sort() };
    process.stdout.write(${JSON.stringify(frame({ error: { code: 'PROBE', message: '' } }))}.replace('"message":""', '"message":' + JSON.stringify(JSON.stringify(probe))));
  `;
}

async function listen(server: Server | ReturnType<typeof createTcpServer>): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return (server.address() as AddressInfo).port;
}

describe('local sandbox network isolation', { skip }, () => {
  const seen = { bait: 0, model: [] as string[], forge: [] as string[], other: [] as string[] };
  const bait = createTcpServer((socket) => {
    seen.bait += 1;
    socket.destroy();
  });
  const http = (log: string[]) => createHttpServer((req, res) => {
    log.push(`${req.method} ${req.url}`);
    res.end('ok');
  });
  const servers = { model: http(seen.model), forge: http(seen.forge), other: http(seen.other) };
  let command: string[];
  let dir: string;
  let forgeRepo: string;
  let modelUrl: string;

  before(async () => {
    const [baitPort, modelPort, forgePort, otherPort] = await Promise.all([listen(bait), listen(servers.model), listen(servers.forge), listen(servers.other)]);
    forgeRepo = `http://127.0.0.1:${forgePort}/group/app.git`;
    dir = await mkdtemp(join(tmpdir(), 'forgebot-netns-'));
    const script = join(dir, 'probe.mjs');
    await writeFile(script, probeSource({ bait: baitPort ?? 0, model: `http://127.0.0.1:${modelPort}`, forgeRepo, other: `http://127.0.0.1:${otherPort}` }));
    command = [process.execPath, script];
    modelUrl = `http://127.0.0.1:${modelPort}`;
  });
  after(async () => {
    bait.close();
    for (const server of Object.values(servers)) server.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function probe(network: SandboxNetwork): Promise<Probe> {
    for (const list of [seen.model, seen.forge, seen.other]) list.length = 0;
    seen.bait = 0;
    const sandbox = createLocalSandbox({ logger, runnerCommand: command, network });
    const job = jobOf(`probe-${network}`, reviewTask(forgeRepo, SHA, SHA), 60_000);
    const secrets = { anthropicApiKey: 'sk-ant-test', anthropicBaseUrl: modelUrl };
    const error = await sandbox.run(job, secrets, { signal: new AbortController().signal }).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof SandboxError && error.runnerCode === 'PROBE', `the probe reported: ${String(error)}`);
    return JSON.parse(error.message.slice('PROBE: '.length)) as Probe;
  }

  test('isolated: no direct connection to any port; through the proxy only the model API and the forge (fetch and git)', async () => {
    const result = await probe('isolated');
    assert.match(result.direct, /^(ECONNREFUSED|ENETUNREACH)$/, 'a direct connection to a local port fails');
    assert.equal(seen.bait, 0);
    assert.equal(result.model, '200');
    assert.equal(result.forge, '200');
    assert.equal(result.other, 'failed', 'an endpoint that is neither the model API nor the forge is refused');
    assert.deepEqual(seen.other, []);
    assert.ok(seen.forge.includes('GET /group/app.git/info/refs?service=git-upload-pack'), `git reached the forge through the proxy: ${seen.forge.join(', ')}`);
    assert.deepEqual(result.env, ['ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL', 'FORGEBOT_TASK_FILE', 'HOME', 'HTTPS_PROXY', 'HTTP_PROXY', 'LANG', 'NODE_USE_ENV_PROXY', 'PATH', 'TMPDIR', 'http_proxy', 'https_proxy']);
  });

  test('host: the same runner connects to the local port directly (the probe can tell the difference)', async () => {
    const result = await probe('host');
    assert.equal(result.direct, 'connected');
    assert.equal(seen.bait, 1);
    assert.equal(result.other, '200');
  });
});

describe('choosing the isolation', () => {
  const none = async (): Promise<NetworkIsolation> => ({ kind: 'none', reason: 'user namespaces are disabled' });
  const job = jobOf('choose', reviewTask('file:///nonexistent', SHA, SHA), 10_000);

  function capture(): { logger: Logger; lines: { level: number; msg: string; reason?: string }[] } {
    const lines: { level: number; msg: string; reason?: string }[] = [];
    const stream = new Writable({ write(chunk: Buffer, _encoding, done) { lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string }); done(); } });
    return { logger: pino<never>({ level: 'info' }, stream), lines };
  }

  test('SANDBOX_NETWORK=isolated where the machine cannot: every run fails with the reason, and nothing runs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'forgebot-choose-'));
    try {
      const marker = join(dir, 'ran');
      const sandbox = createLocalSandbox({ logger, network: 'isolated', detectNetwork: none, runnerCommand: [process.execPath, '-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`] });
      for (let i = 0; i < 2; i += 1) {
        await assert.rejects(sandbox.run(job, {}, { signal: new AbortController().signal }), (error: unknown) => {
          assert.ok(error instanceof SandboxError && error.runnerCode === 'ERR_SANDBOX_NETWORK');
          assert.match(error.message, /SANDBOX_NETWORK=isolated.*user namespaces are disabled/);
          return true;
        });
      }
      await assert.rejects(import('node:fs/promises').then((fs) => fs.access(marker)), 'the runner never started');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('auto where the machine cannot: one clear warning at start, then runs on the host network', async () => {
    const { logger: log, lines } = capture();
    const sandbox = createLocalSandbox({ logger: log, network: 'auto', detectNetwork: none, runnerCommand: [process.execPath, '-e', `process.stdout.write(${JSON.stringify(frame({ error: { code: 'RAN', message: 'ok' } }))})`] });
    for (let i = 0; i < 2; i += 1) {
      await assert.rejects(sandbox.run({ ...job, name: `auto-${i}` }, {}, { signal: new AbortController().signal }), (error: unknown) => error instanceof SandboxError && error.runnerCode === 'RAN');
    }
    const warnings = lines.filter((line) => line.level === 40);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]?.msg ?? '', /network isolation is unavailable/);
    assert.equal(warnings[0]?.reason, 'user namespaces are disabled');
  });
});
