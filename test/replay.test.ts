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

const historiesDir = new URL('./replay/histories/', import.meta.url);

async function historyFiles(): Promise<string[]> {
  const names = await readdir(historiesDir).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  });
  return names.filter((name) => name.endsWith('.json')).sort();
}

test('every recorded review workflow history replays on the current workflow code', async () => {
  installTemporalLogging(createLogger(process.env.TEST_LOG_LEVEL ?? 'error'));
  const files = await historyFiles();
  assert.ok(files.length > 0, `no histories in ${fileURLToPath(historiesDir)}: nothing would be checked (see test/replay/README.md)`);
  const histories = await Promise.all(
    files.map(async (file) => ({ workflowId: file, history: historyFromJSON(await readFile(new URL(file, historiesDir), 'utf8')) })),
  );

  const failures: string[] = [];
  const replayed: string[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle: await workflowBundle(), replayName: 'forgebot-replay' }, histories)) {
    replayed.push(result.workflowId);
    if (result.error) failures.push(`${result.workflowId}: ${result.error.name}: ${result.error.message}`);
  }

  assert.deepEqual(replayed, files, 'every history was replayed');
  assert.equal(failures.length, 0, `histories that no longer replay (a nondeterministic change: guard it with patched()):\n${failures.join('\n')}`);
});
