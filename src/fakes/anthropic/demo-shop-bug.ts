// The one production bug of the demo shop (`forgebot dev` without credentials): the files the demo repository holds
// on `main`, the TypeError they raise, and what the scripted demo analyst and fixer know about it. Kept here, next to
// the scripted model, so the repository and the model that fixes it cannot drift apart.

/** The file with the bug, and the caller the stack trace passes through. */
export const BADGE_PATH = 'src/badge.js';
export const HEADER_PATH = 'src/header.js';

export const BADGE_JS = `'use strict';

/** The number on the cart icon: how many things are in the cart. */
function cartBadgeCount(cart) {
  return cart.items.reduce((count, item) => count + item.quantity, 0);
}

module.exports = { cartBadgeCount };
`;
/** The line that raises the TypeError (1-based) and the column of \`.reduce\`. */
export const BUG_LINE = 5;
export const BUG_COLUMN = 21;

export const HEADER_JS = `'use strict';
const { cartBadgeCount } = require('./badge.js');

/** The page header's cart link, with the badge. */
function renderHeader(session) {
  return \`<a href="/cart">Cart (\${cartBadgeCount(session.cart)})</a>\`;
}

module.exports = { renderHeader };
`;
export const HEADER_LINE = 6;

/** The error a new session's cart raises (it has no \`items\` until the first thing is added). */
export const BADGE_ERROR = { type: 'TypeError', value: "Cannot read properties of undefined (reading 'reduce')" } as const;

/** The test the repository already has: it passes, and does not reach the bug. */
export const BADGE_TEST_PATH = 'test/badge.test.js';
export const BADGE_TEST = `'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { cartBadgeCount } = require('../src/badge.js');

test('the badge counts every item of the cart', () => {
  assert.equal(cartBadgeCount({ items: [{ quantity: 2 }, { quantity: 1 }] }), 3);
});
`;

/** The one-line fix the scripted fixer makes. */
export const BADGE_FIX = {
  from: 'return cart.items.reduce((count, item) => count + item.quantity, 0);',
  to: 'return (cart.items ?? []).reduce((count, item) => count + item.quantity, 0);',
} as const;

/** The test the scripted fixer writes: it reproduces the TypeError before the fix. */
export const REPRO_TEST_PATH = 'test/badge-new-session.test.js';
export const REPRO_TEST = `'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { cartBadgeCount } = require('../src/badge.js');

test('a new session\\'s cart (no items yet) shows 0', () => {
  assert.equal(cartBadgeCount({}), 0);
});
`;

/** The repository's declared commands: \`test\` proves a fix (it must fail before and pass after). */
export const DEMO_FORGEBOT_YML = 'commands:\n  test: node --test\n';
