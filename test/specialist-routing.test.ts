// Which reviewers look at a change: the default routing by paths, labels and size, `.forgebot.yml` `pipeline:`
// overrides (never, always, paths, model, budget, max_specialists), the focus blocks, and the settings' errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { focusFor, ownPaths, SPECIALISTS } from '../src/agents/specialists/catalog.js';
import type { RoutePlan } from '../src/agents/specialists/contracts.js';
import { routeSpecialists } from '../src/agents/specialists/route.js';
import { parseRepoSettings } from '../src/domain/review-settings.js';
import { SpecialistName } from '../src/domain/specialist-name.js';

const MODEL = 'claude-sonnet-4-5';

/** Routes `files` ([path, changed lines]) with the `pipeline:` section `yaml` of `.forgebot.yml` (none: defaults). */
function route(files: [string, number][], options: { labels?: string[]; pipeline?: string } = {}): RoutePlan {
  const parsed = parseRepoSettings(options.pipeline === undefined ? undefined : `pipeline:\n${options.pipeline}`);
  assert.deepEqual(parsed.problems, []);
  const plan = routeSpecialists({ files: files.map(([path, changedLines]) => ({ path, changedLines })), labels: options.labels ?? [], pipeline: parsed.settings.pipeline, model: MODEL });
  assert.ok(plan.run.length > 0, 'a plan is never empty');
  assert.ok(Math.abs(plan.run.reduce((sum, reviewer) => sum + reviewer.share, 0) - 1) < 1e-9, 'the shares add up to 1');
  return plan;
}
const names = (plan: RoutePlan) => plan.run.map((reviewer) => reviewer.name);
const reasons = (plan: RoutePlan) => Object.fromEntries(plan.run.map((reviewer) => [reviewer.name, reviewer.reason]));

const TS_CHANGE: [string, number][] = [['src/app/orders.ts', 80], ['src/app/orders.test.ts', 30], ['README.md', 5]];

test('defaults on a TypeScript change: general, the TypeScript specialist and tests (the test file itself not counted)', () => {
  const plan = route(TS_CHANGE);
  assert.deepEqual(reasons(plan), { general: 'default', typescript: '2 changed .ts files (110 lines)', tests: '80 changed lines of non-test source in 1 file' });
  assert.deepEqual(names(plan), ['general', 'typescript', 'tests'], 'general first, then by changed lines');
  assert.deepEqual(plan.notRun, []);
  assert.ok(plan.run.every((reviewer) => reviewer.model === MODEL));
});

test('a Python change under auth/ brings in security (ahead of the others) and the Python specialist', () => {
  const plan = route([['app/auth/views.py', 60], ['app/auth/tokens.py', 25], ['app/settings.py', 5]]);
  assert.deepEqual(names(plan), ['general', 'security', 'tests', 'python']);
  assert.equal(reasons(plan).security, '2 changed security-sensitive files (85 lines)');
  assert.equal(reasons(plan).python, '3 changed .py files (90 lines)');
});

test('a tiny change gets general alone; a label or `when: always` still adds a specialist', () => {
  const tiny: [string, number][] = [['src/a.ts', 8], ['src/auth/login.ts', 4]];
  assert.deepEqual(names(route(tiny)), ['general']);
  const labelled = route(tiny, { labels: ['bug', 'Security-Review'] });
  assert.deepEqual(reasons(labelled), { general: 'default', security: 'label Security-Review' });
  const always = route(tiny, { pipeline: '  specialists:\n    docs: { when: always }\n    go: { labels: [needs-gopher] }\n', labels: ['needs-gopher'] });
  assert.deepEqual(reasons(always), { general: 'default', docs: 'always (.forgebot.yml)', go: 'label needs-gopher' });
  // The threshold is a setting: at 0 the same change is routed by paths and size.
  assert.deepEqual(names(route(tiny, { pipeline: '  single_reviewer_below_lines: 0\n' })), ['general', 'security']);
});

test('`when: never` keeps a specialist out, named in notRun when it would have run', () => {
  const plan = route(TS_CHANGE, { pipeline: '  specialists:\n    typescript: { when: never }\n    php: { when: never }\n' });
  assert.deepEqual(names(plan), ['general', 'tests']);
  assert.deepEqual(plan.notRun, [{ name: 'typescript', reason: 'when: never in .forgebot.yml (would have run: 2 changed .ts files (110 lines))' }]);
});

