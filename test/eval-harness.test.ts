// The evaluation harness end to end: real git repositories, the real runner, the fake Anthropic server answered by
// the heuristic reviewer over HTTP; and the `forgebot eval` command.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import type { EvalCase } from '../bench/eval/case-schema.js';
import { loadCases } from '../bench/eval/load-cases.js';
import { formatReport, writeReport } from '../bench/eval/report.js';
import { runEval, type EvalReport } from '../bench/eval/run-eval.js';
import { FakeAnthropic } from '../src/fakes/anthropic/fake-anthropic.js';
import { heuristicFindings } from '../src/fakes/anthropic/heuristic-reviewer.js';

const run = promisify(execFile);
const log = pino({ level: 'silent' });
const pick = async (...ids: string[]) => (await loadCases()).filter((evalCase) => ids.includes(evalCase.id));
const outcome = (report: EvalReport, id: string) => report.cases.find((entry) => entry.id === id)!;

describe('evaluation harness', () => {
  test('three cases through the real runner: a hit, a clean pass, a hit next to a false positive', async () => {
    const cases = await pick('ts-sql-injection', 'ts-clean-refactor', 'ts-off-by-one');
    const seen: string[] = [];
    const report = await runEval(cases, { target: { kind: 'heuristic' }, log, specialists: false, onCase: (entry, mode) => seen.push(`${entry.id} ${mode}`) });
    assert.deepEqual(seen, cases.map((evalCase) => `${evalCase.id} single`));
    assert.equal(report.specialists, undefined, 'the single reviewer only, when asked');

    const sql = outcome(report, 'ts-sql-injection');
    assert.equal(sql.error, undefined);
    assert.deepEqual(sql.blocking.map(({ path, line, category }) => ({ path, line, category })), [{ path: 'src/users.ts', line: 9, category: 'security' }]);
    assert.deepEqual([sql.match.found, sql.match.falsePositives], [1, 0]);
    assert.equal(sql.usage?.turns, 2, 'the reviewer read the file through a tool, then submitted');
    const sent = (sql.usage?.inputTokens ?? 0) + (sql.usage?.cacheReadTokens ?? 0) + (sql.usage?.cacheWriteTokens ?? 0);
    assert.ok(sent > 0 && (sql.usage?.cacheReadTokens ?? 0) > 0, 'the second turn read the brief from the prompt cache');
    assert.ok((sql.costUsd ?? 0) > 0 && sql.latencyMs > 0);

    assert.deepEqual([outcome(report, 'ts-clean-refactor').blocking, outcome(report, 'ts-clean-refactor').match.falsePositives], [[], 0]);
    // The heuristic finds the bug of line 12, and also flags the correct `end <= values.length` of line 8 (slice's end
    // is exclusive): a false positive, scored as such.
    const offByOne = outcome(report, 'ts-off-by-one');
    assert.deepEqual(offByOne.blocking.map((finding) => finding.line), [8, 12]);
    assert.deepEqual([offByOne.match.found, offByOne.match.falsePositives], [1, 1]);

    assert.equal(report.score.cleanCases, 1);
    assert.equal(report.score.overall.expected, 2);
    assert.equal(report.score.overall.truePositives, sql.match.truePositives + offByOne.match.truePositives);
    assert.equal(report.totals.costUsd, report.cases.reduce((sum, entry) => sum + (entry.costUsd ?? 0), 0));

    const text = formatReport(report);
    assert.match(text, /^ts-sql-injection +typescript +sql-injection +1 +1 +0 +1 /m);
    assert.match(text, /false-positive rate \(clean cases with a blocker\/major finding\): 0\/1 = 0%/);
    const dir = await mkdtemp(join(tmpdir(), 'forgebot-eval-out-'));
    try {
      const path = await writeReport(report, join(dir, 'nested', 'report.json'));
      assert.deepEqual(JSON.parse(await readFile(path, 'utf8')), JSON.parse(JSON.stringify(report)));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('the reviewer never sees the expected answers: moving them changes the score, not the findings', async () => {
    const [real] = await pick('go-sql-injection');
    const moved: EvalCase = { ...real!, expected: real!.expected.map((issue) => ({ ...issue, lines: [1, 1] as [number, number] })) };
    const [before, after] = await Promise.all([runEval([real!], { target: { kind: 'heuristic' }, log, specialists: false }), runEval([moved], { target: { kind: 'heuristic' }, log, specialists: false })]);
    assert.deepEqual(after.cases[0]!.blocking, before.cases[0]!.blocking);
    assert.deepEqual([before.cases[0]!.match.found, before.cases[0]!.match.falsePositives], [1, 0]);
    assert.deepEqual([after.cases[0]!.match.found, after.cases[0]!.match.falsePositives], [0, 1]);
  });

  test('a case the runner cannot review is reported as an error and scored as finding nothing', async () => {
    const cases = await pick('py-sql-injection');
    const model = new FakeAnthropic({ apiKey: 'sk-ant-the-right-key-0000' });
    const { url } = await model.start();
    try {
      const target = { kind: 'anthropic' as const, apiKey: 'sk-ant-a-wrong-key-0000', baseUrl: url, model: 'claude-sonnet-4-6' };
      const report = await runEval(cases, { target, log });
      const entry = report.cases[0]!;
      assert.match(entry.error ?? '', /401|authentication|x-api-key/i);
      assert.doesNotMatch(entry.error ?? '', /a-wrong-key/);
      assert.deepEqual([entry.match.found, entry.match.missed.length, report.score.overall.recall], [0, 1, 0]);
      assert.match(report.specialists?.cases[0]?.error ?? '', /401|authentication|x-api-key/i, 'the specialist run fails the same way');
      assert.deepEqual(report.specialists?.failed, ['py-sql-injection']);
      assert.match(formatReport(report), /error: /);
    } finally {
      await model.stop();
    }
  });

  test('the heuristic rules, per language, on added lines only', () => {
    const go = ['package x', 'func F(db *sql.DB, c string) {', '\tq := fmt.Sprintf("SELECT * FROM t ORDER BY %s", c)', '\tdb.Query(q)', '}'];
    assert.deepEqual(heuristicFindings('x.go', go, new Set([3])).map((finding) => [finding.line, finding.category, finding.severity]), [[3, 'security', 'blocker']]);
    assert.deepEqual(heuristicFindings('x.go', go, new Set([4])), [], 'an unchanged line is not judged');
    const php = ['<?php', '$name = $_GET["n"];', 'echo "<b>$name</b>";', 'echo "<b>" . htmlspecialchars($name) . "</b>";'];
    assert.deepEqual(heuristicFindings('x.php', php, new Set([3, 4])).map((finding) => finding.line), [3]);
    const py = ['def f(cur, ids):', '    for i in ids:', '        cur.execute("SELECT 1 FROM t WHERE id = %s", (i,))'];
    assert.deepEqual(heuristicFindings('x.py', py, new Set([3])).map((finding) => finding.category), ['performance']);
    assert.deepEqual(heuristicFindings('README.md', ['eval(x)'], new Set([1])), [], 'unknown languages are not judged');
  });
});

describe('forgebot eval', () => {
  const cli = (args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'eval', ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn' }, timeout: 120_000 })
      .then(({ stdout, stderr }) => ({ code: 0, stdout, stderr }), (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }));

  test('runs the chosen cases with the heuristic model when no API key is set, prints the table and writes JSON', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'forgebot-eval-cli-'));
    try {
      const out = join(dir, 'report.json');
      const result = await cli(['--case', 'php-xss', '--case', 'go-clean-errors', '--out', out]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /forgebot eval — heuristic \(scripted-heuristic-reviewer\), 2 cases/);
      assert.match(result.stdout, /^php-xss +php +xss +1 +1 +0 /m);
      const report = JSON.parse(await readFile(out, 'utf8')) as EvalReport;
      assert.deepEqual(report.cases.map((entry) => entry.id).sort(), ['go-clean-errors', 'php-xss']);
      assert.equal(report.score.overall.recall, 1);
      assert.equal(report.specialists?.score.overall.recall, 1, 'and through the specialist pipeline');
      assert.match(result.stdout, /^single reviewer vs specialist pipeline/m);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('an unknown case id, a bad --reviewer, or --reviewer anthropic without a key is a clear error', async () => {
    const unknown = await cli(['--case', 'no-such-case', '--reviewer', 'heuristic']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^forgebot eval: unknown case id\(s\): no-such-case \(known: /m);
    const reviewer = await cli(['--reviewer', 'oracle']);
    assert.deepEqual([reviewer.code, reviewer.stderr], [2, 'forgebot eval: --reviewer must be heuristic or anthropic, not oracle\n']);
    const keyless = await cli(['--reviewer', 'anthropic', '--case', 'php-xss']);
    assert.equal(keyless.code, 2);
    assert.match(keyless.stderr, /^forgebot eval: --reviewer anthropic needs ANTHROPIC_API_KEY$/m);
  });
});
