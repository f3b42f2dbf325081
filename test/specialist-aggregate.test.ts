// Aggregation of the specialists' findings (src/agents/specialists/aggregate.ts): duplicates across specialists
// merged, conflicting suggestions settled by the named rule, a deterministic order.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregateFindings } from '../src/agents/specialists/aggregate.js';
import type { SpecialistFindings } from '../src/agents/specialists/contracts.js';
import { CONFLICT_RULE } from '../src/agents/specialists/suggestion-conflicts.js';
import { AggregationReport, ReviewedFinding, type Finding } from '../src/domain/finding.js';
import type { SpecialistName } from '../src/domain/specialist-name.js';

const finding = (more: Partial<Finding> & Pick<Finding, 'title' | 'body'>): Finding => ({
  path: 'src/users.ts',
  line: 12,
  side: 'new',
  severity: 'major',
  category: 'bug',
  confidence: 0.8,
  ...more,
});
const run = (specialist: SpecialistName, ...findings: Finding[]): SpecialistFindings => ({ specialist, findings });

const SQLI_SECURITY = finding({
  category: 'security',
  title: 'SQL injection: user id concatenated into query',
  body: '`req.query.id` is concatenated into the SQL string passed to `db.query`, so an attacker controls the query. Use a parameterised query: `db.query("SELECT * FROM users WHERE id = $1", [id])`.',
});
const SQLI_TYPESCRIPT = finding({
  line: 13,
  category: 'bug',
  severity: 'blocker',
  confidence: 0.9,
  title: 'Unparameterized SQL built from request input',
  body: 'The query is built with a template literal from `req.query.id`; this allows SQL injection. Pass the value as a bound parameter instead of interpolating it.',
});
const N_PLUS_ONE = finding({
  line: 13,
  category: 'performance',
  title: 'Query per user in loop (N+1)',
  body: 'For every user the loop runs one more `db.query`; fetch the users in one query.',
});

/** Pairs the similarity was tuned on: one issue in two specialists' words, and two issues on nearby lines. */
const ONE_ISSUE: [string, Finding, Finding][] = [
  ['SQL injection', finding({ category: 'security', title: 'Possible SQL injection in findUser', body: 'User input reaches the SQL query unescaped.' }),
    finding({ category: 'security', line: 14, title: 'Raw string interpolation in SQL query', body: 'Interpolating `name` into the query string lets a caller inject SQL; use placeholders.' })],
  ['undefined user', finding({ title: 'Possible null dereference of `user`', body: '`findUser` returns `undefined` when no row matches, and `user.name` then throws a TypeError.' }),
    finding({ line: 11, title: '`user` may be undefined here', body: 'findUser() can return undefined (no matching row); accessing `user.name` crashes. Check for undefined first or use optional chaining.' })],
  ['N+1 queries', finding({ category: 'performance', title: 'N+1 queries: one query per order in the loop', body: "Each iteration awaits `db.query` for the order's items, so 100 orders are 101 round trips. Fetch all items in one query." }),
    finding({ category: 'performance', line: 10, title: 'Database query inside a loop', body: 'Querying items for every order in the for-loop makes the number of queries grow with the orders; batch them into a single query.' })],
  ['floating promise', finding({ title: 'Missing await on save()', body: '`repo.save(order)` returns a promise that is not awaited: errors are lost and the response is sent before the write.' }),
    finding({ line: 13, title: 'Floating promise: repo.save is not awaited', body: 'The promise from save is neither awaited nor handled; a rejection becomes an unhandled rejection.' })],
  ['hard-coded key', finding({ category: 'security', title: 'Hard-coded API key', body: 'The Stripe key is committed in the source; move it to configuration and rotate it.' }),
    finding({ category: 'maintainability', title: 'Secret committed in source code', body: 'A live-looking API key is hard-coded here. Read it from the environment and rotate the leaked key.' })],
];
const TWO_ISSUES: [string, Finding, Finding][] = [
  ['SQL injection / N+1', SQLI_SECURITY, N_PLUS_ONE],
  ['XSS / SQL injection', finding({ category: 'security', title: 'Reflected XSS: name written into HTML unescaped', body: 'The name is inserted into the HTML response without escaping.' }),
    finding({ category: 'security', line: 13, title: 'SQL injection via name', body: 'The name is concatenated into the SQL query.' })],
  ['undefined / wrong type', finding({ title: '`user` may be undefined here', body: 'findUser() can return undefined; accessing `user.name` crashes.' }),
    finding({ line: 14, title: 'Wrong type for user id', body: 'id is typed as string but the column is an integer; comparisons fail.' })],
  ['off by one / undefined', finding({ title: 'Off-by-one in the loop bound', body: '`i <= items.length` reads one past the end of the array; use `<`.' }),
    finding({ line: 13, title: 'items may be undefined', body: '`items` is undefined when the order has no lines, and `.length` throws.' })],
  ['missing test / bug', finding({ category: 'tests', title: 'No test for the empty cart case', body: 'The new branch for an empty cart is not covered by a test.' }),
    finding({ line: 11, title: 'Empty cart returns NaN total', body: 'Dividing by the item count when the cart is empty returns NaN.' })],
  ['SQL injection / validation', SQLI_SECURITY, finding({ category: 'security', line: 11, title: 'Missing input validation of id', body: '`req.query.id` is not validated as a number before use; reject non-numeric ids with 400.' })],
];

