import type { ImplementTask } from '../../src/domain/agent-task.js';
import { parseRepoSettings, type RepoSettings } from '../../src/domain/review-settings.js';
import type { FakeAnthropic } from '../../src/fakes/anthropic/fake-anthropic.js';
import { text, toolUse } from '../../src/fakes/anthropic/messages.js';
import { TestRepo } from './git-repo.js';

// A tiny Node.js project with a real bug: `total(items)` reads `item.price` of a hole in a sparse list and raises
// "TypeError: Cannot read properties of undefined (reading 'price')". Its declared test command (`node --test`) runs
// for real, in the runner's checkout and in the fix proof's clean copies.

export const CART_PATH = 'src/cart.js';
export const CART_JS = `'use strict';

/** The total price of a cart: price times quantity of each item. */
function total(items) {
  let sum = 0;
  for (let index = 0; index < items.length; index++) {
    sum += items[index].price * items[index].quantity;
  }
  return sum;
}

module.exports = { total };
`;
/** The line that raises the TypeError (1-based), and the one-line fix of it. */
export const BUG_LINE = 7;
export const CART_FIX = { from: 'sum += items[index].price * items[index].quantity;', to: 'if (items[index]) sum += items[index].price * items[index].quantity;' };

const EXISTING_TEST = `'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { total } = require('../src/cart.js');

test('total adds price times quantity', () => {
  assert.equal(total([{ price: 2, quantity: 3 }, { price: 1, quantity: 1 }]), 7);
});

test('an empty cart costs nothing', () => {
  assert.equal(total([]), 0);
});
`;

export const FORGEBOT_YML = 'commands:\n  test: node --test\nchanges:\n  max_files: 5\n  max_lines: 200\n  command_timeout_seconds: 60\n';

/** The project at its buggy head: the existing test passes, the bug is not covered. */
export async function buggyProject(): Promise<{ repo: TestRepo; headSha: string }> {
  const repo = await TestRepo.create({
    'package.json': `${JSON.stringify({ name: 'cart', version: '1.0.0', private: true, scripts: { test: 'node --test' } }, null, 2)}\n`,
    [CART_PATH]: CART_JS,
    'test/cart.test.js': EXISTING_TEST,
    '.forgebot.yml': FORGEBOT_YML,
    'README.md': '# cart\n',
  });
  return { repo, headSha: await repo.git('rev-parse', 'HEAD') };
}

/** The project's `.forgebot.yml` as the workflow reads it from the default branch. */
export function buggySettings(): RepoSettings {
  const { settings, problems } = parseRepoSettings(FORGEBOT_YML);
  if (problems.length > 0) throw new Error(problems.join('; '));
  return settings;
}

/** The event's evidence as the workflow renders it (untrusted text). */
export const CART_EVIDENCE = [
  "TypeError: Cannot read properties of undefined (reading 'price')",
  '  at total (/srv/app/src/cart.js:7:24)',
  '  at checkout (/srv/app/src/routes/checkout.js:12:10)',
  'locals: items = [{"price":2,"quantity":1}, <empty>, {"price":3,"quantity":2}]',
  'breadcrumb: POST /checkout',
].join('\n');

/** A fix task for the buggy project, asking for the proof with the declared `test` command. */
export function fixTask(cloneUrl: string, headSha: string, overrides: Partial<Pick<ImplementTask, 'settings' | 'verify'>> = {}): ImplementTask {
  return {
    role: 'implementer',
    subject: { kind: 'sentry-issue', org: 'acme', issueId: '4711' },
    forge: 'gitlab',
    repositoryPath: 'shop/cart',
    repository: { cloneUrl, baseSha: headSha, headSha },
    goal: { title: "Fix TypeError: Cannot read properties of undefined (reading 'price')", instructions: 'Fix the error with a small change and a test that reproduces it.', context: CART_EVIDENCE },
    settings: buggySettings(),
    verify: { testCommand: 'test' },
    model: 'claude-test',
    limits: { maxTurns: 8, maxOutputTokens: 1024, tokenBudget: 100_000 },
    ...overrides,
  };
}

export const SPARSE_TEST_PATH = 'test/cart-sparse.test.js';

function cartTest(title: string, items: string, expected: number): string {
  return [
    "'use strict';",
    "const test = require('node:test');",
    "const assert = require('node:assert/strict');",
    "const { total } = require('../src/cart.js');",
    '',
    `test(${JSON.stringify(title)}, () => {`,
    `  assert.equal(total(${items}), ${expected});`,
    '});',
    '',
  ].join('\n');
}
/** A test that reproduces the TypeError: a sparse cart (a hole at index 1). */
export const SPARSE_TEST = cartTest('a sparse cart skips its holes', '[{ price: 2, quantity: 1 }, , { price: 3, quantity: 2 }]', 8);
/** A "test" that passes before any fix: it does not reach the bug. */
export const NON_REPRODUCING_TEST = cartTest('one item costs its price', '[{ price: 2, quantity: 1 }]', 2);
/** A test that still fails after the fix: it expects the wrong total. */
export const WRONG_EXPECTATION_TEST = cartTest('a sparse cart skips its holes', '[{ price: 2, quantity: 1 }, , { price: 3, quantity: 2 }]', 9);

export type FixScript = 'proven' | 'passed-before' | 'failed-after' | 'no-test';

/**
 * The scripted fixer: writes its test, runs the tests (they fail), makes the one-line fix, runs them again and
 * submits. `passed-before` writes a test that does not reach the bug; `failed-after` one with a wrong expectation;
 * `no-test` fixes the bug and names no test file.
 */
export function scriptTestFirstFix(model: FakeAnthropic, variant: FixScript): void {
  const testText = variant === 'passed-before' ? NON_REPRODUCING_TEST : variant === 'failed-after' ? WRONG_EXPECTATION_TEST : SPARSE_TEST;
  const writeTest = variant === 'no-test' ? [] : [toolUse('write_file', { path: SPARSE_TEST_PATH, content: testText })];
  model.script(
    { content: [text('Reading the code the stack trace points at.'), toolUse('read_file', { path: CART_PATH })] },
    { content: [text('Writing a test that reproduces the TypeError.'), ...writeTest, toolUse('run_command', { name: 'test' })] },
    { content: [toolUse('replace_in_file', { path: CART_PATH, old_text: CART_FIX.from, new_text: CART_FIX.to })] },
    { content: [toolUse('run_command', { name: 'test' })] },
    {
      content: [
        toolUse('submit_work', {
          summary: 'total() skipped nothing: a hole in a sparse cart raised a TypeError. It skips holes now; a test covers it.',
          commit_message: 'Skip holes in a sparse cart\n\ntotal() read `price` of undefined for a sparse list of items.',
          test_paths: variant === 'no-test' ? [] : [`./${SPARSE_TEST_PATH}`],
        }),
      ],
    },
  );
}
