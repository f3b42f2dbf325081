// Specialist reviews through runReview: a real git checkout, the real tool loops, the fake Anthropic server with a
// brain that answers each specialist by the `Specialist: <name>.` line of its focus block.
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { runReview } from '../src/agents/roles/reviewer/run.js';
import { shareOfLimits } from '../src/agents/specialists/budget-share.js';
import { routeSpecialists } from '../src/agents/specialists/route.js';
import { VALIDATION_SHARE } from '../src/agents/specialists/specialist-review.js';
import type { ReviewTask } from '../src/domain/agent-task.js';
import type { ReviewResult } from '../src/domain/finding.js';
import { PipelineSettings } from '../src/domain/pipeline-settings.js';
import { DEFAULT_REPO_SETTINGS } from '../src/domain/review-settings.js';
import { FakeAnthropic, type Brain } from '../src/fakes/anthropic/fake-anthropic.js';
import { textOf, toolUse, type MessagesRequest, type ScriptedReply } from '../src/fakes/anthropic/messages.js';
import { specialistOf, toolNamesOf, turnOf } from '../src/fakes/anthropic/specialist-brain.js';
import { TestRepo } from './helpers/git-repo.js';
import { reviewTask } from './helpers/review-task.js';

const API_KEY = 'sk-ant-test-key-0123456789';
const log = pino({ level: 'silent' });
const SESSION = [
  'export interface Session { user: string; token: string; exp: number }',
  '',
  'export function expired(session: Session): boolean {',
  '  // exp is in seconds',
  '  return session.exp < Date.now();',
  '}',
  '',
  'export function sameToken(session: Session, token: string): boolean {',
  '  return session.token === token;',
  '}',
  '',
  'export function claims(raw: string) {',
  '  const parsed: any = JSON.parse(raw);',
  '  return parsed;',
  '}',
  ...Array.from({ length: 15 }, (_, index) => `export const limit${index} = ${index};`),
  '',
].join('\n');
const finding = (line: number, severity: string, category: string, title: string) => ({ path: 'src/auth/session.ts', line, side: 'new', severity, category, confidence: 0.9, title, body: `${title}: explained, with the fix.` });
const TIMING = finding(9, 'major', 'security', 'Token compared with ===');
const TIMING_AGAIN = finding(9, 'minor', 'security', 'Non-constant-time token comparison');
const EXPIRY = finding(5, 'major', 'bug', 'Expiry compares seconds with milliseconds');
const ANY = finding(13, 'minor', 'maintainability', 'Claims typed as any');

/** A reviewer conversation: read the session file, then submit these findings. */
function reviewer(findings: object[], summary: string) {
  return (request: MessagesRequest): ScriptedReply => (turnOf(request) === 1
    ? { content: [toolUse('read_file', { path: 'src/auth/session.ts' })], delayMs: 40 }
    : { content: [toolUse('submit_review', { summary, findings })], delayMs: 40 });
}

/** The validator: `not-confirmed` for the findings of `refuted` categories (read from each finding's header). */
function validator(refuted: string[]) {
  return (request: MessagesRequest): ScriptedReply => {
    const brief = textOf(request.messages[0]!.content);
    const verdicts = [...brief.matchAll(/^## Finding (F\d+): \w+, (\w+),/gm)].map(([, id, category]) => ({
      id, verdict: refuted.includes(category!) ? 'not-confirmed' : 'confirmed', reason: `checked at src/auth/session.ts (${category})`,
    }));
    return { content: [toolUse('submit_verdicts', { verdicts })] };
  };
}

