// Wall time of a four-specialist review against the single reviewer on the same change, through runReview (a real
// git checkout, the real tool loops), with the fake model answering at model-like latencies: 2 s plus 20 ms per
// output token, at most 6 s per call, times --scale (default 0.25, to keep the run under a minute; --scale=1 for
// seconds as a real model answers). Also: the specialists with vs without waiting for each batch's first turn to
// write the shared cached prefix before the others start, with the validation pass, and one at a time
// (max_parallel 1: the sum of the conversations). The scripted reviewers: the single one reads 4 files and submits
// 4 findings; general reads 3, security, typescript and tests 2 each, and each submits its one finding.
//   ./scripts/with-tools.sh node --import tsx bench/specialist-review.ts [--scale=1] [--runs=N]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { checkoutRepository } from '../src/agents/checkout.js';
import { reviewScope } from '../src/agents/context/scope.js';
import { createModelClient, type RunnerSecretsEnv } from '../src/agents/model-client.js';
import { runReview } from '../src/agents/roles/reviewer/run.js';
import { routeReview } from '../src/agents/specialists/route-review.js';
import { specialistReview } from '../src/agents/specialists/specialist-review.js';
import type { ReviewTask } from '../src/domain/agent-task.js';
import type { ReviewResult } from '../src/domain/finding.js';
import { PipelineSettings } from '../src/domain/pipeline-settings.js';
import { DEFAULT_REPO_SETTINGS, type RepoSettings } from '../src/domain/review-settings.js';
import { formatUsd } from '../src/domain/usage-cost.js';
import { FakeAnthropic } from '../src/fakes/anthropic/fake-anthropic.js';
import { toolUse, type ScriptedReply } from '../src/fakes/anthropic/messages.js';
import { specialistOf, toolNamesOf, turnOf } from '../src/fakes/anthropic/specialist-brain.js';
import { TestRepo } from '../test/helpers/git-repo.js';
import { reviewTask } from '../test/helpers/review-task.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => Number(args.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const SCALE = option('scale', 0.25);
const RUNS = option('runs', 1);
const API_KEY = 'sk-ant-bench-key-0123456789';
const MODEL = 'claude-sonnet-4-6';
const log = pino({ level: 'silent' });

/** What each reviewer does: how many tool calls before it submits, and the finding it submits. */
const SCRIPT: Record<string, { reads: string[]; findings: object[] }> = {
  single: { reads: ['src/auth/session.ts', 'src/app.ts', 'src/orders.ts', 'test/orders.test.ts'], findings: [] },
  general: { reads: ['src/auth/session.ts', 'src/app.ts', 'src/orders.ts'], findings: [] },
  security: { reads: ['src/auth/session.ts', 'src/app.ts'], findings: [] },
  typescript: { reads: ['src/orders.ts', 'src/app.ts'], findings: [] },
  tests: { reads: ['test/orders.test.ts', 'src/orders.ts'], findings: [] },
};
const finding = (line: number, category: string, title: string) => ({ path: 'src/auth/session.ts', line, side: 'new', severity: 'major', category, confidence: 0.9, title, body: `${title}: ${'explained at length, with the fix. '.repeat(6)}` });
SCRIPT.general!.findings = [finding(5, 'bug', 'Expiry compared in seconds against milliseconds')];
SCRIPT.security!.findings = [finding(9, 'security', 'Token compared with === (timing leak)')];
SCRIPT.typescript!.findings = [finding(14, 'maintainability', 'any-typed claims object')];
SCRIPT.tests!.findings = [finding(5, 'tests', 'No test covers token expiry')];
SCRIPT.single!.findings = [SCRIPT.general!.findings[0]!, SCRIPT.security!.findings[0]!, SCRIPT.typescript!.findings[0]!, SCRIPT.tests!.findings[0]!];

