// The person-limits-across-changes patch in the recorded histories: test/replay.test.ts replays them all; this checks
// that review-person-limits-v2.json took the new path (the marker, a claim per token-costing command, no agent job
// for a refused one).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { PERSON_LIMITS_PATCH } from '../src/workflows/review/person-budget.js';
import { historyFromJSON } from './replay/history-json.js';
import { patchIds, pathOf } from './replay/history-paths.js';

const historiesDir = new URL('./replay/histories/', import.meta.url);

test('review-person-limits-v2.json: the patch marker, four claims, an agent job only for the commands the budget let through', async () => {
  const history = historyFromJSON(await readFile(new URL('review-person-limits-v2.json', historiesDir), 'utf8'));
  assert.ok(patchIds(history).includes(PERSON_LIMITS_PATCH));
  const { activities } = pathOf(history);
  assert.equal(activities.filter((name) => name === 'claimCommandBudget').length, 4, 'explain, explain over, review over, mia\'s review (not the unclear explain)');
  // The push's review, dev's first explain, mia's review: three jobs; the two refused commands none.
  assert.equal(activities.filter((name) => name === 'runAgent').length, 3);
});