test('general off: the first routed specialist takes its place; with nothing else routed general runs after all', () => {
  const plan = route(TS_CHANGE, { pipeline: '  specialists:\n    general: { when: never }\n' });
  assert.deepEqual(names(plan), ['typescript', 'tests']);
  assert.deepEqual(plan.notRun, [{ name: 'general', reason: 'when: never in .forgebot.yml (would have run: default)' }]);
  const alone = route([['src/a.ts', 3]], { pipeline: '  specialists:\n    general: { when: never }\n' });
  assert.deepEqual(names(alone), ['general']);
  assert.match(alone.run[0]!.reason, /no other reviewer was routed/);
  assert.deepEqual(alone.notRun, []);
});

test('max_specialists caps the plan in priority order; the rest are named with their reason', () => {
  const big: [string, number][] = [['src/db/orders-repository.ts', 120], ['src/auth/session.ts', 15], ['src/api/handler.ts', 200], ['docs/guide.md', 40]];
  const capped = route(big);
  assert.deepEqual(names(capped), ['general', 'security', 'tests', 'typescript', 'performance'], 'max_specialists 5 by default; a tie in lines goes by catalog order; docs (any file) after those with their own globs');
  assert.deepEqual(capped.notRun, [{ name: 'docs', reason: 'over max_specialists (5); would have run: a larger change: 375 changed lines in 4 files' }]);
  const plan = route(big, { pipeline: '  max_specialists: 3\n', labels: ['performance-review'] });
  assert.deepEqual(names(plan), ['general', 'performance', 'security'], 'a label ranks above security, security above size');
  assert.deepEqual(plan.notRun, [
    { name: 'tests', reason: 'over max_specialists (3); would have run: 335 changed lines of non-test source in 3 files' },
    { name: 'typescript', reason: 'over max_specialists (3); would have run: 3 changed .ts files (335 lines)' },
    { name: 'docs', reason: 'over max_specialists (3); would have run: a larger change: 375 changed lines in 4 files' },
  ]);
});

test('shares follow budget_share (defaults: general the largest) and add up to 1; a model per specialist', () => {
  const defaults = route(TS_CHANGE);
  assert.deepEqual(defaults.run.map((reviewer) => reviewer.share), [0.5, 0.25, 0.25]);
  const configured = route(TS_CHANGE, { pipeline: '  specialists:\n    typescript: { budget_share: 1, model: claude-haiku-4-5 }\n' });
  assert.deepEqual(configured.run.map((reviewer) => [reviewer.name, reviewer.model, Math.round(reviewer.share * 1000) / 1000]), [
    ['general', MODEL, 0.4],
    ['typescript', 'claude-haiku-4-5', 0.4],
    ['tests', MODEL, 0.2],
  ]);
});

test('configured paths and min_changed_lines replace the defaults; lock, vendored and generated files count only where named', () => {
  const plan = route([['services/billing/charge.go', 12], ['services/billing/charge_test.go', 30]], {
    pipeline: '  specialists:\n    performance: { paths: ["services/billing/**"], min_changed_lines: 40 }\n    go: { min_changed_lines: 5 }\n',
  });
  assert.deepEqual(reasons(plan), { general: 'default', performance: '2 changed files matching its paths in .forgebot.yml (42 lines)', go: '2 changed .go files (42 lines)' });
  const lockOnly = route([['package.json', 2], ['package-lock.json', 300], ['vendor/acme/lib.php', 500], ['api/orders.pb.go', 400]]);
  assert.deepEqual(reasons(lockOnly), { general: 'default', security: '2 changed security-sensitive files (302 lines)' });
});

