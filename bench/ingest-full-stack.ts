// Ingest at a fixed arrival rate with the full stack: `forgebot server` as its own process, compiled (`npm run build`
// into a temporary directory: what a deployment runs; `--source` runs it through tsx as a checkout does), the real
// Temporal dev server behind its starter, real Redis. Deliveries are GitHub's documented `pull_request.opened` example,
// each a new pull request, signed (HMAC over the raw body); they are sent open-loop (on a schedule, whatever the answers
// do), so a slow answer cannot slow the load down and hide itself. Prints the rate reached, p50/p90/p99/max of the time
// to the acknowledgement, the server's own view (share answered within 25 ms, GC time, longest event-loop delay), the
// sender's own event-loop delay (a delayed sender inflates what it measures), where the machine's CPU went (server,
// sender, the rest: Temporal and Redis), the answers by status, and whether every accepted delivery became a
// workflow. No worker polls: the bench measures ingest, not reviews (on 2 cores a worker would take CPU from the
// server it measures).
// The Temporal dev server gets one core (GOMAXPROCS=1) unless `--temporal-all-cores`: on a two-core machine it
// otherwise takes both from the server it measures, which a deployment never shares with it (Temporal has nodes of
// its own); the CPU row shows what each took.
//   ./scripts/with-tools.sh node --import tsx bench/ingest-full-stack.ts [rate=300] [seconds=10] [--source] [--temporal-all-cores]
import { execFile, spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { randomUUID } from 'node:crypto';
import { copyFile, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { sign } from '@octokit/webhooks-methods';
import { Redis } from 'ioredis';
import { registerSearchAttributes } from '../src/workers/register-search-attributes.js';
import { startTemporal } from '../test/helpers/temporal.js';

const args = process.argv.slice(2);
const numbers = args.filter((arg) => /^\d+(\.\d+)?$/.test(arg)).map(Number);
const RATE = numbers[0] ?? 300;
const SECONDS = numbers[1] ?? 10;
const WARM_UP = Math.min(300, RATE);
const SECRET = 'bench-secret';
/** A database of its own (cleaned at the end): the server's keys use the deployment's default prefix. */
const REDIS_URL = `${(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379').replace(/\/\d*$/, '')}/13`;
const root = fileURLToPath(new URL('../', import.meta.url));
const FROM_SOURCE = args.includes('--source');
const TEMPORAL_ALL_CORES = args.includes('--temporal-all-cores');
/** Node.js flags for the server that NODE_OPTIONS refuses (e.g. SERVER_NODE_ARGS='--trace-gc-nvp'), space-separated. */
const SERVER_NODE_ARGS = (process.env.SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);

type Example = { name: string; examples: Record<string, unknown>[] };
const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as Example[];
const opened = examples.find((group) => group.name === 'pull_request')!.examples.find((example) => example.action === 'opened')!;
/** One repository per bench run: its pull requests (workflow ids) are new. */
const repository = `bench-${Date.now().toString(36)}`;

interface Delivery { headers: Record<string, string>; body: string }
async function delivery(number: number): Promise<Delivery> {
  const json = structuredClone(opened) as { number: number; repository: { full_name: string; name: string }; pull_request: { number: number; draft: boolean; head: { sha: string } } };
  json.number = json.pull_request.number = number;
  json.pull_request.draft = false;
  json.pull_request.head.sha = number.toString(16).padStart(40, '0');
  json.repository.name = repository;
  json.repository.full_name = `bench/${repository}`;
  const body = JSON.stringify(json);
  return { headers: { 'content-type': 'application/json', 'x-github-event': 'pull_request', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': await sign(SECRET, body) }, body };
}

/**
 * The server's entry point: `npm run build` into `dir` (with the checkout's node_modules beside it), as an image holds
 * it; or, with `--source`, bin/forgebot.js, which runs the sources through tsx.
 */
async function serverEntry(dir: string): Promise<string> {
  if (FROM_SOURCE) return join(root, 'bin', 'forgebot.js');
  await promisify(execFile)('npm', ['run', '--silent', 'build', '--', '--outDir', join(dir, 'dist')], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
  await copyFile(join(root, 'package.json'), join(dir, 'package.json'));
  await symlink(join(root, 'node_modules'), join(dir, 'node_modules'));
  return join(dir, 'dist', 'src', 'cli', 'main.js');
}

/** `forgebot server` (`entry`) with `env`; resolves once it listens. Killed when it does not. */
async function startServerProcess(entry: string, env: Record<string, string>) {
  const child = spawn(process.execPath, [...SERVER_NODE_ARGS, entry, 'server'], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  /** The output's last lines, for an error message; it is scanned for the listening line only until that comes. */
  let output = '';
  let listening: ((url: string) => void) | undefined;
  const read = (chunk: string) => {
    output = output.length > 40_000 ? output.slice(-20_000) + chunk : output + chunk;
    if (!listening) return;
    const found = /"url":"(http:[^"]+)"[^\n]*"msg":"webhook server listening"/.exec(output);
    if (found) listening(found[1]!);
  };
  child.stdout.setEncoding('utf8').on('data', read);
  child.stderr.setEncoding('utf8').on('data', read);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  let timer: NodeJS.Timeout | undefined;
  try {
    const url = await new Promise<string>((resolve, reject) => {
      listening = resolve;
      timer = setTimeout(() => reject(new Error(`forgebot server did not listen:\n${output}`)), 30_000);
      void exited.then(() => reject(new Error(`forgebot server exited:\n${output}`)));
    });
    return { url, pid: child.pid!, output: () => output, stop };
  } catch (error) {
    await stop();
    throw error;
  } finally {
    listening = undefined;
    clearTimeout(timer);
  }
}

/** The machine's CPU seconds so far (all cores): busy and in all, from /proc/stat (Linux; USER_HZ 100). */
async function machineCpu(): Promise<{ busy: number; all: number }> {
  const fields = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const all = fields.reduce((sum, value) => sum + value, 0);
  return { busy: (all - (fields[3] ?? 0) - (fields[4] ?? 0)) / 100, all: all / 100 };
}

/** The CPU seconds process `pid` has spent so far (user and system); 0 once it is gone. */
async function processCpu(pid: number | undefined): Promise<number> {
  if (pid === undefined) return 0;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) / 100;
}

/** The pid of the process whose command line holds every one of `parts`, if there is one. */
async function pidWith(...parts: string[]): Promise<number | undefined> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const command = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (parts.every((part) => command.includes(part))) return Number(entry);
  }
  return undefined;
}

/** CPU seconds so far: the machine's, the server's, the Temporal dev server's, Redis's (when local) and this sender's. */
async function cpuNow(pids: { server: number; temporal: number | undefined; redis: number | undefined }) {
  const sender = process.cpuUsage();
  const [machine, server, temporal, redis] = await Promise.all([machineCpu(), processCpu(pids.server), processCpu(pids.temporal), processCpu(pids.redis)]);
  return { machine, server, temporal, redis, sender: (sender.user + sender.system) / 1e6 };
}

/** The value at or below which a share `p` (0–1) of the sorted `values` lie. */
const percentile = (sorted: readonly number[], p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;

interface Sent { at: number; ms: number; status: number; answer: string }

/** Sends `deliveries` open-loop at `rate` per second; resolves once every answer is in. */
async function send(url: string, deliveries: Delivery[], rate: number, agent: Agent): Promise<{ sent: Sent[]; seconds: number; lateMs: number }> {
  const sent: Sent[] = [];
  const started = performance.now();
  let lateMs = 0;
  const one = (item: Delivery) =>
    new Promise<void>((resolve, reject) => {
      const at = performance.now();
      const req = request(`${url}/webhook/github`, { method: 'POST', headers: item.headers, agent, timeout: 30_000 }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          const ms = performance.now() - at;
          const answer = (JSON.parse(text) as { status?: string; error?: string }).status ?? '';
          sent.push({ at, ms, status: res.statusCode ?? 0, answer });
          resolve();
        });
      });
      req.on('timeout', () => req.destroy(new Error('no answer within 30 s')));
      req.on('error', reject);
      req.end(item.body);
    });
  const inFlight: Promise<void>[] = [];
  for (let index = 0; index < deliveries.length; index += 1) {
    const due = started + (index * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    lateMs = Math.max(lateMs, performance.now() - due);
    inFlight.push(one(deliveries[index]!));
  }
  await Promise.all(inFlight);
  return { sent, seconds: (performance.now() - started) / 1000, lateMs };
}

