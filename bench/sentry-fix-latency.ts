// Sentry webhook → draft fix change, the orchestration overhead: the whole stack in one process as the Sentry e2e
// tests build it (test/helpers/sentry-world.ts) — real Temporal and Redis, the fake Sentry, the fake GitLab (or
// GitHub) on the buggy cart project, the local sandbox running the real runner twice (the analyst, then the fixer
// with the declared `node --test` run by the agent and twice more by the fix proof) — and a model that answers at
// once. Each run is a new Sentry issue, resolved once its draft is open. Prints p50/max of the total and of
// each stage, from timestamps only: Temporal history event times, HTTP requests the fakes answered, the runner's log.
//   ./scripts/with-tools.sh node --import tsx bench/sentry-fix-latency.ts [runs] [--github] [--runner=PATH/runner-main.js]
// BENCH_VERBOSE=1 lists every HTTP request of a run (ms after the webhook, +ms to answer).
import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createLocalSandbox } from '../src/activities/sandbox/local.js';
import { eventually } from '../test/helpers/forgebot-stack.js';
import { scriptAttempt } from '../test/helpers/sentry-e2e-cases.js';
import { githubFixForge, gitlabFixForge } from '../test/helpers/sentry-fix-forges.js';
import { startSentryWorld } from '../test/helpers/sentry-world.js';
import { historyMarks, percentile, type Mark } from './review-latency-marks.js';

const args = process.argv.slice(2);
const RUNS = Number(args.find((arg) => /^\d+$/.test(arg)) ?? 5);
const GITHUB = args.includes('--github');
const runner = args.find((arg) => arg.startsWith('--runner='))?.slice('--runner='.length);
const runnerCommand = runner ? [process.execPath, runner] : undefined;

/** Every request a local HTTP server of this process received, and when its answer was sent. */
interface Seen { port: number; method: string; path: string; start: number; end?: number }
const seen: Seen[] = [];
const open = new WeakMap<IncomingMessage, Seen>();
subscribe('http.server.request.start', (message) => {
  const { request, server } = message as { request: IncomingMessage; server: Server };
  const entry: Seen = { port: (server.address() as AddressInfo | null)?.port ?? 0, method: request.method ?? '', path: request.url ?? '', start: Date.now() };
  seen.push(entry);
  open.set(request, entry);
});
subscribe('http.server.response.finish', (message) => {
  const entry = open.get((message as { request: IncomingMessage }).request);
  if (entry) entry.end = Date.now();
});

/** The local sandbox's log (debug: with each line the runner wrote), parsed. */
const sandboxLines: Array<{ time: number; msg: string; runner?: string }> = [];
const sandboxLog = pino({ level: 'debug' }, new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) sandboxLines.push(JSON.parse(line) as (typeof sandboxLines)[number]);
    done();
  },
}));

const world = await startSentryWorld(GITHUB ? await githubFixForge() : await gitlabFixForge(), {
  stackOptions: { sandbox: () => createLocalSandbox({ logger: sandboxLog, ...(runnerCommand ? { runnerCommand } : {}) }) },
});
const port = (url: string) => Number(new URL(url).port);
const ports = { model: port(world.model.url), forge: port(world.forge.vars.GITLAB_URL ?? world.forge.vars.GITHUB_API_URL ?? '') };
const opensChange = GITHUB ? /^\/repos\/[^/]+\/[^/]+\/pulls$/ : /^\/api\/v4\/projects\/\d+\/merge_requests$/;

/** The `nth` (1-based) mark of that name. */
function nth(marks: Mark[], name: string, n = 1): number | undefined {
  return marks.filter((mark) => mark.name === name)[n - 1]?.at;
}