test('every specialist has a focus that names it, categories, and default globs that compile', () => {
  for (const name of SpecialistName.options) {
    const spec = SPECIALISTS[name];
    assert.equal(spec.name, name);
    assert.ok(spec.focus.startsWith(`Specialist: ${name}.\n`), name);
    assert.match(spec.focus, /Report in your categories/);
    assert.ok(spec.categories.length > 0 && spec.defaultShare > 0 && spec.defaultShare <= SPECIALISTS.general.defaultShare);
    assert.doesNotThrow(() => ownPaths(name, ['a/b.ts']), name);
  }
  const sensitive = ['src/auth/x.ts', 'lib/OAuthClient.php', 'pkg/jwt.go', 'db/schema.sql', 'Dockerfile', '.github/workflows/ci.yml', 'services/api/requirements-dev.txt', 'go.sum', 'web/yarn.lock'];
  assert.deepEqual(ownPaths('security', [...sensitive, 'src/orders.ts', 'README.md']), sensitive);
});

test('focusFor: security is told the dependency changes, a language specialist its files (at most 50 named)', () => {
  const lockDiff = `diff --git a/package-lock.json b/package-lock.json\n--- a/package-lock.json\n+++ b/package-lock.json\n@@ -1,4 +1,4 @@\n     "node_modules/lodash": {\n-      "version": "4.17.20",\n+      "version": "4.17.21",\n       "license": "MIT"`;
  const diffs: Record<string, string> = { 'package-lock.json': lockDiff };
  const paths = ['package-lock.json', 'src/app.ts', ...Array.from({ length: 60 }, (_, index) => `src/module-${index}.ts`)];
  const context = { paths, diffText: (path: string) => diffs[path] };
  const security = focusFor('security', context);
  assert.ok(security.startsWith(SPECIALISTS.security.focus));
  assert.match(security, /<untrusted-data name="dependency-changes">\n`+\npackage-lock\.json: lodash 4\.17\.20 → 4\.17\.21\n/);
  const typescript = focusFor('typescript', context);
  assert.match(typescript, /Your files in this change \(61\):/);
  assert.match(typescript, /src\/module-48\.ts\n… and 11 more/);
  assert.doesNotMatch(typescript, /package-lock/);
  assert.equal(focusFor('general', context), SPECIALISTS.general.focus);
  assert.equal(focusFor('python', context), SPECIALISTS.python.focus, 'no Python files: nothing added');
});

test('.forgebot.yml pipeline: a valid section parses; an unknown specialist, an unknown key and an unpriced model are named', () => {
  const valid = parseRepoSettings(`pipeline:
  max_parallel: 2
  max_specialists: 4
  validate: false
  skip_labels: [wip, no-review]
  single_reviewer_below_lines: 50
  specialists:
    security: { when: always, model: claude-haiku-4-5, budget_share: 0.3 }
    docs: { when: never }
    python: { paths: ["backend/**/*.py"], labels: [py], min_changed_lines: 10 }
`);
  assert.deepEqual(valid.problems, []);
  assert.deepEqual(valid.settings.pipeline, {
    max_parallel: 2, max_specialists: 4, validate: false, skip_labels: ['wip', 'no-review'], single_reviewer_below_lines: 50,
    specialists: {
      security: { when: 'always', model: 'claude-haiku-4-5', budget_share: 0.3 },
      docs: { when: 'never' },
      python: { when: 'auto', paths: ['backend/**/*.py'], labels: ['py'], min_changed_lines: 10 },
    },
  });
  const problems = (yaml: string) => parseRepoSettings(`pipeline:\n${yaml}`).problems;
  assert.deepEqual(problems('  specialists:\n    rust: { when: always }\n'), ['.forgebot.yml: pipeline.specialists: Unrecognized key: "rust"']);
  assert.deepEqual(problems('  max_reviewers: 3\n'), ['.forgebot.yml: pipeline: Unrecognized key: "max_reviewers"']);
  assert.deepEqual(problems('  specialists:\n    security: { budget: 0.5 }\n'), ['.forgebot.yml: pipeline.specialists.security: Unrecognized key: "budget"']);
  const [unpriced] = problems('  specialists:\n    security: { model: gpt-4o }\n');
  assert.match(unpriced ?? '', /^\.forgebot\.yml: pipeline\.specialists\.security\.model: a Claude model forgebot knows the price of/);
  assert.equal(parseRepoSettings('pipeline:\n  max_specialists: 0\n').problems[0]?.startsWith('.forgebot.yml: pipeline.max_specialists:'), true);
});
