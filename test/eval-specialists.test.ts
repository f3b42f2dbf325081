// The heuristic fake model as specialists and as the validator, and the specialist pipeline through the evaluation
// harness end to end (the conflict and the validation cases, single reviewer and specialists).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { EvalCase } from '../bench/eval/case-schema.js';
import { loadCases } from '../bench/eval/load-cases.js';
import { materializeCase } from '../bench/eval/materialize.js';
import { formatReport } from '../bench/eval/report.js';
import { runEval } from '../bench/eval/run-eval.js';
import { reviewCase, specialistPipeline } from '../bench/eval/runner-adapter.js';
import { VALIDATION_DROP_PREFIX } from '../bench/eval/score-specialists.js';
import { validatorBrief } from '../src/agents/roles/validator/brief.js';
import type { ReviewedFinding } from '../src/domain/finding.js';
import { FakeAnthropic } from '../src/fakes/anthropic/fake-anthropic.js';
import { heuristicFindings, heuristicReviewer } from '../src/fakes/anthropic/heuristic-reviewer.js';
import { parameterisedQuery, specialistRules, taggedTemplateQuery } from '../src/fakes/anthropic/heuristic-specialist.js';
import { briefItems, heuristicValidator } from '../src/fakes/anthropic/heuristic-validator.js';
import type { MessagesRequest } from '../src/fakes/anthropic/messages.js';

const log = pino({ level: 'silent' });

const TS = [
  "import { pool } from './db.js';",
  'export async function f(customerId: string, ids: string[], values: number[]) {',
  "  const { rows } = await pool.query(`SELECT id FROM orders WHERE customer_id = '${customerId}'`);",
  '  for (let i = 0; i <= values.length; i++) total += values[i];',
  '  for (const id of ids) {',
  "    await pool.query('SELECT 1 FROM t WHERE id = $1', [id]);",
  '  }',
  "  const all = await pool.query('SELECT id FROM t');",
  '  return rows;',
  '}',
];
const ALL_LINES = new Set(TS.map((_, index) => index + 1));
const flagged = (name: string, path = 'src/f.ts') => heuristicFindings(path, TS, ALL_LINES, specialistRules(name)).map((finding) => `${finding.line} ${finding.category}${finding.suggestion ? ' +suggestion' : ''}`);

/** A reviewer conversation's second turn: the brief (with the diff), the focus block, one read_file and its result. */
function secondTurn(focus: string | undefined, path: string, lines: readonly string[]): MessagesRequest {
  const diff = [`diff --git a/${path} b/${path}`, `--- a/${path}`, `+++ b/${path}`, `@@ -0,0 +1,${lines.length} @@`, ...lines.map((line) => `+${line}`)].join('\n');
  const numbered = lines.map((line, index) => `${String(index + 1).padStart(6)}  ${line}`).join('\n');
  return {
    model: 'claude-sonnet-4-6', max_tokens: 1_000, tools: [{ name: 'read_file' }, { name: 'submit_review' }],
    messages: [
      { role: 'user', content: [{ type: 'text', text: `Review this change.\n${diff}` }, ...(focus ? [{ type: 'text', text: focus }] : [])] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'read_file', input: { path } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: numbered }] },
    ],
  };
}

function submitted(reply: ReturnType<typeof heuristicReviewer>, tool: string): Record<string, unknown> {
  assert.ok('content' in reply);
  const use = reply.content.find((block) => block.type === 'tool_use' && block.name === tool);
  assert.ok(use && use.type === 'tool_use', `a ${tool} call`);
  return use.input;
}

