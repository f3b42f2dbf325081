// Webhook → posted review, on a small merge request, with the whole stack in one process as the e2e tests build it:
// a real Temporal dev server and Redis, the fake GitLab on a real git repository, the local sandbox running the real
// runner, and the fake model answering at once; REVIEW_DEBOUNCE_SECONDS=0. Each run is a new merge request (or,
// with --push, a new push on one merge request). Prints p50/p90 of the total and of each stage, from timestamps
// only: HTTP requests the fakes and the webhook server received (node:diagnostics_channel), Temporal history event
// times, the local sandbox's log and the runner's own pino lines (`time`).
//   ./scripts/with-tools.sh node --import tsx bench/review-latency.ts [runs] [--push] [--runner=PATH/runner-main.js]
import { subscribe } from 'node:diagnostics_channel';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createLocalSandbox } from '../src/activities/sandbox/local.js';
import { toolUse } from '../src/fakes/anthropic/messages.js';
import { loadFixture } from '../test/helpers/fixtures.js';
import { startWorld } from '../test/helpers/e2e-world.js';
import { eventually } from '../test/helpers/forgebot-stack.js';
import { APP_BASE, APP_FEATURE, TestRepo } from '../test/helpers/git-repo.js';
import { deliver, TEST_SECRET } from '../test/helpers/webhook-server.js';
import { historyMarks, percentile, type Mark } from './review-latency-marks.js';

const args = process.argv.slice(2);
const RUNS = Number(args.find((arg) => /^\d+$/.test(arg)) ?? 10);
const PUSH = args.includes('--push');
const runner = args.find((arg) => arg.startsWith('--runner='))?.slice('--runner='.length);
/** `--runner=PATH`: a compiled runner-main.js run by plain Node.js instead of the local sandbox's default command. */
const runnerCommand = runner ? [process.execPath, runner] : undefined;

/** Every request a local HTTP server received and when its answer was sent (all servers are in this process). */
interface Seen { port: number; method: string; path: string; start: number; end?: number }
const seen: Seen[] = [];
const portOf = (server: Server) => (server.address() as AddressInfo | null)?.port ?? 0;
const open = new WeakMap<IncomingMessage, Seen>();
const finished: Array<(entry: Seen) => void> = [];
subscribe('http.server.request.start', (message) => {
  const { request, server } = message as { request: IncomingMessage; server: Server };
  const entry: Seen = { port: portOf(server), method: request.method ?? '', path: request.url ?? '', start: Date.now() };
  seen.push(entry);
  open.set(request, entry);
});
subscribe('http.server.response.finish', (message) => {
  const entry = open.get((message as { request: IncomingMessage }).request);
  if (!entry) return;
  entry.end = Date.now();
  for (const listener of finished) listener(entry);
});

/** The local sandbox's log lines (debug: each runner stderr line too), parsed. */
const sandboxLines: Array<{ time: number; msg: string; runner?: string }> = [];
const sandboxLog = pino({ level: 'debug' }, new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) sandboxLines.push(JSON.parse(line) as (typeof sandboxLines)[number]);
    done();
  },
}));

const openFixture = loadFixture('gitlab', 'merge_request--open');
const updateFixture = loadFixture('gitlab', 'merge_request--update-new-commits');
function delivery(iid: number, branch: string, sha: string, oldrev?: string) {
  const fixture = oldrev ? updateFixture : openFixture;
  const json = structuredClone(fixture.json) as { project: Record<string, unknown>; object_attributes: Record<string, unknown> };
  Object.assign(json.project, { id: 1, path_with_namespace: 'gitlabhq/gitlab-test' });
  Object.assign(json.object_attributes, { iid, source_branch: branch, target_branch: 'master', ...(oldrev ? { oldrev } : {}), last_commit: { ...(json.object_attributes.last_commit as object), id: sha } });
  return { headers: { ...fixture.headers, 'X-Gitlab-Token': TEST_SECRET, 'X-Gitlab-Event-UUID': randomUUID() }, body: JSON.stringify(json) };
}

const repo = await TestRepo.create({ 'src/app.ts': APP_BASE, 'README.md': '# gitlab-test\n' }, 'master');
await repo.branch('bench-1');
await repo.commit({ 'src/app.ts': APP_FEATURE }, 'feature');
await repo.checkout('master');
const world = await startWorld({
  project: { id: 1, path: 'gitlabhq/gitlab-test', repoDir: repo.dir },
  mergeRequest: { iid: 1, title: 'bench 1', sourceBranch: 'bench-1', targetBranch: 'master' },
  vars: { REVIEW_DEBOUNCE_SECONDS: '0' },
  stackOptions: { sandbox: () => createLocalSandbox({ logger: sandboxLog, ...(runnerCommand ? { runnerCommand } : {}) }) },
});
const { gitlab, model, stack, env } = world;
const ports = { gitlab: Number(new URL(gitlab.url).port), model: Number(new URL(model.url).port) };

/** The next answered request to fake GitLab that matches. */
const answered = (method: string, path: RegExp) => new Promise<Seen>((resolve) => {
  const listener = (entry: Seen) => {
    if (entry.port !== ports.gitlab || entry.method !== method || !path.test(entry.path)) return;
    finished.splice(finished.indexOf(listener), 1);
    resolve(entry);
  };
  finished.push(listener);
});

/** What each runner's checkout fetched (its `checked out` line): shallow, full, refs. */
const fetchedKinds = new Map<string, number>();

