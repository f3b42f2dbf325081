// The evaluation corpus (bench/eval/cases): every case loads and passes its schema, and the corpus covers what it must.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaseKind, CaseLanguage, EvalCase, issueText } from '../bench/eval/case-schema.js';
import { CorpusError, loadCases } from '../bench/eval/load-cases.js';
import { materializeCase } from '../bench/eval/materialize.js';

const minimal = { id: 'x-case', language: 'go', kind: 'off-by-one', title: 'A case', base: { 'a.go': 'package a\n' }, head: { 'a.go': 'package a\n\nvar x = 1\n' }, expected: [{ file: 'a.go', lines: [3, 3], category: 'bug', severity: 'major', keywords: ['xvar'] }] };

describe('evaluation corpus', () => {
  test('loads, validates, and covers every language, kind and enough clean cases', async () => {
    const cases = await loadCases();
    assert.ok(cases.length >= 25, `${cases.length} cases`);
    for (const language of CaseLanguage.options) {
      assert.ok(cases.filter((evalCase) => evalCase.language === language).length >= 5, `at least 5 ${language} cases`);
    }
    assert.ok(cases.filter((evalCase) => evalCase.kind === 'clean').length >= 5, 'at least 5 clean cases');
    for (const kind of CaseKind.options) assert.ok(cases.some((evalCase) => evalCase.kind === kind), `a ${kind} case`);
    for (const evalCase of cases.filter((entry) => entry.kind !== 'clean')) {
      assert.ok(evalCase.expected.some((issue) => issue.severity === 'blocker' || issue.severity === 'major'), `${evalCase.id} expects a blocking issue`);
    }
  });

  test('docs and tests have ground truth, and their cases route those specialists, clean ones included', async () => {
    const cases = await loadCases();
    const forcing = (evalCase: EvalCase, name: 'docs' | 'tests') => evalCase.pipeline?.specialists[name]?.when === 'always';
    for (const category of ['docs', 'tests'] as const) {
      const expecting = cases.filter((evalCase) => evalCase.expected.some((issue) => issue.category === category));
      assert.ok(expecting.length >= 3, `at least 3 cases expect a ${category} issue`);
      for (const evalCase of expecting) assert.ok(forcing(evalCase, category), `${evalCase.id} runs the ${category} specialist`);
      assert.ok(cases.some((evalCase) => evalCase.kind === 'clean' && forcing(evalCase, category)), `a clean case the ${category} specialist reviews`);
    }
  });

  test('a case becomes a real git repository: base on main, the change on top', async () => {
    const [evalCase] = (await loadCases()).filter((entry) => entry.id === 'ts-sql-injection');
    const repo = await materializeCase(evalCase!);
    try {
      assert.equal(await repo.repo.git('rev-parse', 'main'), repo.baseSha);
      assert.equal(await repo.repo.git('rev-parse', 'mr^'), repo.baseSha);
      const diff = await repo.repo.git('diff', `${repo.baseSha}...${repo.headSha}`);
      assert.match(diff, /^\+ {2}const sql = `SELECT id, name FROM users WHERE name LIKE/m);
    } finally {
      await repo.repo.remove();
    }
  });

  test('the schema rejects inconsistent cases with the reason', () => {
    assert.ok(EvalCase.safeParse(minimal).success);
    const problems = (value: unknown) => {
      const parsed = EvalCase.safeParse(value);
      assert.equal(parsed.success, false);
      return parsed.error!.issues.map(issueText).join('\n');
    };
    assert.match(problems({ ...minimal, expected: [{ ...minimal.expected[0], lines: [3, 9] }] }), /expected\.0\.lines: a\.go has 3 lines/);
    assert.match(problems({ ...minimal, expected: [{ ...minimal.expected[0], file: 'b.go' }] }), /b\.go is not a file of the head version/);
    assert.match(problems({ ...minimal, kind: 'clean' }), /a clean case expects no issue/);
    assert.match(problems({ ...minimal, head: { '../escape.go': 'x' } }), /head\.\.\.\/escape\.go: Invalid key in record: a relative path inside the repository/);
    assert.match(problems({ ...minimal, expected: [{ ...minimal.expected[0], category: 'vibes' }] }), /expected\.0\.category/);
    assert.match(problems({ ...minimal, surprise: true }), /surprise/);
    assert.match(problems({ ...minimal, expect_dropped: [{ file: 'b.go', lines: [1, 1] }] }), /expect_dropped\.0\.file: b\.go is not a file of the head version/);
    assert.match(problems({ ...minimal, pipeline: { specialists: { security: { when: 'sometimes' } } } }), /pipeline\.specialists\.security\.when/);
    const parsed = EvalCase.parse({ ...minimal, pipeline: { single_reviewer_below_lines: 0 }, expect_dropped: [{ file: 'a.go', lines: [3, 3], raised_by: 'go' }] });
    assert.deepEqual([parsed.pipeline?.validate, parsed.expect_conflicts, EvalCase.parse(minimal).expect_dropped], [true, 0, []], 'pipeline as in .forgebot.yml, with its defaults');
  });

  test('every problem of every case file is reported at once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'forgebot-eval-cases-'));
    try {
      await mkdir(join(dir, 'go'));
      await mkdir(join(dir, 'php'));
      await writeFile(join(dir, 'go', 'one.yaml'), JSON.stringify(minimal));
      await writeFile(join(dir, 'go', 'two.yaml'), JSON.stringify(minimal));
      await writeFile(join(dir, 'php', 'three.yaml'), JSON.stringify({ ...minimal, id: 'other-case' }));
      await writeFile(join(dir, 'php', 'four.yaml'), 'id: [unclosed');
      await assert.rejects(loadCases(dir), (error: unknown) => {
        assert.ok(error instanceof CorpusError);
        assert.match(error.message, /go\/two\.yaml: duplicate id x-case/);
        assert.match(error.message, /php\/three\.yaml: language go is not its folder's \(php\)/);
        assert.match(error.message, /php\/four\.yaml: not valid YAML/);
        return true;
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