describe('heuristic specialists', () => {
  test('each specialist applies only the rules of its field', () => {
    assert.deepEqual(flagged('general'), ['3 security', '4 bug', '6 performance'], "general: today's rules");
    assert.deepEqual(flagged('security'), ['3 security +suggestion']);
    // The deliberately over-eager rule also flags lines 3 and 8 (queries run once, next to a loop): only the validator tells.
    assert.deepEqual(flagged('performance'), ['3 performance', '6 performance', '8 performance']);
    assert.deepEqual(flagged('typescript'), ['3 security +suggestion', '4 bug'], 'bug rules and its own SQL-template trap');
    assert.deepEqual(flagged('python'), [], 'a language specialist leaves other languages alone');
    assert.deepEqual([flagged('tests'), flagged('docs')], [[], []], 'no assertion and no doc comment here (their rules: eval-docs-tests.test.ts)');
  });

  test('security and the TypeScript specialist rewrite the same line differently', () => {
    const line = TS[2]!;
    assert.equal(parameterisedQuery(line), "  const { rows } = await pool.query('SELECT id FROM orders WHERE customer_id = $1', [customerId]);");
    assert.equal(taggedTemplateQuery(line), '  const { rows } = await pool.query(sql`SELECT id FROM orders WHERE customer_id = ${customerId}`);');
    assert.equal(parameterisedQuery("  pool.query(`SELECT 1 FROM t WHERE name LIKE '%${name}%' AND id = ${id}`);"), "  pool.query('SELECT 1 FROM t WHERE name LIKE $1 AND id = $2', [`%${name}%`, id]);");
    assert.equal(parameterisedQuery('  const sql = `SELECT 1 FROM t WHERE id = ${id}`;'), undefined, 'only a template literal passed to the driver');
  });

  test('the brain answers as the specialist its focus block names, and as before without one', () => {
    const findings = (focus?: string) => (submitted(heuristicReviewer(secondTurn(focus, 'src/f.ts', TS)), 'submit_review').findings as ReviewedFinding[]).map((finding) => finding.line);
    assert.deepEqual(findings(), [3, 4, 6]);
    assert.deepEqual(findings('Specialist: general.\nYou are the generalist.'), [3, 4, 6]);
    assert.deepEqual(findings('Specialist: performance.\nYou look for work that grows.'), [3, 6, 8]);
    assert.deepEqual(findings('Specialist: security.\nYou review this change as an attacker would.'), [3]);
  });
});

describe('heuristic validator', () => {
  const numbered = (lines: readonly string[], from: number, to: number) => lines.slice(from - 1, to).map((line, index) => `${String(from + index).padStart(6)}  ${line}`);
  const finding = (line: number, category: ReviewedFinding['category'], title: string): ReviewedFinding =>
    ({ path: 'src/f.ts', line, side: 'new', severity: 'major', category, confidence: 0.7, title, body: 'Claimed.', raisedBy: ['performance'] });
  const brief = validatorBrief({
    headSha: 'abc1234',
    items: [
      { id: 'F1', finding: finding(6, 'performance', 'Query inside a loop (N+1)'), lines: { kind: 'lines', numbered: numbered(TS, 1, 10), total: 10, end: 10 } },
      { id: 'F2', finding: finding(8, 'performance', 'Query next to a loop (possible N+1)'), lines: { kind: 'lines', numbered: numbered(TS, 1, 10), total: 10, end: 10 } },
      { id: 'F3', finding: { ...finding(4, 'security', 'Wrong category for this line'), startLine: 3 }, lines: { kind: 'lines', numbered: numbered(TS, 1, 10), total: 10, end: 10 } },
    ],
  });
  const request = (messages: MessagesRequest['messages']): MessagesRequest => ({ model: 'claude-sonnet-4-6', max_tokens: 1_000, tools: [{ name: 'read_file' }, { name: 'search_code' }, { name: 'submit_verdicts' }], messages });

  test('reads the brief: ids, categories, line ranges', () => {
    assert.deepEqual(briefItems(brief).map(({ id, category, startLine, line }) => [id, category, startLine, line]), [['F1', 'performance', 6, 6], ['F2', 'performance', 8, 8], ['F3', 'security', 3, 4]]);
  });

  test('reads the file, then confirms only what a precise rule of the category shows on the lines', () => {
    const first = heuristicReviewer(request([{ role: 'user', content: brief }]));
    assert.deepEqual(submitted(first, 'read_file'), { path: 'src/f.ts' }, 'the brain entry dispatches validator requests');
    const result = TS.map((line, index) => `${String(index + 1).padStart(6)}  ${line}`).join('\n');
    const second = heuristicValidator(request([
      { role: 'user', content: brief },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_v', name: 'read_file', input: { path: 'src/f.ts' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_v', content: result }] },
    ]));
    const verdicts = submitted(second, 'submit_verdicts').verdicts as { id: string; verdict: string; reason: string }[];
    assert.deepEqual(verdicts.map(({ id, verdict }) => [id, verdict]), [['F1', 'confirmed'], ['F2', 'not-confirmed'], ['F3', 'confirmed']]);
    assert.match(verdicts[0]!.reason, /src\/f\.ts:6 .*rule n-plus-one/);
    assert.match(verdicts[1]!.reason, /^src\/f\.ts:8 \(`const all = await pool\.query\('SELECT id FROM t'\);`\) does not show a performance problem/);
    assert.match(verdicts[2]!.reason, /src\/f\.ts:3 .*rule sql-built/, 'any line of a multi-line finding');
  });

  test('a file it could not read is not confirmed', () => {
    const reply = heuristicValidator(request([
      { role: 'user', content: brief },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_v', name: 'read_file', input: { path: 'src/f.ts' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_v', content: 'no such file', is_error: true }] },
    ]));
    const verdicts = submitted(reply, 'submit_verdicts').verdicts as { verdict: string; reason: string }[];
    assert.ok(verdicts.every((verdict) => verdict.verdict === 'not-confirmed' && /could not be read/.test(verdict.reason)));
  });
});

