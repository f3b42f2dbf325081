// The heuristic docs and tests specialists (outdated doc comments, undocumented exports, assertions that cannot fail,
// changed functions no test calls), their validator checks, and the corpus's docs/tests cases through the harness.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { loadCases } from '../bench/eval/load-cases.js';
import { runEval } from '../bench/eval/run-eval.js';
import { checkExpectations } from '../bench/eval/score-specialists.js';
import { emptyUsage, type ReviewedFinding } from '../src/domain/finding.js';
import { docsFindings } from '../src/fakes/anthropic/heuristic-docs.js';
import { heuristicReviewer } from '../src/fakes/anthropic/heuristic-reviewer.js';
import { changedFunctions, testFilesCalling, unfailingAssertion } from '../src/fakes/anthropic/heuristic-tests.js';
import { judge } from '../src/fakes/anthropic/heuristic-validator.js';
import type { MessagesRequest } from '../src/fakes/anthropic/messages.js';

const log = pino({ level: 'silent' });
const lineSet = (...lines: number[]) => new Set(lines);
const numbered = (lines: readonly string[]) => lines.map((line, index) => `${String(index + 1).padStart(6)}  ${line}`).join('\n');

const USERS = [
  '/**',
  ' * The user with this id.',
  ' * Returns null when no user has the id.',
  ' */',
  'export function findUser(id: string): User {',
  '  const user = users.get(id);',
  '  if (user === undefined) throw new NotFoundError(id);',
  '  return user;',
  '}',
  '',
  '/** The user with this email; returns null when there is none. */',
  'export function byEmail(email: string): User | null {',
  '  return [...users.values()].find((user) => user.email === email) ?? null;',
  '}',
];

