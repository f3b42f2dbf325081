// The learn-command patch in the recorded histories: test/replay.test.ts replays them all; this checks that
// review-learn-command-v2.json took the new path (the marker, the activity for each learn whose access was enough).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { LEARN_COMMAND_PATCH } from '../src/workflows/review/learn-turn.js';
import { historyFromJSON } from './replay/history-json.js';
import { patchIds, pathOf } from './replay/history-paths.js';

const historiesDir = new URL('./replay/histories/', import.meta.url);

test('review-learn-command-v2.json: the patch marker; learnFromCommand for the proposal, the maintainer\u2019s accept and the list, not for the refused accept', async () => {
  const history = historyFromJSON(await readFile(new URL('review-learn-command-v2.json', historiesDir), 'utf8'));
  assert.ok(patchIds(history).includes(LEARN_COMMAND_PATCH));
  const { activities } = pathOf(history);
  assert.equal(activities.filter((name) => name === 'learnFromCommand').length, 3);
  assert.equal(activities.filter((name) => name === 'checkCommandAccess').length, 4);
});
