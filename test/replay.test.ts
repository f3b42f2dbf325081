// Replays the recorded reviewWorkflow histories (test/replay/histories/*.json) against today's workflow code, so a
// change that would break workflows already running (nondeterminism) fails here. No Temporal server: replay is local.
// What the histories are and the rules for them: test/replay/README.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { createLogger } from '../src/logger.js';
import { installTemporalLogging } from '../src/workers/temporal-logging.js';
import { workflowBundle } from '../src/workers/workflow-source.js';
import { historyFromJSON } from './replay/history-json.js';
import { NEW_PATH, OLD_PATH, pathOf } from './replay/history-paths.js';

const historiesDir = new URL('./replay/histories/', import.meta.url);

async function historyFiles(): Promise<string[]> {
  const names = await readdir(historiesDir).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  });
  return names.filter((name) => name.endsWith('.json')).sort();
}

async function loadHistories() {
  const files = await historyFiles();
  assert.ok(files.length > 0, `no histories in ${fileURLToPath(historiesDir)}: nothing would be checked (see test/replay/README.md)`);
  return Promise.all(files.map(async (file) => ({ workflowId: file, history: historyFromJSON(await readFile(new URL(file, historiesDir), 'utf8')) })));
}

test('every recorded review workflow history replays on the current workflow code', async () => {
  installTemporalLogging(createLogger(process.env.TEST_LOG_LEVEL ?? 'error'));
  const histories = await loadHistories();
  const files = histories.map(({ workflowId }) => workflowId);

  const failures: string[] = [];
  const replayed: string[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle: await workflowBundle(), replayName: 'forgebot-replay' }, histories)) {
    replayed.push(result.workflowId);
    if (result.error) failures.push(`${result.workflowId}: ${result.error.name}: ${result.error.message}`);
  }

  assert.deepEqual(replayed, files, 'every history was replayed');
  assert.equal(failures.length, 0, `histories that no longer replay (a nondeterministic change: guard it with patched()):\n${failures.join('\n')}`);
});

// A -v2 history that took the old path (or an old one the new path) would not guard what its name says it guards.
test('each history took the code path its name says: <name>.json old, <name>-v2.json new, review-upgrade-* old then new', async () => {
  const wrong: string[] = [];
  for (const { workflowId: file, history } of await loadHistories()) {
    const { activities, patchedAfter } = pathOf(history);
    const before = activities.slice(0, patchedAfter);
    const after = patchedAfter === undefined ? [] : activities.slice(patchedAfter);
    const ok = file.startsWith('review-upgrade-')
      ? patchedAfter !== undefined && before.some((a) => OLD_PATH.includes(a)) && !before.some((a) => NEW_PATH.includes(a)) && after.includes('readRunSettings') && !after.some((a) => OLD_PATH.includes(a))
      : file.endsWith('-v2.json')
        ? patchedAfter === 0 && after.includes('readRunSettings') && !after.some((a) => OLD_PATH.includes(a))
        : patchedAfter === undefined && !activities.some((a) => NEW_PATH.includes(a));
    if (!ok) wrong.push(`${file}: patch marker after ${patchedAfter ?? 'none'} of ${activities.join(', ')}`);
  }
  assert.deepEqual(wrong, []);
});