describe('aggregateFindings', () => {
  test('one SQL injection from security and typescript is one finding: both raised it, the owner speaks, the worst severity and best confidence', () => {
    const aggregated = aggregateFindings([run('typescript', SQLI_TYPESCRIPT), run('security', SQLI_SECURITY)]);
    assert.equal(aggregated.findings.length, 1);
    const [merged] = aggregated.findings;
    assert.deepEqual(merged?.raisedBy, ['security', 'typescript'], 'the owner of the category first');
    assert.equal(merged?.title, SQLI_SECURITY.title);
    assert.equal(merged?.body, SQLI_SECURITY.body);
    assert.equal(merged?.category, 'security');
    assert.equal(merged?.severity, 'blocker');
    assert.equal(merged?.confidence, 0.9);
    assert.equal(aggregated.duplicatesMerged, 1);
    assert.deepEqual(aggregated.dropped, []);
    assert.ok(ReviewedFinding.safeParse(merged).success);
  });

  test('a third specialist raising it is listed after the owner, in the catalog order', () => {
    const general = finding({ line: 12, category: 'security', severity: 'minor', title: 'SQL built by string concatenation', body: 'The id from the request is concatenated into the SQL query: an injection. Use a parameterised query.' });
    const aggregated = aggregateFindings([run('typescript', SQLI_TYPESCRIPT), run('general', general), run('security', SQLI_SECURITY)]);
    assert.equal(aggregated.findings.length, 1);
    assert.deepEqual(aggregated.findings[0]?.raisedBy, ['security', 'general', 'typescript']);
    assert.equal(aggregated.duplicatesMerged, 2);
  });

  test('outside the concerns, the language specialist of the file type owns the words, and general elsewhere', () => {
    const [, generalWords, typescriptWords] = ONE_ISSUE[1] ?? [];
    assert.ok(generalWords && typescriptWords);
    const onTs = aggregateFindings([run('general', { ...generalWords, severity: 'blocker' }), run('typescript', typescriptWords)]);
    assert.deepEqual(onTs.findings.map((f) => [f.title, f.raisedBy, f.severity]), [[typescriptWords.title, ['typescript', 'general'], 'blocker']]);
    const onPy = aggregateFindings([run('general', { ...generalWords, path: 'app/users.py' }), run('typescript', { ...typescriptWords, path: 'app/users.py' })]);
    assert.deepEqual(onPy.findings.map((f) => [f.title, f.raisedBy]), [[generalWords.title, ['general', 'typescript']]]);
  });

  for (const [name, a, b] of ONE_ISSUE) {
    test(`one issue in two phrasings is merged: ${name}`, () => {
      const aggregated = aggregateFindings([run('general', a), run('typescript', b)]);
      assert.equal(aggregated.findings.length, 1, JSON.stringify(aggregated.findings.map((f) => f.title)));
    });
  }

  for (const [name, a, b] of TWO_ISSUES) {
    test(`two issues on nearby lines are not merged: ${name}`, () => {
      const aggregated = aggregateFindings([run('security', a), run('typescript', b)]);
      assert.equal(aggregated.findings.length, 2);
      assert.equal(aggregated.duplicatesMerged, 0);
      assert.deepEqual(aggregated.findings.map((f) => f.raisedBy?.length), [1, 1]);
    });
  }

  test('the same words farther than two lines apart, or on the other side, are two findings', () => {
    const far = { ...SQLI_SECURITY, line: 16 };
    const old = { ...SQLI_SECURITY, side: 'old' as const };
    assert.equal(aggregateFindings([run('security', SQLI_SECURITY), run('typescript', far)]).findings.length, 2);
    assert.equal(aggregateFindings([run('security', SQLI_SECURITY), run('typescript', old)]).findings.length, 2);
  });

  test("one specialist's own duplicates are left for the line checks to merge", () => {
    const aggregated = aggregateFindings([run('general', SQLI_SECURITY, { ...SQLI_SECURITY, line: 13 })]);
    assert.equal(aggregated.findings.length, 2);
    assert.equal(aggregated.duplicatesMerged, 0);
  });

  test('conflicting suggestions on the same lines: the more severe finding keeps its suggestion, the other keeps its text', () => {
    const security = { ...SQLI_SECURITY, suggestion: '  const rows = await db.query("SELECT * FROM users WHERE id = $1", [id]);' };
    const general = finding({ category: 'maintainability', severity: 'minor', title: 'Name the query result', body: '`r` says nothing; call it `rows`.', suggestion: '  const rows = await db.query(sql);' });
    const aggregated = aggregateFindings([run('general', general), run('security', security)]);
    assert.equal(aggregated.findings.length, 2);
    const [first, second] = aggregated.findings;
    assert.equal(first?.title, security.title);
    assert.equal(first?.suggestion, security.suggestion);
    assert.equal(second?.title, general.title);
    assert.equal(second?.body, general.body, 'the loser keeps its text');
    assert.equal(second?.suggestion, undefined, 'without a one-click suggestion');
    assert.equal(aggregated.conflictsResolved, 1);
    assert.equal(aggregated.conflictRule, CONFLICT_RULE);
    assert.match(aggregated.conflictRule, /more severe.*more confident.*owner/);
    assert.equal(aggregated.dropped.length, 1);
    assert.deepEqual({ ...aggregated.dropped[0], reason: undefined }, { path: 'src/users.ts', line: 12, title: general.title, raisedBy: ['general'], reason: undefined });
    assert.match(aggregated.dropped[0]?.reason ?? '', /suggestion was left out \(the finding is kept\).*SQL injection.*line 12/);
  });

  test('the rule goes on to confidence, then to the owner of the category', () => {
    const a = finding({ category: 'security', title: 'Token compared with ===', body: 'A timing attack can recover it.', startLine: 11, suggestion: 'if (safeEqual(token, expected)) {' });
    const confident = finding({ category: 'bug', confidence: 0.95, title: 'Wrong variable compared', body: 'It compares `token` with itself.', suggestion: 'if (token === expected) {' });
    const byConfidence = aggregateFindings([run('security', a), run('general', confident)]);
    assert.equal(byConfidence.findings.find((f) => f.title === confident.title)?.suggestion, confident.suggestion);
    assert.equal(byConfidence.findings.find((f) => f.title === a.title)?.suggestion, undefined, 'overlapping ranges 11–12 and 12 conflict');

    const tied = { ...confident, confidence: 0.8 };
    const byOwner = aggregateFindings([run('general', tied), run('security', a)]);
    assert.equal(byOwner.findings.find((f) => f.title === a.title)?.suggestion, a.suggestion, 'security owns its category; general files a bug');
    assert.equal(byOwner.findings.find((f) => f.title === tied.title)?.suggestion, undefined);
  });

  test('the same suggestion twice is not a conflict, and suggestions on different lines do not meet', () => {
    const fix = '  return total / Math.max(items.length, 1);';
    const a = finding({ title: 'Division by zero for an empty cart', body: 'The total is NaN for an empty cart.', suggestion: fix });
    const b = finding({ category: 'tests', title: 'No test for the empty cart', body: 'Nothing covers the empty branch.', suggestion: `${fix}\n` });
    const c = finding({ line: 13, category: 'style', title: 'Trailing comma', body: 'Add one.', suggestion: '  items,' });
    const aggregated = aggregateFindings([run('general', a, c), run('tests', b)]);
    assert.equal(aggregated.findings.length, 3);
    assert.deepEqual(aggregated.findings.map((f) => f.suggestion !== undefined), [true, true, true]);
    assert.equal(aggregated.conflictsResolved, 0);
    assert.deepEqual(aggregated.dropped, []);
  });

  test('duplicates with different suggestions: the merged finding keeps the winning one, the other is listed', () => {
    const security = { ...SQLI_SECURITY, suggestion: '  const rows = await db.query("SELECT * FROM users WHERE id = $1", [id]);' };
    const typescript = { ...SQLI_TYPESCRIPT, line: 12, suggestion: '  const rows = await sql`SELECT * FROM users WHERE id = ${id}`;' };
    const aggregated = aggregateFindings([run('security', security), run('typescript', typescript)]);
    assert.equal(aggregated.findings.length, 1);
    const [merged] = aggregated.findings;
    assert.equal(merged?.title, security.title, "the owner's words");
    assert.equal(merged?.suggestion, typescript.suggestion, "the blocker's suggestion (the more severe finding)");
    assert.equal(aggregated.conflictsResolved, 1);
    assert.deepEqual(aggregated.dropped.map((d) => d.raisedBy), [['security']]);
    assert.match(aggregated.dropped[0]?.reason ?? '', /^Merged as a duplicate/);

    const same = aggregateFindings([run('security', security), run('typescript', { ...typescript, suggestion: security.suggestion })]);
    assert.equal(same.findings[0]?.suggestion, security.suggestion);
    assert.equal(same.conflictsResolved, 0);
  });

  test('the order is severity, path, line, and the same whatever order the specialists came in', () => {
    const runs = [
      run('general', finding({ path: 'src/b.ts', line: 3, severity: 'minor', title: 'Unclear name', body: 'Rename `x`.' }), finding({ path: 'src/a.ts', line: 40, title: 'Off-by-one', body: 'Reads past the end.' })),
      run('security', SQLI_SECURITY, finding({ path: 'src/a.ts', line: 5, severity: 'nit', category: 'security', title: 'Log level', body: 'Debug logging of headers.' })),
      run('typescript', SQLI_TYPESCRIPT, finding({ path: 'src/a.ts', line: 2, title: 'Implicit any', body: 'Type the parameter.' })),
      run('performance', N_PLUS_ONE),
    ];
    const aggregated = aggregateFindings(runs);
    assert.deepEqual(
      aggregated.findings.map((f) => `${f.severity} ${f.path}:${f.line}`),
      ['blocker src/users.ts:12', 'major src/a.ts:2', 'major src/a.ts:40', 'major src/users.ts:13', 'minor src/b.ts:3', 'nit src/a.ts:5'],
    );
    const shuffled = [runs[3], runs[1], runs[2], runs[0]].flatMap((entry) => (entry ? [{ ...entry, findings: [...entry.findings].reverse() }] : []));
    assert.deepEqual(aggregateFindings(shuffled), aggregated);
  });

  test('9 specialists × 100 findings in one file: each issue once, raised by all nine', () => {
    const names: SpecialistName[] = ['general', 'security', 'performance', 'docs', 'tests', 'typescript', 'python', 'go', 'php'];
    const topics = ['cache', 'retry', 'timeout', 'encoding', 'locale', 'pagination', 'migration', 'logging', 'quota', 'session'];
    const runs = names.map((name) =>
      run(name, ...Array.from({ length: 100 }, (_, index) => finding({ line: 1 + index * 10, confidence: 0.5, title: `Broken ${topics[index % 10]} handling in step ${index}`, body: `The ${topics[index % 10]} code of step ${index} fails.` }))),
    );
    const aggregated = aggregateFindings(runs);
    assert.equal(aggregated.findings.length, 100);
    assert.equal(aggregated.duplicatesMerged, 800);
    assert.ok(aggregated.findings.every((f) => f.raisedBy?.length === 9));
    assert.ok(AggregationReport.safeParse({ ...aggregated, validated: 0, notRun: [] }).success);
  });
});