/**
 * From the server's own /metrics: answers so far and those within 25 ms (`forgebot_webhook_duration_seconds`,
 * GitHub), seconds spent in garbage collection, and the largest event-loop delay seen.
 */
async function serverSide(url: string): Promise<{ count: number; within25: number; gcSeconds: number; gcByKind: Map<string, { count: number; seconds: number }>; lagMaxMs: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const sample = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? 0);
  const gc = [...text.matchAll(/^forgebot_server_nodejs_gc_duration_seconds_sum\{[^}]*\} ([\d.e+-]+)/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
  const gcByKind = new Map<string, { count: number; seconds: number }>();
  for (const [, part, kind, value] of text.matchAll(/^forgebot_server_nodejs_gc_duration_seconds_(sum|count)\{kind="(\w+)"\} ([\d.e+-]+)/gm)) {
    const entry = gcByKind.get(kind!) ?? { count: 0, seconds: 0 };
    if (part === 'sum') entry.seconds = Number(value);
    else entry.count = Number(value);
    gcByKind.set(kind!, entry);
  }
  return {
    count: sample(/^forgebot_webhook_duration_seconds_count\{forge="github"\} (\d+)/m),
    within25: sample(/^forgebot_webhook_duration_seconds_bucket\{le="0\.025",forge="github"\} (\d+)/m),
    gcSeconds: gc,
    gcByKind,
    lagMaxMs: sample(/^forgebot_server_nodejs_eventloop_lag_max_seconds ([\d.e+-]+)/m) * 1000,
  };
}