describe('heuristic docs rules', () => {
  test('a doc comment the changed body contradicts, not one that still holds or was updated', () => {
    assert.deepEqual(docsFindings('src/users.ts', USERS, 'typescript', lineSet(5, 6, 7, 8, 13)).map((finding) => [finding.line, finding.category, finding.severity]), [[3, 'docs', 'major']]);
    assert.deepEqual(docsFindings('src/users.ts', USERS, 'typescript', lineSet(3, 5, 6, 7, 8)), [], 'the comment changed with the code');
    assert.deepEqual(docsFindings('src/users.ts', USERS, 'typescript', lineSet(11)), [], 'the body did not change');
  });

  test('docstrings, docblocks and "throws" claims', () => {
    const python = ['def port(value):', '    """The port.', '', '    Returns None when it is not a number.', '    """', '    if not value.isdigit():', '        raise ValueError(value)', '    return int(value)'];
    assert.deepEqual(docsFindings('app/config.py', python, 'python', lineSet(7)).map((finding) => finding.line), [4]);
    const php = ['<?php', 'class Repo', '{', '    /** @throws NotFound when the id is unknown */', '    public function find(int $id): ?array', '    {', '        return $this->rows[$id] ?? null;', '    }', '}'];
    assert.deepEqual(docsFindings('src/Repo.php', php, 'php', lineSet(7)).map((finding) => finding.line), [4], 'it no longer throws');
    const never = ['/** Never throws an error: returns a default. */', 'export function safe(x: string): number {', '  return Number(x) || 0;', '}'];
    assert.deepEqual(docsFindings('src/safe.ts', never, 'typescript', lineSet(3)), [], 'a negated claim is no claim');
  });

  test('a new export without docs only where the module documents its other exports', () => {
    const documented = ['// NewStock returns an empty stock.', 'func NewStock() *Stock {', '\treturn &Stock{}', '}', '', 'func (s *Stock) Remove(sku string) {', '\tdelete(s.units, sku)', '}', '', 'func helper() {}'];
    const found = docsFindings('inventory/stock.go', documented, 'go', lineSet(6, 7, 8, 10));
    assert.deepEqual(found.map((finding) => finding.line), [6], 'helper is unexported');
    assert.match(found[0]!.title, /^New public API without a doc comment: `func \(s \*Stock\) Remove/);
    const undocumented = ['export function a() {', '  return 1;', '}', '', 'export function b() {', '  return 2;', '}'];
    assert.deepEqual(docsFindings('src/ab.ts', undocumented, 'typescript', lineSet(5, 6, 7)), [], 'no convention to follow');
    const python = ['def shown():', '    """Documented."""', '    return 1', '', '', 'def added():', '    def inner():', '        return 2', '    return inner()'];
    assert.deepEqual(docsFindings('app/m.py', python, 'python', lineSet(6, 7, 8, 9)).map((finding) => finding.line), [6], 'a nested helper is not public API');
  });
});

describe('heuristic tests rules', () => {
  test('assertions that cannot fail', () => {
    const cannot = [
      'expect(slug).toBe(slug);',
      'expect(total(items)).toEqual(total(items));',
      "assert.equal(result, result, 'same');",
      'assert parse(x) == parse(x)',
      'self.assertEqual(value, value)',
      '$this->assertSame($user, $user);',
      'assert.Equal(t, got, got)',
      'expect(true).toBeTruthy();',
      'assert True',
      'expect(1).toBe(1);',
    ];
    for (const line of cannot) assert.ok(unfailingAssertion(line, []), line);
    const can = ["expect(slugify('A b')).toBe('a-b');", 'assert.equal(findUser(id), null);', 'assert parse_port("80") == 80', 'assert result', 'self.assertTrue(user.active)', '$this->assertSame(\'Ada\', $repo->find(1));', 'assert.ok(false)'];
    for (const line of can) assert.equal(unfailingAssertion(line, []), undefined, line);
  });

  test("a mock asserted to return its own canned value, not the code under test's result", () => {
    const python = ['gateway = Mock()', 'gateway.charge.return_value = "r1"'];
    assert.match(unfailingAssertion('    assert gateway.charge(900) == "r1"', python) ?? '', /mock `gateway\.charge`/);
    assert.equal(unfailingAssertion('    assert checkout(gateway, 900) == "r1"', python), undefined);
    assert.equal(unfailingAssertion('    assert gateway.charge(900) == "r2"', python), undefined);
    const jest = ['const fetchUser = jest.fn().mockReturnValue(ada);'];
    assert.ok(unfailingAssertion('  expect(fetchUser(1)).toBe(ada);', jest));
    assert.ok(unfailingAssertion('  expect(await api.get()).toEqual(rows);', ['api.get.mockResolvedValue(rows);']));
    assert.equal(unfailingAssertion('  expect(fetchUser(1)).toBe(ada);', []), undefined, 'a mock set up below does not count');
  });

  test('changed public functions of source files, and the test files among search results', () => {
    const source = ['/** The discount. */', 'export function discount(c: number): number {', '  if (c > 9) return 1;', '  return 0;', '}', '', 'function local() {', '  return 2;', '}'];
    assert.deepEqual(changedFunctions('src/pricing.ts', source, 'typescript', lineSet(1, 3, 8)), [{ path: 'src/pricing.ts', name: 'discount', line: 3 }], 'a doc-only change is not a code change; local is private');
    assert.deepEqual(changedFunctions('test/pricing.test.ts', source, 'typescript', lineSet(3)), [], 'tests themselves are not candidates');
    assert.deepEqual(testFilesCalling('src/cart.ts:4:  discount(total)\ntest/pricing.test.ts:9:  assert.equal(discount(5), 0);\nno matches'), ['test/pricing.test.ts']);
  });
});

describe('heuristic tests specialist and validator', () => {
  const SOURCE = ['/** The discount. */', 'export function discount(c: number): number {', '  if (c > 9) return 1;', '  return 0;', '}'];
  const diff = ['diff --git a/src/pricing.ts b/src/pricing.ts', '--- a/src/pricing.ts', '+++ b/src/pricing.ts', '@@ -1,4 +1,5 @@', ' /** The discount. */', ' export function discount(c: number): number {', '+  if (c > 9) return 1;', '   return 0;', ' }'].join('\n');
  const block = (id: string, name: string, input: Record<string, unknown>) => ({ type: 'tool_use', id, name, input });
  const result = (id: string, content: string) => ({ type: 'tool_result', tool_use_id: id, content });
  const conversation = (...turns: MessagesRequest['messages']): MessagesRequest => ({
    model: 'claude-sonnet-4-6', max_tokens: 1_000, tools: [{ name: 'read_file' }, { name: 'list_files' }, { name: 'search_code' }, { name: 'submit_review' }],
    messages: [{ role: 'user', content: [{ type: 'text', text: `Review this change.\n${diff}` }, { type: 'text', text: 'Specialist: tests.\nYou check tests.' }] }, ...turns],
  });
  const reply = (request: MessagesRequest) => {
    const answer = heuristicReviewer(request);
    assert.ok('content' in answer);
    return answer.content.flatMap((entry) => (entry.type === 'tool_use' ? [{ name: entry.name, input: entry.input }] : []));
  };
  const read = [{ role: 'assistant' as const, content: [block('r1', 'read_file', { path: 'src/pricing.ts' }), block('l1', 'list_files', { directory: '.' })] }, { role: 'user' as const, content: [result('r1', numbered(SOURCE)), result('l1', 'src/pricing.ts\ntest/pricing.test.ts')] }];

  test('reads and lists, searches for the changed function, then flags it when no test calls it', () => {
    assert.deepEqual(reply(conversation()), [{ name: 'read_file', input: { path: 'src/pricing.ts' } }, { name: 'list_files', input: { directory: '.' } }]);
    assert.deepEqual(reply(conversation(...read)), [{ name: 'search_code', input: { pattern: 'discount(' } }]);
    const searched = (output: string) => reply(conversation(...read, { role: 'assistant', content: [block('s1', 'search_code', { pattern: 'discount(' })] }, { role: 'user', content: [result('s1', output)] }));
    const flagged = searched('src/pricing.ts:2:export function discount(c: number): number {')[0]?.input.findings as ReviewedFinding[];
    assert.deepEqual(flagged.map(({ line, category, title }) => [line, category, title]), [[3, 'tests', 'Changed behaviour without a test: `discount`']]);
    assert.deepEqual(searched('test/pricing.test.ts:5:  assert.equal(discount(10), 1);')[0]?.input.findings, [], 'a test calls it');
  });

  test('a project without test files gets no "add a test" finding', () => {
    const untested = [read[0]!, { role: 'user' as const, content: [result('r1', numbered(SOURCE)), result('l1', 'src/pricing.ts\nREADME.md')] }];
    assert.deepEqual(reply(conversation(...untested)), [{ name: 'submit_review', input: { summary: 'Heuristic reviewer: no rule matched the added lines.', findings: [] } }]);
  });

  test('the validator confirms an untested function only when no test calls it, and docs claims from the head', () => {
    const item = { id: 'F1', category: 'tests', path: 'src/pricing.ts', startLine: 3, line: 3, removed: false };
    assert.equal(judge(item, SOURCE, () => 'src/pricing.ts:2:export function discount(').verdict, 'confirmed');
    const covered = judge(item, SOURCE, () => 'test/pricing.test.ts:5:  discount(10)');
    assert.deepEqual([covered.verdict, /test\/pricing\.test\.ts/.test(covered.reason)], ['not-confirmed', true]);
    assert.equal(judge(item, SOURCE).verdict, 'not-confirmed', 'not searched: nothing shows it');
    const docs = { ...item, category: 'docs', path: 'src/users.ts' };
    assert.equal(judge({ ...docs, startLine: 3, line: 3 }, USERS).verdict, 'confirmed');
    assert.equal(judge({ ...docs, startLine: 11, line: 11 }, USERS).verdict, 'not-confirmed', 'byEmail still returns null');
  });
});

describe('docs and tests cases in the evaluation', () => {
  test('the specialist run brings in docs and tests, which find their issues; the clean cases stay clean', async () => {
    const ids = ['ts-outdated-doc', 'py-mock-assertion', 'ts-untested-change', 'ts-clean-docs-updated'];
    const cases = (await loadCases()).filter((evalCase) => ids.includes(evalCase.id));
    const report = await runEval(cases, { target: { kind: 'heuristic' }, log });
    const specialists = report.specialists!;
    assert.deepEqual(specialists.failed, []);
    const posted = (id: string) => specialists.cases.find((entry) => entry.id === id)!.blocking.map(({ path, line, category, raisedBy }) => `${path}:${line} ${category} ${raisedBy?.join('+')}`);
    assert.deepEqual(posted('ts-outdated-doc'), ['src/users.ts:17 docs docs']);
    assert.deepEqual(posted('py-mock-assertion'), ['tests/test_checkout.py:18 tests tests']);
    assert.deepEqual(posted('ts-untested-change'), ['src/pricing.ts:8 tests tests']);
    assert.deepEqual(posted('ts-clean-docs-updated'), []);
    assert.deepEqual([specialists.aggregation.validated, specialists.aggregation.droppedByValidation], [3, 0], 'the validator confirmed all three');
    assert.deepEqual([specialists.bySpecialist.docs?.cases, specialists.bySpecialist.docs?.overall.truePositives, specialists.bySpecialist.docs?.overall.falsePositives, specialists.bySpecialist.docs?.ownRecall], [4, 1, 0, 1]);
    assert.deepEqual([specialists.bySpecialist.tests?.cases, specialists.bySpecialist.tests?.overall.truePositives, specialists.bySpecialist.tests?.overall.falsePositives, specialists.bySpecialist.tests?.ownRecall], [4, 2, 0, 1]);
    assert.deepEqual([report.score.overall.found, specialists.score.overall.found, specialists.score.cleanCasesFlagged], [0, 3, 0], 'the single reviewer has no docs or tests rules');
  });

  test('a case fails when a forced specialist or the owner of an expected category did not run', () => {
    const ran = { findings: [], aggregation: { duplicatesMerged: 0, conflictsResolved: 0, conflictRule: 'rule', validated: 0, dropped: [], notRun: [] }, specialists: [{ name: 'general' as const, model: 'claude-sonnet-4-6', reason: 'default', findings: 0, usage: emptyUsage(), durationMs: 1 }] };
    const expected = [{ file: 'a.ts', lines: [1, 1] as [number, number], category: 'docs' as const, severity: 'major' as const, keywords: ['doc'] }];
    assert.deepEqual(checkExpectations({ expect_dropped: [], expect_conflicts: 0, expected }, ran, 3, ['general', 'tests']).problems, ['forced but not run: tests', 'no specialist of docs ran, yet the case expects such issues']);
    assert.deepEqual(checkExpectations({ expect_dropped: [], expect_conflicts: 0, expected: [{ ...expected[0]!, category: 'bug' }] }, ran, 3, ['general']).problems, []);
  });
});