describe('specialist reviews inside one agent job', () => {
  let repo: TestRepo;
  let model: FakeAnthropic;
  let base: string;
  let head: string;
  let small: string;
  let workspace: string;
  let brains: Record<string, Brain> = {};
  const pipeline = (settings: object) => PipelineSettings.parse({ specialists: { tests: { when: 'never' } }, validate: false, max_parallel: 2, ...settings });
  const taskFor = (from: string, to: string, settings: PipelineSettings, limits: Partial<ReviewTask['limits']> = {}): ReviewTask => ({
    ...reviewTask(repo.dir, from, to, { maxTurns: 20, tokenBudget: 200_000, ...limits }),
    model: 'claude-sonnet-4-6',
    review: { settings: { ...DEFAULT_REPO_SETTINGS, pipeline: settings }, guidelines: [], priorFindings: [], resolvedFingerprints: [], notices: [] },
  });
  const review = (task: ReviewTask) => runReview(task, { anthropicApiKey: API_KEY, anthropicBaseUrl: model.url }, workspace, log);
  const reportOf = (result: ReviewResult, name: string) => result.specialists?.find((report) => report.name === name);

  before(async () => {
    repo = await TestRepo.create({ 'src/app.ts': 'export const app = 1;\n' });
    base = await repo.git('rev-parse', 'HEAD');
    head = await repo.commit({ 'src/auth/session.ts': SESSION, 'src/app.ts': 'export const app = 2;\n' }, 'sessions');
    small = await repo.commit({ 'src/app.ts': 'export const app = 3;\n' }, 'a small change');
    model = new FakeAnthropic({
      apiKey: API_KEY,
      brain: (request) => {
        const name = toolNamesOf(request).includes('submit_verdicts') ? 'validator' : (specialistOf(request) ?? 'single');
        const brain = brains[name];
        if (!brain) throw new Error(`no brain for ${name}`);
        return brain(request);
      },
    });
    await model.start();
  });
  after(async () => {
    await model?.stop();
    await repo?.remove();
  });
  beforeEach(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'forgebot-specialists-'));
    model.maxInFlight = 0;
    model.exchanges.length = 0;
    model.requests.length = 0;
  });
  afterEach(() => rm(workspace, { recursive: true, force: true }));

  test('a TS change with an auth file: general, security and typescript at once over one cached prefix; duplicates merged', async () => {
    brains = {
      general: reviewer([EXPIRY, TIMING_AGAIN], 'General view.'),
      security: reviewer([TIMING], 'Security view.'),
      typescript: reviewer([ANY], 'TypeScript view.'),
    };
    const settings = pipeline({});
    const result = await review(taskFor(base, head, settings));

    assert.deepEqual(result.specialists?.map((report) => report.name), ['general', 'security', 'typescript']);
    assert.equal(model.maxInFlight, 2, 'concurrent conversations, never more than max_parallel');
    const firstTurns = model.exchanges.filter(({ request }) => turnOf(request) === 1);
    const first = new Map(firstTurns.map(({ request, response }) => [specialistOf(request), response.usage]));
    assert.equal(firstTurns[0] && specialistOf(firstTurns[0].request), 'general', 'the first conversation answers its first turn before the others start');
    assert.ok(first.get('general')!.cache_creation_input_tokens > 0);
    for (const name of ['security', 'typescript']) {
      assert.ok(first.get(name)!.cache_read_input_tokens > first.get(name)!.input_tokens, `${name} reads tools, system and brief from the cache`);
      assert.ok(first.get(name)!.cache_read_input_tokens >= first.get('general')!.cache_creation_input_tokens);
    }
    const briefs = new Set(firstTurns.map(({ request }) => JSON.stringify((request.messages[0]!.content as object[])[0])));
    assert.equal(briefs.size, 1, 'one brief for all: only the focus block differs');

    const timing = result.findings.find((f) => f.line === 9);
    assert.deepEqual(timing?.raisedBy, ['security', 'general'], 'the duplicate is one finding, its owner first');
    assert.equal(timing?.severity, 'major');
    assert.equal(result.aggregation?.duplicatesMerged, 1);
    assert.deepEqual(result.findings.map((f) => f.line).sort((x, y) => x - y), [5, 9, 13]);
    assert.match(result.summary, /^\*\*General:\*\* General view\.\n\n\*\*Security:\*\* Security view\.\n\n\*\*TypeScript:\*\* TypeScript view\.$/);
    assert.equal(result.truncated, false);
    assert.equal(result.stoppedBy, undefined);
    assert.equal(result.filesReviewed, 2);

    const plan = routeSpecialists({ files: [{ path: 'src/auth/session.ts', changedLines: 30 }, { path: 'src/app.ts', changedLines: 2 }], labels: [], pipeline: settings, model: 'claude-sonnet-4-6' });
    let turns = 0;
    for (const routed of plan.run) {
      const report = reportOf(result, routed.name)!;
      assert.equal(report.usage.turns, 2);
      assert.ok(report.usage.turns <= shareOfLimits(taskFor(base, head, settings).limits, routed.share).maxTurns);
      assert.ok(report.findings >= 1 && (report.costUsd ?? 0) > 0 && report.summary);
      turns += report.usage.turns;
    }
    assert.equal(result.usage.turns, turns, 'usage summed over every conversation');
    assert.deepEqual(model.errors, []);
  });

  test('one specialist stuck at its turn cap: the others\u2019 findings are kept and the result says what it did not review', async () => {
    brains = {
      general: reviewer([EXPIRY], 'General view.'),
      security: () => ({ content: [toolUse('read_file', { path: 'src/app.ts' })] }),
      typescript: reviewer([ANY], 'TypeScript view.'),
    };
    const settings = pipeline({ max_parallel: 3 });
    const task = taskFor(base, head, settings, { maxTurns: 30 });
    const result = await review(task);

    const security = reportOf(result, 'security')!;
    const share = routeSpecialists({ files: [{ path: 'src/auth/session.ts', changedLines: 30 }, { path: 'src/app.ts', changedLines: 2 }], labels: [], pipeline: settings, model: task.model }).run.find((r) => r.name === 'security')!.share;
    const cap = shareOfLimits(task.limits, share).maxTurns;
    assert.ok(cap < task.limits.maxTurns, 'its share of the turns, not all of them');
    assert.equal(security.usage.turns, cap);
    assert.equal(security.stoppedBy, 'turns');
    assert.equal(security.findings, 0);
    assert.deepEqual(result.findings.map((f) => f.title).sort(), [ANY.title, EXPIRY.title].sort(), 'the others\u2019 findings');
    assert.ok(result.notices?.some((notice) => /The security reviewer stopped at the turn limit: not reviewed by it: src\/auth\/session\.ts, src\/app\.ts/.test(notice)));
    assert.match(result.summary, /\*\*Security:\*\* The review stopped at the turn limit/);
    assert.equal(result.truncated, false, 'general reviewed every file: no cap cut the review');
    assert.deepEqual(result.notReviewed, []);
    assert.deepEqual(model.errors, []);
  });

  test('a small change: general alone, exactly the single reviewer\u2019s result', async () => {
    brains = { single: reviewer([finding(1, 'minor', 'bug', 'x')].map((f) => ({ ...f, path: 'src/app.ts' })), 'Small.') };
    const result = await review(taskFor(head, small, pipeline({})));
    assert.equal(result.specialists, undefined);
    assert.equal(result.aggregation, undefined);
    assert.equal(result.findings[0]?.raisedBy, undefined);
    assert.deepEqual(Object.keys(result).sort(), ['carriedForward', 'checks', 'costUsd', 'filesReviewed', 'findings', 'fixed', 'headSha', 'hidden', 'model', 'notRaisedAgain', 'notReviewed', 'notices', 'summary', 'truncated', 'usage']);
    assert.equal(result.summary, 'Small.');
    for (const request of model.requests) assert.equal((request.messages[0]!.content as object[]).length, 1, 'no focus block');
  });

  test('validation: a major finding the validator does not confirm is dropped and listed', async () => {
    brains = {
      general: reviewer([EXPIRY], 'General view.'),
      security: reviewer([TIMING], 'Security view.'),
      typescript: reviewer([ANY], 'TypeScript view.'),
      validator: validator(['bug']),
    };
    const task = taskFor(base, head, pipeline({ validate: true }));
    const result = await review(task);
    assert.deepEqual(result.findings.map((f) => f.title).sort(), [ANY.title, TIMING.title].sort());
    assert.equal(result.aggregation?.validated, 2, 'the two majors were re-checked; the minor was not');
    const dropped = result.aggregation?.dropped ?? [];
    assert.equal(dropped.length, 1);
    assert.equal(dropped[0]?.title, EXPIRY.title);
    assert.deepEqual(dropped[0]?.raisedBy, ['general']);
    assert.match(dropped[0]!.reason, /Not confirmed by the validator/);
    const validatorRequest = model.requests.find((request) => toolNamesOf(request).includes('submit_verdicts'))!;
    assert.ok(validatorRequest.max_tokens <= task.limits.maxOutputTokens);
    const specialistTurns = (result.specialists ?? []).reduce((sum, report) => sum + report.usage.turns, 0);
    assert.equal(result.usage.turns, specialistTurns + 1, 'the validator\u2019s turn counted too');
    assert.ok(shareOfLimits(task.limits, VALIDATION_SHARE).maxTurns >= 3);
    assert.deepEqual(model.errors, []);
  });
});