// The dev server is a child of this process and inherits its environment (the Go runtime reads GOMAXPROCS).
if (!TEMPORAL_ALL_CORES) process.env.GOMAXPROCS = '1';
const temporal = await startTemporal();
delete process.env.GOMAXPROCS;
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
const outboxDir = await mkdtemp(join(tmpdir(), 'forgebot-bench-outbox-'));
const buildDir = await mkdtemp(join(tmpdir(), 'forgebot-bench-build-'));
const taskQueue = `bench-ingest-${randomUUID()}`;
const agent = new Agent({ keepAlive: true, maxSockets: 256 });
let server: Awaited<ReturnType<typeof startServerProcess>> | undefined;
try {
  await registerSearchAttributes(temporal.client.connection, 'default');
  server = await startServerProcess(await serverEntry(buildDir), {
    PORT: '0',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    REDIS_URL,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    GITHUB_WEBHOOK_SECRET: SECRET,
    OUTBOX_DIR: outboxDir,
    // e.g. SERVER_NODE_OPTIONS='--cpu-prof --cpu-prof-dir=/tmp/prof': a CPU profile of the server.
    ...(process.env.SERVER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.SERVER_NODE_OPTIONS } : {}),
  });
  const total = Math.round(RATE * SECONDS);
  const all = await Promise.all(Array.from({ length: WARM_UP + total }, (_, index) => delivery(index + 1)));
  await send(server.url, all.slice(0, WARM_UP), Math.min(RATE, 100), agent);
  const before = await serverSide(server.url);
  const temporalPid = await pidWith('start-dev', `--port\0${temporal.address.split(':').at(-1)}\0`);
  const pids = { server: server.pid, temporal: temporalPid, redis: await pidWith('redis-server') };
  const cpuBefore = await cpuNow(pids);
  const senderDelay = monitorEventLoopDelay({ resolution: 1 });
  senderDelay.enable();
  const { sent, seconds, lateMs } = await send(server.url, all.slice(WARM_UP), RATE, agent);
  senderDelay.disable();
  const cpuAfter = await cpuNow(pids);
  const after = await serverSide(server.url);
  const answeredAt = performance.now();

  const ms = sent.map((entry) => entry.ms).sort((a, b) => a - b);
  const answers = new Map<string, number>();
  for (const entry of sent) answers.set(`${entry.status} ${entry.answer}`, (answers.get(`${entry.status} ${entry.answer}`) ?? 0) + 1);
  const accepted = sent.filter((entry) => entry.status === 202).length + WARM_UP;
  // Every accepted delivery is a workflow, now or once the outbox has handed it over.
  const deadline = Date.now() + 180_000;
  let workflows = 0;
  for (;;) {
    workflows = (await temporal.client.workflow.count(`TaskQueue="${taskQueue}"`)).count;
    if (workflows >= accepted || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const row = (name: string, value: string | number) => process.stdout.write(`${name.padEnd(34)} ${value}\n`);
  row('deliveries (signed, new PR each)', `${total} at ${RATE}/s scheduled (+${WARM_UP} warm-up)`);
  row('rate reached', `${(total / seconds).toFixed(0)}/s (sender at most ${lateMs.toFixed(1)} ms late)`);
  row('ack p50', `${percentile(ms, 0.5).toFixed(2)} ms`);
  row('ack p90', `${percentile(ms, 0.9).toFixed(2)} ms`);
  row('ack p99', `${percentile(ms, 0.99).toFixed(2)} ms`);
  row('ack max', `${ms.at(-1)!.toFixed(2)} ms`);
  const served = after.count - before.count;
  row('server: answered within 25 ms', `${(((after.within25 - before.within25) / served) * 100).toFixed(2)} % of ${served} (its own histogram)`);
  row('server: GC, longest loop delay', `${((after.gcSeconds - before.gcSeconds) * 1000).toFixed(0)} ms in GC during the run; event loop delayed up to ${after.lagMaxMs.toFixed(0)} ms`);
  const kinds = [...after.gcByKind].map(([kind, { count, seconds }]) => {
    const earlier = before.gcByKind.get(kind) ?? { count: 0, seconds: 0 };
    const runs = count - earlier.count;
    return runs === 0 ? undefined : `${kind} ${runs}× (${(((seconds - earlier.seconds) / runs) * 1000).toFixed(1)} ms each)`;
  });
  row('server: GC by kind', kinds.filter(Boolean).join(', ') || 'none');
  row('sender: event-loop delay', `p99 ${(senderDelay.percentile(99) / 1e6).toFixed(1)} ms, max ${(senderDelay.max / 1e6).toFixed(1)} ms (its own lateness, added to what it measures)`);
  const wall = cpuAfter.machine.all - cpuBefore.machine.all;
  const share = (name: 'server' | 'temporal' | 'redis' | 'sender') => cpuAfter[name] - cpuBefore[name];
  const percent = (cpu: number) => `${((cpu / wall) * 100).toFixed(0)} %`;
  const busy = cpuAfter.machine.busy - cpuBefore.machine.busy;
  const rest = busy - share('server') - share('temporal') - share('redis') - share('sender');
  const redisShare = pids.redis === undefined ? 'not local' : percent(share('redis'));
  row('machine CPU (all cores)', `${percent(busy)} busy: server ${percent(share('server'))}, Temporal ${percent(share('temporal'))}, Redis ${redisShare}, sender ${percent(share('sender'))}, other processes ${percent(rest)}`);
  row('server, Temporal', `${FROM_SOURCE ? 'from source (tsx)' : 'compiled (npm run build)'}, ${((share('server') / total) * 1000).toFixed(2)} ms of CPU per delivery; Temporal ${TEMPORAL_ALL_CORES ? 'on every core' : 'on one core (GOMAXPROCS=1)'}`);
  row('answers', [...answers].map(([answer, count]) => `${answer}: ${count}`).join(', '));
  row('workflows started', `${workflows} of ${accepted} accepted, the last ${((performance.now() - answeredAt) / 1000).toFixed(1)} s after the last answer`);
  if (workflows < accepted) process.exitCode = 1;
} finally {
  await server?.stop();
  agent.destroy();
  // The bench's keys only: its own database, the deployment's default prefix.
  for (let cursor = '0'; ;) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', 'forgebot:dedupe:*', 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
    if (cursor === '0') break;
  }
  redis.disconnect();
  await rm(outboxDir, { recursive: true, force: true });
  await rm(buildDir, { recursive: true, force: true });
  await temporal.teardown();
}
