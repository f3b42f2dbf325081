// The runner's tools cannot block it: crafted globs, a tool that never answers, too much output in one turn.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { matchPaths } from '../src/agents/glob.js';
import { createModelClient } from '../src/agents/model-client.js';
import { reviewerRole } from '../src/agents/roles/reviewer/role.js';
import { runReview } from '../src/agents/roles/reviewer/run.js';
import { runToolLoop, type ExtraTool } from '../src/agents/tool-loop.js';
import { createWorkspaceTools } from '../src/agents/workspace-tools.js';
import { FakeAnthropic } from '../src/fakes/anthropic/fake-anthropic.js';
import { toolResultsOf, toolUse } from '../src/fakes/anthropic/messages.js';
import { TestRepo } from './helpers/git-repo.js';
import { reviewTask } from './helpers/review-task.js';

const API_KEY = 'sk-ant-test-key-0123456789';
const log = pino({ level: 'silent' });
const LONG_NAME = 'a'.repeat(250); // a file name may have 255 bytes: the longest the walk can meet
/** Globs whose regular expressions backtrack polynomially with a high degree (or would, as extglobs). */
const CRAFTED = [
  '**/*a*a*a*a*a*a*a*a*a*a*a*a*b',
  '*a*a*a*a*a*a*a*a*a*a*a*a*b',
  '+(a|aa)*',
  '*(a|aa)*(a|aa)*(a|aa)b',
  '{a,aa}*{a,aa}*{a,aa}*{a,aa}*{a,aa}*{a,aa}*b',
  '**/**/**/**/**/**/**/**/*a*b',
  '?*?*?*?*?*?*?*?*?*?*b',
  '[a-z]*[a-z]*[a-z]*[a-z]*[a-z]*[a-z]*[a-z]*b',
];

/**
 * Runs `work` with a 20 ms timer scheduled next to it: how late the timer fired. A tool that blocks the event loop
 * makes it fire only when the tool is done (minutes late, for the old regular expressions).
 */
async function withTimer<T>(work: () => Promise<T>): Promise<{ value: T; lateMs: number }> {
  const scheduled = performance.now();
  let fired: number | undefined;
  const timer = setTimeout(() => (fired = performance.now()), 20);
  const value = await work();
  // The work may end before the timer is due: wait for it then (it is due within 20 ms).
  if (fired === undefined) await new Promise((resolve) => setTimeout(resolve, 25));
  clearTimeout(timer);
  return { value, lateMs: (fired ?? performance.now()) - scheduled - 20 };
}

const settle = (promise: Promise<string | string[]>) => promise.then((value) => ({ value }), (error: unknown) => ({ refused: error instanceof Error ? error.message : String(error) }));

describe('globs from the model', () => {
  let repo: TestRepo;
  before(async () => {
    repo = await TestRepo.create({ 'src/app.ts': 'export {};\n', 'src/app.test.ts': 'export {};\n', 'docs/.hidden.md': '#\n', [`deep/${LONG_NAME}`]: 'x\n' });
  });
  after(() => repo.remove());

  test('a crafted glob against a 250-character name: list_files answers or refuses, and the event loop keeps running', { timeout: 60_000 }, async () => {
    const tools = createWorkspaceTools(repo.dir, { matchTimeoutMs: 500 });
    for (const pattern of CRAFTED) {
      const { value, lateMs } = await withTimer(() => settle(tools.list_files({ directory: '.', pattern })));
      assert.ok(lateMs < 1_000, `${pattern}: a timer fired ${Math.round(lateMs)} ms late during the call`);
      if ('refused' in value) assert.match(value.refused, /pattern took longer than 0\.5 s to match and was stopped: use a simpler pattern/, pattern);
      else assert.equal(value.value, '(no files)', pattern);
    }
  });

  test('matching a 5,000-character path runs off the event loop, within its budget', { timeout: 60_000 }, async () => {
    const paths = ['src/app.ts', 'a'.repeat(5_000), `${'a/'.repeat(2_500)}a`];
    for (const glob of CRAFTED) {
      const started = performance.now();
      const { value, lateMs } = await withTimer(() => settle(matchPaths(glob, paths, { timeoutMs: 500, limit: 10 })));
      assert.ok(lateMs < 1_000, `${glob}: a timer fired ${Math.round(lateMs)} ms late`);
      assert.ok(performance.now() - started < 10_000, `${glob}: the call ended within a generous bound`);
      if ('value' in value) assert.deepEqual(value.value, [], glob);
      else assert.match(value.refused, /took longer than 0\.5 s/, glob);
    }
  });

  test('ordinary globs still match as before: names at any depth, paths, braces, dot files; extglobs are literal', async () => {
    const tools = createWorkspaceTools(repo.dir);
    assert.equal(await tools.list_files({ directory: '.', pattern: '*.ts' }), 'src/app.test.ts\nsrc/app.ts');
    assert.equal(await tools.list_files({ directory: '.', pattern: 'src/**/*.test.ts' }), 'src/app.test.ts');
    assert.equal(await tools.list_files({ directory: '.', pattern: '**/*.{md,ts}' }), 'docs/.hidden.md\nsrc/app.test.ts\nsrc/app.ts');
    assert.equal(await tools.list_files({ directory: '.', pattern: '+(app).ts' }), '(no files)');
    assert.deepEqual(await matchPaths('+(a|b).ts', ['a.ts', '+(a|b).ts'], { timeoutMs: 5_000, limit: 10 }), ['+(a|b).ts']);
  });
});

