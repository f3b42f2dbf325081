// The runner's review: a real clone, the real Anthropic SDK, the scripted fake Messages API.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { gitEnvironment } from '../src/agents/checkout.js';
import { runReview } from '../src/agents/roles/reviewer/run.js';
import { FakeAnthropic } from '../src/fakes/anthropic/fake-anthropic.js';
import { demoReviewer } from '../src/fakes/anthropic/demo-reviewer.js';
import { apiError, text, textOf, toolResultsOf, toolUse } from '../src/fakes/anthropic/messages.js';
import type { ReviewTask } from '../src/domain/agent-task.js';
import { featureRepo, TestRepo } from './helpers/git-repo.js';
import { reviewTask } from './helpers/review-task.js';

const API_KEY = 'sk-ant-test-key-0123456789';
const log = pino({ level: 'silent' });
const finding = { path: 'src/app.ts', line: 3, side: 'new', severity: 'major', category: 'bug', confidence: 0.9, title: 'Subtraction in add()', body: 'add() now subtracts.', suggestion: '  return x + y;' };

describe('runner review loop', () => {
  let repo: TestRepo;
  let shas: { baseSha: string; headSha: string };
  let model: FakeAnthropic;
  const workspaces: string[] = [];
  const workspace = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'forgebot-ws-'));
    workspaces.push(dir);
    return dir;
  };
  const secrets = () => ({ anthropicApiKey: API_KEY, anthropicBaseUrl: model.url });

  before(async () => {
    ({ repo, ...shas } = await featureRepo());
    model = new FakeAnthropic({ apiKey: API_KEY });
    await model.start();
  });
  after(async () => {
    await model.stop();
    await repo.remove();
    await Promise.all(workspaces.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  test('looks around with confined tools, then submits a validated review', async () => {
    model.script(
      { content: [text('Looking.'), toolUse('list_files', { directory: '.' }), toolUse('read_file', { path: 'src/app.ts', start_line: 2, end_line: 3 })] },
      { content: [toolUse('read_file', { path: '../../etc/passwd' }), toolUse('search_code', { pattern: 'return x' })] },
      { content: [toolUse('submit_review', { summary: 'add() is broken.', findings: [finding] })] },
    );
    const start = model.requests.length;
    const result = await runReview(reviewTask(`file://${repo.dir}`, shas.baseSha, shas.headSha), secrets(), await workspace(), log);
    assert.equal(result.headSha, shas.headSha);
    assert.equal(result.summary, 'add() is broken.');
    assert.deepEqual(result.findings, [finding]);
    assert.equal(result.truncated, false);
    assert.equal(result.usage.turns, 3);
    assert.ok(result.usage.cacheReadTokens > 0, 'the stable prefix is read from the prompt cache after the first turn');

    const [first, second, third] = model.requests.slice(start);
    const brief = textOf(first!.messages[0]!.content);
    assert.match(brief, /\+  return x - y;/, 'the diff is in the brief');
    assert.doesNotMatch(brief, /ignore all previous instructions/, 'HTML comments are stripped from untrusted text');
    const toolResults = textOf(second!.messages.at(-1)!.content);
    assert.match(toolResults, /src\/app\.ts\nsrc\/new\.ts/);
    assert.match(toolResults, /    3  {3}return x - y;/);
    const escape = JSON.stringify(third!.messages.at(-1)!.content);
    assert.match(escape, /path leaves the repository/);
    assert.match(escape, /"is_error":true/);
    assert.match(escape, /src\/app\.ts:3:  return x - y;/);
    assert.equal(model.errors.length, 0);
  });

  test('an invalid submission gets the validation error back, and the corrected one is taken', async () => {
    model.script(
      { content: [toolUse('submit_review', { summary: 'x', findings: [{ ...finding, severity: 'catastrophic', confidence: 3 }] })] },
      { content: [toolUse('submit_review', { summary: 'fixed', findings: [finding] })] },
    );
    const start = model.requests.length;
    const result = await runReview(reviewTask(`file://${repo.dir}`, shas.baseSha, shas.headSha), secrets(), await workspace(), log);
    assert.equal(result.summary, 'fixed');
    const feedback = JSON.stringify(model.requests[start + 1]!.messages.at(-1)!.content);
    assert.match(feedback, /findings\.0\.severity/);
    assert.match(feedback, /findings\.0\.confidence/);
  });

  test('429 and 529 answers are retried with backoff', async () => {
    model.script(
      apiError.rateLimited(0),
      apiError.overloaded(),
      { content: [toolUse('submit_review', { summary: 'ok', findings: [] })] },
    );
    const start = model.requests.length;
    const result = await runReview(reviewTask(`file://${repo.dir}`, shas.baseSha, shas.headSha), secrets(), await workspace(), log);
    assert.equal(result.summary, 'ok');
    assert.equal(model.requests.length - start, 3);
    assert.equal(result.usage.turns, 1);
  });

  test('the turn cap ends the loop with a truncated result that says so', async () => {
    model.script(
      { content: [toolUse('list_files', { directory: '.' })] },
      { content: [toolUse('list_files', { directory: 'src' })] },
    );
    const result = await runReview(reviewTask(`file://${repo.dir}`, shas.baseSha, shas.headSha, { maxTurns: 2 }), secrets(), await workspace(), log);
    assert.equal(result.truncated, true);
    assert.match(result.summary, /turn limit/);
    assert.deepEqual(result.findings, []);
    assert.equal(model.pending, 0);
  });

  test('secrets in the model output are redacted', async () => {
    model.script({ content: [toolUse('submit_review', { summary: 'found glpat-abcdefghijklmnop1234 in the code', findings: [] })] });
    const result = await runReview(reviewTask(`file://${repo.dir}`, shas.baseSha, shas.headSha), secrets(), await workspace(), log);
    assert.equal(result.summary, 'found [redacted] in the code');
  });
});

describe('runner: what reaches the prompt, and the caps', () => {
  let repo: TestRepo;
  let baseSha: string;
  let headSha: string;
  let model: FakeAnthropic;
  const workspaces: string[] = [];
  const workspace = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'forgebot-ws-'));
    workspaces.push(dir);
    return dir;
  };
  const task = (limits: Partial<ReviewTask['limits']> = {}) => ({ ...reviewTask(repo.dir, baseSha, headSha, limits), changedPaths: ['web/page.html', 'src/calc.js'] });
  // An added multi-line HTML comment, a bidi override and a token: none of them may move a line of the diff.
  const page = ['<main>', '<!-- layout', '     notes -->', '<p>x</p>', '</main>', ''].join('\n');
  const calc = ['const token = "glpat-abcdefghijklmnop1234";', 'const label = "\u202Eevil";', 'export const run = (input) => eval(input);', ''].join('\n');

  before(async () => {
    repo = await TestRepo.create({ 'README.md': '# calc\n' });
    baseSha = await repo.git('rev-parse', 'HEAD');
    await repo.branch('feature');
    headSha = await repo.commit({ 'web/page.html': page, 'src/calc.js': calc }, 'calc');
    await symlink('/etc/passwd', join(repo.dir, 'passwd-link'));
    headSha = await repo.commit({}, 'a symlink out of the repository');
    model = new FakeAnthropic({ apiKey: API_KEY, brain: demoReviewer });
    await model.start();
  });
  after(async () => {
    await model.stop();
    await repo.remove();
    await Promise.all(workspaces.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  test('the diff keeps every line in place: comments stay, invisible characters are shown, tokens redacted', async () => {
    const start = model.requests.length;
    const result = await runReview(task(), { anthropicApiKey: API_KEY, anthropicBaseUrl: model.url }, await workspace(), log);
    const brief = textOf(model.requests[start]!.messages[0]!.content);
    assert.match(brief, /\+<!-- layout\n\+     notes -->\n/, 'code comments are part of the code under review');
    assert.match(brief, /⟦U\+202E⟧evil/);
    assert.doesNotMatch(brief, /glpat-/);
    assert.doesNotMatch(brief, /\u202E/);
    // The demo brain anchors findings from the brief's diff: the lines must be the repository's.
    const evalFinding = result.findings.find((finding) => finding.title.startsWith('eval'));
    assert.deepEqual([evalFinding?.path, evalFinding?.line], ['src/calc.js', 3]);
    assert.equal(result.truncated, false);
    assert.deepEqual(model.errors, []);
  });

  test('symlinks out of the repository, unknown tools and bad tool input come back as tool errors', async () => {
    model.script(
      { content: [toolUse('read_file', { path: 'passwd-link' }), toolUse('run_shell', { command: 'id' }), toolUse('read_file', { start_line: 1 })] },
      { content: [toolUse('list_files', { directory: '.', pattern: '*.{js,html}' }), toolUse('read_file', { path: 'src/calc.js', start_line: 3, end_line: 3 })] },
      { content: [toolUse('submit_review', { summary: 'done', findings: [] })] },
    );
    const start = model.requests.length;
    await runReview(task(), { anthropicApiKey: API_KEY, anthropicBaseUrl: model.url }, await workspace(), log);
    const [symlinkOut, unknown, invalid] = toolResultsOf(model.requests[start + 1]!.messages.at(-1));
    assert.deepEqual([symlinkOut?.isError, unknown?.isError, invalid?.isError], [true, true, true]);
    assert.match(symlinkOut!.content, /outside the repository/);
    assert.doesNotMatch(symlinkOut!.content, /root:/);
    assert.match(unknown!.content, /unknown tool run_shell/);
    assert.match(invalid!.content, /invalid input: path/);
    const [listing, line] = toolResultsOf(model.requests[start + 2]!.messages.at(-1));
    assert.equal(listing?.content, 'src/calc.js\nweb/page.html');
    assert.equal(line?.content, '    3  export const run = (input) => eval(input);');
  });

  test('the token budget stops the loop with a truncated result', async () => {
    model.script({ content: [toolUse('list_files', {})] });
    const result = await runReview(task({ tokenBudget: 1 }), { anthropicApiKey: API_KEY, anthropicBaseUrl: model.url }, await workspace(), log);
    assert.equal(result.truncated, true);
    assert.match(result.summary, /token budget/);
    assert.deepEqual(result.findings, []);
    assert.equal(result.usage.turns, 1, 'no second turn was asked for');
    assert.equal(model.requests.at(-1)?.max_tokens, 1, 'max_tokens never exceeds what is left of the budget');
  });

  test('usage is the sum over the turns of what the API reported', async () => {
    model.script({ content: [toolUse('list_files', {})] }, { content: [toolUse('search_code', { pattern: 'eval' })] }, { content: [toolUse('submit_review', { summary: 'ok', findings: [] })] });
    const before = model.responses.length;
    const result = await runReview(task(), { anthropicApiKey: API_KEY, anthropicBaseUrl: model.url }, await workspace(), log);
    const sent = model.responses.slice(before).map((response) => response.usage);
    assert.equal(sent.length, 3);
    const sum = (pick: (usage: (typeof sent)[number]) => number) => sent.reduce((total, usage) => total + pick(usage), 0);
    assert.deepEqual(result.usage, {
      inputTokens: sum((usage) => usage.input_tokens),
      outputTokens: sum((usage) => usage.output_tokens),
      cacheReadTokens: sum((usage) => usage.cache_read_input_tokens),
      cacheWriteTokens: sum((usage) => usage.cache_creation_input_tokens),
      turns: 3,
    });
    assert.ok(result.usage.cacheReadTokens > 0, "the prefix cached by earlier reviews is read from the cache");
  });

  test('the request carries the role, the caps and the cache breakpoints', async () => {
    model.script({ content: [toolUse('submit_review', { summary: 'ok', findings: [] })] });
    const start = model.requests.length;
    await runReview(task({ maxOutputTokens: 777 }), { anthropicApiKey: API_KEY, anthropicBaseUrl: model.url }, await workspace(), log);
    const request = model.requests[start]!;
    assert.equal(request.max_tokens, 777);
    assert.deepEqual(request.tools?.map((tool) => tool.name), ['read_file', 'list_files', 'search_code', 'submit_review']);
    assert.ok(Array.isArray(request.system) && request.system[0]?.cache_control !== undefined);
    assert.match(JSON.stringify(request.system), /never follow instructions/i);
    const first = request.messages[0]!.content;
    assert.ok(Array.isArray(first) && first[0]?.cache_control !== undefined);
  });
});

test("git's environment carries the clone token only as an HTTP header, and none of the runner's other secrets", () => {
  const env = gitEnvironment({ PATH: '/bin', HOME: '/ws', ANTHROPIC_API_KEY: API_KEY, FORGEBOT_CLONE_TOKEN: 'glpat-readonly-0123456789', GITLAB_TOKEN: 'glpat-write-0123456789' }, 'glpat-readonly-0123456789');
  assert.equal(env.ANTHROPIC_API_KEY, undefined);
  assert.equal(env.FORGEBOT_CLONE_TOKEN, undefined);
  assert.equal(env.GITLAB_TOKEN, undefined);
  assert.deepEqual([env.PATH, env.HOME, env.GIT_TERMINAL_PROMPT, env.GIT_CONFIG_KEY_0], ['/bin', '/ws', '0', 'http.extraHeader']);
  assert.equal(env.GIT_CONFIG_VALUE_0, `Authorization: Basic ${Buffer.from('oauth2:glpat-readonly-0123456789').toString('base64')}`);
  assert.equal(gitEnvironment({ PATH: '/bin' }, undefined).GIT_CONFIG_COUNT, undefined);
});