/** One run: a new issue, its signed webhook, and the timestamps of what happened until its draft change opened. */
async function once(): Promise<Array<{ name: string; at: number }>> {
  const issue = world.addIssue('cart');
  scriptAttempt(world);
  const firstSeen = seen.length;
  const firstLine = sandboxLines.length;
  const sent = Date.now();
  const response = await world.send(issue, 'created');
  const ack = Date.now();
  if (response.status !== 202) throw new Error(`the webhook answered ${response.status}: ${JSON.stringify(response.json)}`);
  const opened = await eventually(() => seen.slice(firstSeen).find((entry) => entry.port === ports.forge && entry.method === 'POST' && opensChange.test(entry.path.split('?')[0] ?? '') && entry.end !== undefined), 'the draft change', 120_000);
  // Activities' started events are written with their completion: read the history once the draft is open.
  const history = await eventually(async () => {
    const marks = await historyMarks(world.handle(issue), sent);
    return nth(marks, 'publishWork completed') !== undefined ? marks : undefined;
  }, 'publishWork completed in the history');
  // Ended as Sentry would end it (resolved): its draft closed and its branch deleted before the next run starts.
  await world.resolve(issue);
  await world.result(issue);

  // The analyst makes 3 model calls, the fixer 5 (the scripts of sentry-e2e-cases.ts).
  const modelCalls = seen.slice(firstSeen).filter((entry) => entry.port === ports.model);
  const lines = sandboxLines.slice(firstLine);
  const spawned = lines.filter((line) => line.msg === 'runner started').map((line) => line.time);
  const runnerLines = lines.flatMap((line) => (line.runner ? [JSON.parse(line.runner) as { time: number; msg: string }] : []));
  const marks = [
    { name: 'sent', at: sent },
    { name: 'webhook 202', at: ack },
    { name: 'workflow started', at: nth(history, 'workflow started') },
    { name: 'gates passed (analysis scheduled)', at: nth(history, 'runAgent scheduled', 1) },
    { name: 'analyst runner spawned', at: spawned[0] },
    { name: "analyst's first model call", at: modelCalls[0]?.start },
    { name: 'analysis job done', at: nth(history, 'runAgent completed', 1) },
    { name: 'fix job scheduled', at: nth(history, 'runAgent scheduled', 2) },
    { name: 'fixer runner spawned', at: spawned[1] },
    { name: "fixer's first model call", at: modelCalls[3]?.start },
    // The tool loop runs `node --test` twice (the scripted fixer); its last model call ends it.
    { name: 'fixer tool loop done', at: modelCalls[7]?.end },
    { name: 'fix proof done (2 clean test runs)', at: runnerLines.find((line) => line.msg === 'fix verified')?.time },
    { name: 'fix job done', at: nth(history, 'runAgent completed', 2) },
    { name: 'publishWork scheduled', at: nth(history, 'publishWork scheduled') },
    { name: 'draft change opened', at: opened.end },
  ];
  if (process.env.BENCH_VERBOSE) {
    for (const entry of seen.slice(firstSeen)) if (entry.start <= opened.start) console.log(`  ${entry.start - sent} +${(entry.end ?? entry.start) - entry.start} ${entry.method} ${entry.path}`);
  }
  return marks.filter((mark): mark is { name: string; at: number } => mark.at !== undefined).sort((a, b) => a.at - b.at);
}

try {
  await once(); // warm-up: the first runner, git and Temporal task queues are cold
  const runs: Array<Array<{ name: string; at: number }>> = [];
  for (let run = 1; run <= RUNS; run++) runs.push(await once());
  const stages = new Map<string, number[]>();
  const totals: number[] = [];
  for (const marks of runs) {
    for (let index = 1; index < marks.length; index++) {
      const mark = marks[index]!;
      stages.set(mark.name, [...(stages.get(mark.name) ?? []), mark.at - marks[index - 1]!.at]);
    }
    totals.push(marks.at(-1)!.at - marks[0]!.at);
  }
  console.log(`sentry fix latency on ${GITHUB ? 'GitHub' : 'GitLab'}, ${RUNS} runs (runner: ${runner ?? 'default'}), ms from the previous mark:`);
  console.log(`${'stage (ends at)'.padEnd(36)} ${'p50'.padStart(6)} ${'max'.padStart(6)}  runs`);
  for (const [name, values] of stages) console.log(`${name.padEnd(36)} ${String(percentile(values, 50)).padStart(6)} ${String(Math.max(...values)).padStart(6)}  ${values.length}`);
  console.log(`${'TOTAL webhook → draft change'.padEnd(36)} ${String(percentile(totals, 50)).padStart(6)} ${String(Math.max(...totals)).padStart(6)}  ${totals.length}`);
  if (world.model.errors.length > 0) console.log('model errors:', world.model.errors);
} finally {
  await world.stop();
}