/** One run: a new MR (or a push on MR 1), its delivery, and the timestamps of what happened until its summary. */
async function once(run: number): Promise<Mark[]> {
  const iid = PUSH ? 1 : run + 1;
  const branch = `bench-${iid}`;
  let oldrev: string | undefined;
  if (PUSH || run > 0) {
    if (!PUSH) await repo.branch(branch, 'master');
    else await repo.checkout(branch);
    oldrev = await repo.git('rev-parse', 'HEAD');
    await repo.commit({ 'src/app.ts': `${APP_FEATURE}// run ${run}\n` }, `run ${run}`);
    await repo.checkout('master');
    if (PUSH) await gitlab.refreshMergeRequest(1, 1);
    else await gitlab.addMergeRequest({ projectId: 1, iid, title: `bench ${iid}`, sourceBranch: branch, targetBranch: 'master' });
  }
  const sha = await repo.git('rev-parse', branch);
  model.script({ content: [toolUse('submit_review', { summary: `run ${run}`, findings: [{ path: 'src/app.ts', line: 3, side: 'new', severity: 'major', category: 'bug', confidence: 0.9, title: `finding ${run}`, body: 'explained' }] })] });
  const firstSeen = seen.length;
  const firstLine = sandboxLines.length;
  const summary = PUSH && run > 0 ? answered('PUT', new RegExp(`/merge_requests/${iid}/notes/\\d+$`)) : answered('POST', new RegExp(`/merge_requests/${iid}/notes$`));
  const { headers, body } = delivery(iid, branch, sha, PUSH && run > 0 ? oldrev : undefined);
  const sent = Date.now();
  const response = await deliver(stack.server.url, headers, body);
  const ack = Date.now();
  if (response.status !== 202) throw new Error(`the webhook answered ${response.status}: ${JSON.stringify(response.json)}`);
  const posted = await summary;

  const requests = seen.slice(firstSeen);
  const gitlabCalls = requests.filter((entry) => entry.port === ports.gitlab);
  const modelCalls = requests.filter((entry) => entry.port === ports.model);
  const lines = sandboxLines.slice(firstLine);
  const runnerLines = lines.flatMap((line) => (line.runner ? [JSON.parse(line.runner) as { time: number; msg: string; fetched?: string }] : []));
  const at = (list: Array<{ time: number; msg: string }>, msg: string) => list.find((line) => line.msg === msg)?.time;
  const fetched = runnerLines.find((line) => line.msg === 'checked out')?.fetched ?? 'not logged';
  fetchedKinds.set(fetched, (fetchedKinds.get(fetched) ?? 0) + 1);
  // An activity's started event is written with its completion: read the history once publishing is done.
  const handle = env.client.workflow.getHandle(`review:gitlab:1:${iid}`);
  const history = await eventually(async () => {
    const marks = await historyMarks(handle, sent);
    return marks.some((mark) => /^publish(Stored)?Review completed$/.test(mark.name)) ? marks : undefined;
  }, 'the publish activity completed');
  const publish = history.find((mark) => /^publish(Stored)?Review started$/.test(mark.name))?.at ?? Number.POSITIVE_INFINITY;
  const firstPublishCall = gitlabCalls.find((entry) => entry.start >= publish);
  const marks: Array<Mark | { name: string; at: number | undefined }> = [
    { name: 'sent', at: sent },
    { name: 'webhook ack', at: ack },
    ...history,
    { name: 'runner spawned', at: at(lines, 'runner started') },
    { name: 'runner first log line', at: runnerLines[0]?.time },
    { name: 'checked out', at: at(runnerLines, 'checked out') },
    { name: 'review planned', at: at(runnerLines, 'review planned') },
    { name: 'model call start', at: modelCalls[0]?.start },
    { name: 'model calls done', at: modelCalls.at(-1)?.end },
    { name: 'agent finished', at: at(runnerLines, 'agent finished') },
    { name: 'runner exited', at: at(lines, 'runner exited') },
    { name: 'publish first forge call', at: firstPublishCall?.start },
    { name: 'summary posted', at: posted.end },
  ];
  if (process.env.BENCH_VERBOSE) {
    for (const entry of requests) console.log(`  ${entry.start - sent} +${(entry.end ?? entry.start) - entry.start} ${entry.method} ${entry.path}`);
  }
  return marks.filter((mark): mark is Mark => mark.at !== undefined).sort((a, b) => a.at - b.at);
}

try {
  const runs: Mark[][] = [];
  await once(0); // warm-up (run 0): the first runner, git and Temporal task queues are cold
  for (let run = 1; run <= RUNS; run++) runs.push(await once(run));
  const stages = new Map<string, number[]>();
  const totals: number[] = [];
  for (const marks of runs) {
    for (let index = 1; index < marks.length; index++) {
      const mark = marks[index]!;
      stages.set(mark.name, [...(stages.get(mark.name) ?? []), mark.at - marks[index - 1]!.at]);
    }
    totals.push(marks.at(-1)!.at - marks[0]!.at);
  }
  console.log(`review latency, ${RUNS} runs (${PUSH ? 'pushes on one MR' : 'a new MR each'}; runner: ${runner ?? 'default'}), ms from the previous mark:`);
  console.log(`${'stage (ends at)'.padEnd(36)} ${'p50'.padStart(6)} ${'p90'.padStart(6)}  runs`);
  for (const [name, values] of stages) console.log(`${name.padEnd(36)} ${String(percentile(values, 50)).padStart(6)} ${String(percentile(values, 90)).padStart(6)}  ${values.length}`);
  console.log(`${'TOTAL webhook → summary posted'.padEnd(36)} ${String(percentile(totals, 50)).padStart(6)} ${String(percentile(totals, 90)).padStart(6)}  ${totals.length}`);
  console.log('checkouts (runner log):', Object.fromEntries(fetchedKinds));
  if (model.errors.length > 0) console.log('model errors:', model.errors);
} finally {
  await world.stop();
  await repo.remove();
}