describe('the tool loop: time limits and output per turn', () => {
  let repo: TestRepo;
  let model: FakeAnthropic;
  const workspaces: string[] = [];
  const bigLine = (index: number) => `${String(index).padStart(6, '0')} ${'x'.repeat(1_990)}`;
  before(async () => {
    // 2,400 lines of 2,000 characters (4.8 MB): a line range of 400 of them would be 800 KB.
    const big = Array.from({ length: 2_400 }, (_, index) => bigLine(index + 1)).join('\n') + '\n';
    repo = await TestRepo.create({ 'src/app.ts': 'export const a = 1;\n', 'data/big.txt': big });
    await repo.branch('feature');
    await repo.commit({ 'src/app.ts': 'export const a = 2;\n' }, 'change a');
    model = new FakeAnthropic({ apiKey: API_KEY });
    await model.start();
  });
  after(async () => {
    await model.stop();
    await repo.remove();
    await Promise.all(workspaces.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  test('a tool that never answers gets a timeout tool_result, its signal aborts, and the loop goes on', { timeout: 20_000 }, async () => {
    let aborted = false;
    const hang: ExtraTool = {
      definition: { name: 'hang', description: 'Never answers.', input_schema: { type: 'object' } },
      run: async (_input, signal) =>
        new Promise<string>(() => {
          signal?.addEventListener('abort', () => (aborted = true));
        }),
    };
    model.script(
      { content: [toolUse('hang', {}), toolUse('read_file', { path: 'src/app.ts' })] },
      { content: [toolUse('submit_review', { summary: 'done despite the hang', findings: [] })] },
    );
    const start = model.requests.length;
    const outcome = await runToolLoop({
      client: createModelClient({ anthropicApiKey: API_KEY, anthropicBaseUrl: model.url }),
      model: 'claude-test',
      role: reviewerRole,
      brief: 'Review the change.',
      tools: createWorkspaceTools(repo.dir),
      extraTools: [hang],
      limits: { maxTurns: 4, maxOutputTokens: 1_024, tokenBudget: 100_000 },
      log,
      toolTimeoutMs: 300,
    });
    assert.equal(outcome.submitted?.summary, 'done despite the hang');
    const [timedOut, read] = toolResultsOf(model.requests[start + 1]!.messages.at(-1));
    assert.equal(timedOut?.isError, true);
    assert.match(timedOut!.content, /^hang timed out after 0\.3 s and was stopped/);
    assert.equal(read?.isError, false);
    assert.match(read!.content, /export const a = 2;/);
    assert.equal(aborted, true, "the tool's signal was aborted");
    assert.deepEqual(model.errors, []);
  });

  test('250 ranged read_file calls in one turn: the per-turn cap refuses the rest, and the review goes on', { timeout: 120_000 }, async () => {
    const calls = Array.from({ length: 250 }, (_, index) => toolUse('read_file', { path: 'data/big.txt', start_line: (index % 6) * 400 + 1, end_line: (index % 6) * 400 + 400 }));
    model.script({ content: calls }, { content: [toolUse('submit_review', { summary: 'read a lot', findings: [] })] });
    const start = model.requests.length;
    const dir = await mkdtemp(join(tmpdir(), 'forgebot-ws-'));
    workspaces.push(dir);
    const headSha = await repo.git('rev-parse', 'feature');
    const baseSha = await repo.git('rev-parse', 'main');
    const rssBefore = process.memoryUsage().rss;
    const result = await runReview(reviewTask(repo.dir, baseSha, headSha, { tokenBudget: 10_000_000 }), { anthropicApiKey: API_KEY, anthropicBaseUrl: model.url }, dir, log);
    const rssGrowth = process.memoryUsage().rss - rssBefore;
    assert.equal(result.summary, 'read a lot');
    const results = toolResultsOf(model.requests[start + 1]!.messages.at(-1));
    assert.equal(results.length, 250, 'every tool_use has its tool_result');
    const served = results.filter((one) => !one.isError);
    const refused = results.filter((one) => one.isError);
    assert.ok(served.length >= 1 && served.length <= 5, `${served.length} calls were served`);
    assert.ok(served[0]!.content.startsWith(`    1  ${bigLine(1)}`));
    assert.match(served[0]!.content, /more lines \(this result stopped early to stay short\) \(ask for start_line \d+\)$/);
    for (const one of refused) assert.match(one.content, /^not run: too much tool output this turn \(400000 characters\); ask for less/);
    const total = results.reduce((sum, one) => sum + one.content.length, 0);
    assert.ok(total < 400_000 + 250 * 300, `the turn's tool results total ${total} characters`);
    assert.ok(rssGrowth < 300 * 1024 * 1024, `RSS grew by ${Math.round(rssGrowth / 1024 / 1024)} MB`);
    assert.deepEqual(model.errors, []);
  });
});
