// The runner's review: a real clone, the real Anthropic SDK, the scripted fake Messages API.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { runReview } from '../src/agents/run-review.js';
import { FakeAnthropic } from '../src/fakes/anthropic/fake-anthropic.js';
import { text, textOf, toolUse } from '../src/fakes/anthropic/messages.js';
import { featureRepo, type TestRepo } from './helpers/git-repo.js';
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
      { error: { status: 429, type: 'rate_limit_error', message: 'slow down' }, retryAfterSeconds: 0 },
      { error: { status: 529, type: 'overloaded_error', message: 'Overloaded' } },
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