function brain(request: Parameters<NonNullable<ConstructorParameters<typeof FakeAnthropic>[0]['brain']>>[0]): ScriptedReply {
  if (!toolNamesOf(request).includes('submit_review')) return validatorReply(request);
  const script = SCRIPT[specialistOf(request) ?? 'single']!;
  const turn = turnOf(request);
  const read = script.reads[turn - 1];
  if (read) return { content: [toolUse('read_file', { path: read })] };
  return { content: [toolUse('submit_review', { summary: `Reviewed: ${'what the change does and the verdict. '.repeat(4)}`, findings: script.findings })] };
}

/** The validation pass confirms every finding (read one file, then submit). */
function validatorReply(request: Parameters<typeof brain>[0]): ScriptedReply {
  const submit = toolNamesOf(request).find((name) => name.startsWith('submit'))!;
  if (turnOf(request) === 1) return { content: [toolUse('read_file', { path: 'src/auth/session.ts' })] };
  const text = JSON.stringify(request.messages[0]?.content ?? '');
  const ids = [...new Set([...text.matchAll(/\bF(\d+)\b/g)].map((match) => `F${match[1]}`))];
  return { content: [toolUse(submit, { verdicts: ids.map((id) => ({ id, verdict: 'confirmed', reason: 'seen in the code at src/auth/session.ts' })) })] };
}

const lines = (count: number, make: (index: number) => string) => Array.from({ length: count }, (_, index) => make(index)).join('\n') + '\n';
const SESSION = lines(60, (i) => (i === 4 ? 'export const expired = (s: { exp: number }) => s.exp < Date.now();' : i === 8 ? 'export const same = (a: string, b: string) => a === b;' : `export const session${i}: any = { id: ${i} };`));
const ORDERS = lines(80, (i) => `export function order${i}(items: number[]) { return items.reduce((sum, item) => sum + item * ${i}, 0); }`);
const ORDERS_TEST = lines(30, (i) => `test('order${i}', () => assert.equal(order${i}([1]), ${i}));`);

const repo = await TestRepo.create({ 'src/app.ts': lines(20, (i) => `export const a${i} = ${i};`), 'README.md': '# bench\n' }, 'main');
const base = await repo.git('rev-parse', 'HEAD');
const head = await repo.commit({ 'src/auth/session.ts': SESSION, 'src/orders.ts': ORDERS, 'test/orders.test.ts': ORDERS_TEST, 'src/app.ts': lines(20, (i) => `export const a${i} = ${i * 2};`) }, 'sessions and orders');

/** A fresh fake per measured run: an empty prompt cache (one run must not read what another wrote). */
async function freshModel(): Promise<FakeAnthropic> {
  const model = new FakeAnthropic({ apiKey: API_KEY, brain, latencyMs: (_request, outputTokens) => SCALE * Math.min(6_000, 2_000 + 20 * outputTokens) });
  await model.start();
  return model;
}
const errors: string[] = [];

const never = { when: 'never' as const };
function settingsWith(pipeline: object): RepoSettings {
  return { ...DEFAULT_REPO_SETTINGS, reviewer: { ...DEFAULT_REPO_SETTINGS.reviewer, min_confidence: 0 }, pipeline: PipelineSettings.parse(pipeline) };
}
const SINGLE = settingsWith({ specialists: { security: never, performance: never, docs: never, tests: never, typescript: never, python: never, go: never, php: never }, validate: false });
const FOUR = (validate: boolean, maxParallel = 4) => settingsWith({ specialists: { security: { when: 'always' }, typescript: { when: 'always' }, tests: { when: 'always' }, performance: never, docs: never }, validate, max_parallel: maxParallel });

function taskWith(settings: RepoSettings): ReviewTask {
  const task = reviewTask(repo.dir, base, head, { maxTurns: 40, maxOutputTokens: 2_048, tokenBudget: 400_000, costBudgetUsd: 5 });
  return { ...task, model: MODEL, review: { settings, guidelines: [], priorFindings: [], resolvedFingerprints: [], notices: [] } };
}

