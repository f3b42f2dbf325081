// The runner with the scripted fake model: noisy, duplicate, misplaced and low-confidence findings are checked and
// filtered; caps end with what was found so far; big changes are batched, and every file is accounted for.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { runReview } from '../src/agents/roles/reviewer/run.js';
import type { ReviewTask } from '../src/domain/agent-task.js';
import { demoReviewer } from '../src/fakes/anthropic/demo-reviewer.js';
import { FakeAnthropic } from '../src/fakes/anthropic/fake-anthropic.js';
import { textOf, toolUse } from '../src/fakes/anthropic/messages.js';
import { DEFAULT_REPO_SETTINGS } from '../src/domain/review-settings.js';
import { FEATURE_FILES, featureRepo, TestRepo } from './helpers/git-repo.js';
import { reviewTask } from './helpers/review-task.js';
import { workspaces } from './helpers/workspaces.js';

const API_KEY = 'sk-ant-test-key-0123456789';
const log = pino({ level: 'silent' });
const f = (line: number, extra: Record<string, unknown> = {}) => ({ path: 'src/app.ts', line, side: 'new', severity: 'major', category: 'bug', confidence: 0.9, title: 'Subtraction in add()', body: 'add() subtracts.', ...extra });

describe('reviewer quality and caps', () => {
  let repo: TestRepo;
  let shas: { baseSha: string; headSha: string };
  let model: FakeAnthropic;
  const spaces = workspaces();
  const workspace = () => spaces.make();
  const secrets = () => ({ anthropicApiKey: API_KEY, anthropicBaseUrl: model.url });
  const task = (limits: Partial<ReviewTask['limits']> = {}, model = 'claude-sonnet-4-6'): ReviewTask => ({ ...reviewTask(`file://${repo.dir}`, shas.baseSha, shas.headSha, limits), model });

  before(async () => {
    ({ repo, ...shas } = await featureRepo(60));
    model = new FakeAnthropic({ apiKey: API_KEY });
    await model.start();
  });
  after(async () => {
    await model.stop();
    await repo.remove();
    await spaces.removeAll();
  });

  test('noisy output: duplicates merged, a misplaced finding moved, low-confidence and nits hidden and counted, a bad suggestion made plain', async () => {
    model.script({
      content: [toolUse('submit_review', {
        summary: 'Noisy.',
        findings: [
          f(3, { suggestion: '  return x + y;' }),
          f(3, { title: 'add() is wrong', confidence: 0.7 }), // duplicate: same line and category
          f(8, { category: 'maintainability', title: 'Export list', severity: 'minor' }), // line 8 is past the file's diff: moved to 7
          f(6, { category: 'style', title: 'Unused d', severity: 'nit' }),
          f(6, { category: 'performance', title: 'Maybe slow', confidence: 0.2 }),
          f(5, { category: 'docs', title: 'Document c', suggestion: 'const c = 3;' }), // unchanged text: no suggestion
          f(1, { path: 'README.md', category: 'docs', title: 'Outside' }),
        ],
      })],
    });
    const result = await runReview(task(), secrets(), await workspace(), log);
    assert.deepEqual(result.findings.map((x) => [x.path, x.line, x.title]), [
      ['src/app.ts', 3, 'Subtraction in add()'],
      ['src/app.ts', 5, 'Document c'],
      ['README.md', 1, 'Outside'],
      ['src/app.ts', 7, 'Export list'],
    ]);
    assert.equal(result.findings[0]!.suggestion, '  return x + y;');
    assert.match(result.findings[0]!.body, /Also: add\(\) is wrong/);
    assert.equal(result.findings[1]!.suggestion, undefined);
    assert.deepEqual(result.hidden, { lowConfidence: 1, nits: 1, overCap: 0 });
    assert.deepEqual(result.checks, { merged: 1, moved: 1, outsideDiff: 1, suggestionsDropped: 1 });
    assert.ok((result.costUsd ?? 0) > 0);
    assert.equal(result.filesReviewed, FEATURE_FILES);
    assert.equal(result.notReviewed!.length, 60);
    assert.ok(result.notReviewed!.every((file) => file.reason === 'generated file' && file.path.startsWith('src/generated/')));
  });

  test('at the turn cap the last turn forces submit_review: what was found so far is returned', async () => {
    model.script(
      { content: [toolUse('list_files', { directory: '.' })] },
      { content: [toolUse('read_file', { path: 'src/app.ts' })] },
      { content: [toolUse('submit_review', { summary: 'Partial: looked at app.ts only.', findings: [f(3)] })] },
    );
    const start = model.requests.length;
    const result = await runReview(task({ maxTurns: 3 }), secrets(), await workspace(), log);
    const [first, second, third] = model.requests.slice(start);
    assert.equal(first!.tool_choice, undefined);
    assert.equal(second!.tool_choice, undefined);
    assert.deepEqual(third!.tool_choice, { type: 'tool', name: 'submit_review' });
    assert.match(textOf(third!.messages.at(-1)!.content), /budget is nearly used up: call the submit tool now/);
    assert.equal(result.findings.length, 1);
    assert.equal(result.truncated, false);
    // One moving breakpoint besides tools, system and brief: never more than the API's four.
    const breakpoints = (JSON.stringify(third).match(/"cache_control"/g) ?? []).length;
    assert.equal(breakpoints, 4);
    assert.ok(JSON.stringify(third!.messages.at(-1)).includes('cache_control'));
  });

  test('the cost cap stops the loop; the summary says which cap, and nothing fails', async () => {
    model.script({ content: [toolUse('list_files', {})] });
    const result = await runReview(task({ costBudgetUsd: 0.000001 }, 'claude-opus-4-1'), secrets(), await workspace(), log);
    assert.equal(result.stoppedBy, 'cost');
    assert.equal(result.truncated, true);
    assert.match(result.summary, /cost budget/);
    assert.equal(result.usage.turns, 1);
    const stopped = result.notReviewed!.filter((file) => file.reason !== 'generated file');
    assert.equal(stopped.length, FEATURE_FILES);
    assert.ok(stopped.every((file) => /stopped at its cost budget/.test(file.reason)));
  });

  test('an unknown model: no cost, and the cost cap is reported as not enforced', async () => {
    model.script({ content: [toolUse('submit_review', { summary: 'ok', findings: [] })] });
    const result = await runReview(task({ costBudgetUsd: 1 }, 'my-own-model'), secrets(), await workspace(), log);
    assert.equal(result.costUsd, undefined);
    assert.match(result.notices!.join('\n'), /cost budget was not enforced: there is no price for model my-own-model/);
  });

  test('a change larger than a batch: batches reviewed in turn until the budget runs out; every file reviewed or listed', async () => {
    const demo = new FakeAnthropic({ apiKey: API_KEY, brain: demoReviewer });
    await demo.start();
    const big = await TestRepo.create({ 'README.md': '# big\n' });
    try {
      const base = await big.git('rev-parse', 'HEAD');
      const files: Record<string, string> = { 'docs/guide.md': 'Guide.\n', 'test/a.test.ts': 'test;\n' };
      for (let index = 0; index < 80; index++) files[`src/mod${index}.ts`] = Array.from({ length: 30 }, (_, line) => `export const v${index}_${line} = ${line};`).join('\n') + '\n';
      const head = await big.commit(files, 'many modules');
      const small = { ...reviewTask(big.dir, base, head, { tokenBudget: 16_000, maxOutputTokens: 500, maxTurns: 30 }), review: { settings: { ...DEFAULT_REPO_SETTINGS, ignore_paths: ['docs/**'] }, guidelines: [], priorFindings: [], resolvedFingerprints: [], notices: [] } };
      const result = await runReview(small, { anthropicApiKey: API_KEY, anthropicBaseUrl: demo.url }, await workspace(), log);
      const listed = result.notReviewed ?? [];
      assert.ok(demo.requests.length >= 2, 'more than one batch was reviewed');
      assert.ok(listed.some((file) => /not reached: the review's token budget ran out/.test(file.reason)), 'later batches are listed as not reached');
      assert.deepEqual(listed.filter((file) => file.reason === 'ignored by .forgebot.yml').map((file) => file.path), ['docs/guide.md']);
      assert.equal((result.filesReviewed ?? 0) + listed.length, 82, 'no file silently dropped');
      assert.ok((result.filesReviewed ?? 0) > 0);
      assert.equal(result.stoppedBy, 'tokens');
      assert.match(result.summary, /Part 1 of \d+/);
      const briefs = demo.requests.filter((request) => request.messages.length === 1).map((request) => textOf(request.messages[0]!.content));
      assert.doesNotMatch(briefs[0]!, /test\/a\.test\.ts/, 'source before tests');
      assert.match(briefs[0]!, /batch 1 of \d+/);
      assert.deepEqual(demo.errors, []);
    } finally {
      await demo.stop();
      await big.remove();
    }
  });
});