describe('specialist pipeline in the evaluation', () => {
  const pick = async (...ids: string[]) => (await loadCases()).filter((evalCase) => ids.includes(evalCase.id));

  test('the conflict and the validation cases, single reviewer and specialists', async () => {
    const cases = await pick('ts-sql-conflicting-fixes', 'py-batched-authors');
    const seen: string[] = [];
    const report = await runEval(cases, { target: { kind: 'heuristic' }, log, onCase: (entry, mode) => seen.push(`${entry.id} ${mode}`) });
    assert.deepEqual(seen, ['py-batched-authors single', 'py-batched-authors specialists', 'ts-sql-conflicting-fixes single', 'ts-sql-conflicting-fixes specialists']);
    const single = (id: string) => report.cases.find((entry) => entry.id === id)!;
    const specialists = report.specialists!;
    const pipeline = (id: string) => specialists.cases.find((entry) => entry.id === id)!;

    // The single reviewer: the injection once, no suggestion contest; the batched query not flagged at all.
    assert.deepEqual(single('ts-sql-conflicting-fixes').blocking.map(({ line, category, raisedBy }) => ({ line, category, raisedBy })), [{ line: 9, category: 'security', raisedBy: undefined }]);
    assert.deepEqual(single('py-batched-authors').blocking, []);

    // Specialists: three raised the injection, one finding is posted, one of the two suggestions was left out.
    const conflict = pipeline('ts-sql-conflicting-fixes');
    assert.deepEqual(conflict.blocking.map(({ line, raisedBy }) => ({ line, raisedBy })), [{ line: 9, raisedBy: ['security', 'general', 'typescript'] }]);
    assert.deepEqual([conflict.match.found, conflict.match.falsePositives], [1, 0]);
    assert.deepEqual([conflict.aggregation.duplicatesMerged, conflict.aggregation.conflictsResolved, conflict.aggregation.dropped.length], [2, 1, 0]);
    assert.deepEqual(conflict.specialists.map((entry) => [entry.name, entry.raised, entry.match.truePositives]), [['general', 1, 1], ['security', 1, 1], ['performance', 0, 0], ['typescript', 1, 1]]);

    // Validation drops the over-eager performance finding: the clean case stays clean.
    const batched = pipeline('py-batched-authors');
    assert.deepEqual(batched.blocking, []);
    assert.deepEqual(batched.aggregation.dropped.map(({ path, line, raisedBy }) => ({ path, line, raisedBy })), [{ path: 'app/feed.py', line: 3, raisedBy: ['performance'] }]);
    assert.ok(batched.aggregation.dropped[0]!.reason.startsWith(VALIDATION_DROP_PREFIX));
    assert.deepEqual([batched.expectations, conflict.expectations], [{ met: true, problems: [] }, { met: true, problems: [] }]);

    assert.deepEqual(specialists.failed, []);
    assert.deepEqual(specialists.aggregation, { duplicatesMerged: 2, conflictsResolved: 1, validated: 2, droppedByValidation: 1, droppedOnExpected: 0 });
    assert.equal(specialists.bySpecialist.performance?.droppedByValidation, 1);
    assert.equal(specialists.bySpecialist.security?.overall.precision, 1);
    assert.equal(specialists.bySpecialist.python?.cases, 1);
    assert.ok((specialists.totals.costUsd ?? 0) > (report.totals.costUsd ?? Infinity), 'four reviewers and a validator cost more than one reviewer');
    assert.ok(specialists.cases.every((entry) => entry.specialists.every((specialist) => (specialist.costUsd ?? 0) > 0 && specialist.usage.turns === 2)));

    const text = formatReport(report);
    assert.match(text, /^ts-sql-conflicting-fixes +typescript +sql-injection +1 +1 +0 +1 +\d+ ms +\$[\d.]+ +1 +0 +\d+ ms +\$[\d.]+ +2 merged, 1 conflict$/m);
    assert.match(text, /^py-batched-authors .* 1 dropped by validation$/m);
    assert.match(text, /^specialists +1 +0 +100% +100% +0\/1 /m);
    assert.match(text, /^performance +2 +1 +0 +0 +— +0% +— +— +1 /m);
    assert.match(text, /aggregation: 2 duplicates merged, 1 conflicting suggestions settled, 2 findings validated, 1 dropped by validation/);
  });

  test('the kept suggestion is the security specialist\'s bound parameters', async () => {
    const [evalCase] = await pick('ts-sql-conflicting-fixes');
    const apiKey = 'sk-ant-eval-specialists-0000';
    const fake = new FakeAnthropic({ apiKey, brain: heuristicReviewer });
    const { url } = await fake.start();
    const repo = await materializeCase(evalCase!);
    const workspace = await mkdtemp(join(tmpdir(), 'forgebot-eval-sp-'));
    try {
      const result = await reviewCase(evalCase!, repo, { apiKey, baseUrl: url, model: 'claude-sonnet-4-6' }, workspace, log, specialistPipeline(evalCase!));
      assert.deepEqual(result.findings.map((finding) => finding.suggestion), ["  const { rows } = await pool.query('SELECT id, total FROM orders WHERE customer_id = $1 AND status = $2', [customerId, status]);"]);
      assert.deepEqual(result.specialists?.map((entry) => entry.name), ['general', 'security', 'performance', 'typescript']);
      // The TypeScript specialist's tagged template lost: listed as a suggestion left out, not as a validation drop.
      assert.deepEqual(result.aggregation?.dropped.map(({ line, raisedBy }) => ({ line, raisedBy })), [{ line: 9, raisedBy: ['typescript'] }]);
      assert.match(result.aggregation?.dropped[0]?.reason ?? '', /^Merged as a duplicate into "SQL built from strings/);
      assert.deepEqual(fake.errors, []);
    } finally {
      await Promise.all([fake.stop(), repo.repo.remove(), rm(workspace, { recursive: true, force: true })]);
    }
  });

  test('a case that misses its pipeline expectations fails: no validation, no drop, a flagged clean case', async () => {
    const [real] = await pick('py-batched-authors');
    const unvalidated: EvalCase = { ...real!, pipeline: { ...specialistPipeline(real!), validate: false } };
    const report = await runEval([unvalidated], { target: { kind: 'heuristic' }, log });
    const entry = report.specialists!.cases[0]!;
    assert.deepEqual(entry.expectations.problems, ['validation did not drop a finding of performance on app/feed.py:3-3']);
    assert.deepEqual(report.specialists!.failed, ['py-batched-authors']);
    assert.deepEqual([entry.match.falsePositives, report.specialists!.score.cleanCasesFlagged, report.score.cleanCasesFlagged], [1, 1, 0]);
    assert.match(formatReport(report), /FAILED: validation did not drop/);
  });
});