interface Measured { wallMs: number; result: ReviewResult; maxInFlight: number; requests: number }
async function measure(settings: RepoSettings, warmCacheFirst?: boolean): Promise<Measured> {
  const workspace = await mkdtemp(join(tmpdir(), 'forgebot-bench-'));
  const model = await freshModel();
  const secrets = { anthropicApiKey: API_KEY, anthropicBaseUrl: model.url };
  const started = performance.now();
  try {
    const result = warmCacheFirst === false ? await runWithoutWarmup(settings, workspace, secrets) : await runReview(taskWith(settings), secrets, workspace, log);
    return { wallMs: performance.now() - started, result, maxInFlight: model.maxInFlight, requests: model.requests.length };
  } finally {
    errors.push(...model.errors);
    await model.stop();
    await rm(workspace, { recursive: true, force: true });
  }
}

/** runReview's specialist path with warmCacheFirst off (runReview always waits): the same steps, called directly. */
async function runWithoutWarmup(settings: RepoSettings, workspace: string, secrets: RunnerSecretsEnv): Promise<ReviewResult> {
  const task = taskWith(settings);
  const repoDir = join(workspace, 'repo');
  await checkoutRepository(task.repository, 'gitlab', undefined, repoDir, { log });
  const scope = await reviewScope(repoDir, task, log);
  const route = routeReview(task, scope, settings);
  return specialistReview({ task, client: createModelClient(secrets), repoDir, scope, settings, route: route.plan, redact: (text) => text, log, warmCacheFirst: false });
}

const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
async function series(name: string, settings: RepoSettings, warm?: boolean) {
  const all: Measured[] = [];
  for (let run = 0; run < RUNS; run++) all.push(await measure(settings, warm));
  return { name, wallMs: median(all.map((one) => one.wallMs)), last: all.at(-1)! };
}

try {
  const rows = [
    await series('single reviewer', SINGLE),
    await series('4 specialists, first turn awaited', FOUR(false), true),
    await series('4 specialists, all at once', FOUR(false), false),
    await series('4 specialists + validation', FOUR(true), true),
    await series('4 specialists, one at a time', FOUR(false, 1), true),
  ];
  const single = rows[0]!.wallMs;
  console.log(`specialist review bench: latency 2 s + 20 ms/output token (max 6 s) × ${SCALE}; ${RUNS} run(s) each, median wall time; model ${MODEL} prices`);
  console.log(`${'run'.padEnd(36)} ${'wall s'.padStart(7)} ${'×single'.padStart(8)} ${'calls'.padStart(6)} ${'in flight'.padStart(9)} ${'input'.padStart(7)} ${'cache w'.padStart(8)} ${'cache r'.padStart(8)} ${'output'.padStart(7)} ${'cost'.padStart(9)} findings`);
  for (const row of rows) {
    const { result, requests, maxInFlight } = row.last;
    const u = result.usage;
    console.log(`${row.name.padEnd(36)} ${(row.wallMs / 1_000).toFixed(2).padStart(7)} ${(row.wallMs / single).toFixed(2).padStart(8)} ${String(requests).padStart(6)} ${String(maxInFlight).padStart(9)} ${String(u.inputTokens).padStart(7)} ${String(u.cacheWriteTokens).padStart(8)} ${String(u.cacheReadTokens).padStart(8)} ${String(u.outputTokens).padStart(7)} ${(result.costUsd === undefined ? '?' : formatUsd(result.costUsd)).padStart(9)} ${result.findings.length}`);
  }
  for (const row of rows.slice(1)) {
    console.log(`  ${row.name}: ${(row.last.result.specialists ?? []).map((report) => `${report.name} ${(report.durationMs / 1_000).toFixed(2)} s, ${report.usage.turns} turns`).join('; ')}`);
  }
  if (errors.length > 0) console.log('model errors:', errors);
} finally {
  await repo.remove();
}
