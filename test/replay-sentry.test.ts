// Replays the recorded sentryFixWorkflow histories (test/replay/sentry-histories/*.json) against today's workflow
// code: a change that would break sentry-fix workflows already running (nondeterminism) fails here. No server.
// They live apart from the review histories, whose own checks (code paths of the review patches) do not apply.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { defaultPayloadConverter } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import { createLogger } from '../src/logger.js';
import { installTemporalLogging } from '../src/workers/temporal-logging.js';
import { workflowBundle } from '../src/workers/workflow-source.js';
import type { SentryFixStatus } from '../src/workflows/sentry-fix-definitions.js';
import { historyFromJSON } from './replay/history-json.js';
import { sentryScenarios } from './replay/sentry-scenarios.js';

const historiesDir = new URL('./replay/sentry-histories/', import.meta.url);

async function loadHistories() {
  const files = (await readdir(historiesDir)).filter((name) => name.endsWith('.json')).sort();
  assert.ok(files.length > 0, `no histories in ${fileURLToPath(historiesDir)} (record them: test/replay/README.md)`);
  return Promise.all(files.map(async (file) => ({ workflowId: file, history: historyFromJSON(await readFile(new URL(file, historiesDir), 'utf8')) })));
}

test('every recorded sentry-fix workflow history replays on the current workflow code', async () => {
  installTemporalLogging(createLogger(process.env.TEST_LOG_LEVEL ?? 'error'));
  const histories = await loadHistories();
  const failures: string[] = [];
  const replayed: string[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle: await workflowBundle(), replayName: 'forgebot-replay-sentry' }, histories)) {
    replayed.push(result.workflowId);
    if (result.error) failures.push(`${result.workflowId}: ${result.error.name}: ${result.error.message}`);
  }
  assert.deepEqual(replayed, histories.map(({ workflowId }) => workflowId));
  assert.equal(failures.length, 0, `histories that no longer replay (a nondeterministic change: guard it with patched()):\n${failures.join('\n')}`);
});

test('each sentry-fix history is of a known scenario, and ended with the outcome its scenario names', async () => {
  const wrong: string[] = [];
  for (const { workflowId: file, history } of await loadHistories()) {
    const scenario = sentryScenarios[file.replace(/\.json$/, '')];
    const events = history.events ?? [];
    const type = events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;
    const payload = events.at(-1)?.workflowExecutionCompletedEventAttributes?.result?.payloads?.[0];
    const outcome = payload ? defaultPayloadConverter.fromPayload<SentryFixStatus>(payload).outcome : undefined;
    if (type !== 'sentryFixWorkflow' || !scenario || outcome !== scenario.outcome) wrong.push(`${file}: ${type ?? '?'} ended ${outcome ?? 'without a result'}, expected ${scenario?.outcome ?? '(no such scenario)'}`);
  }
  assert.deepEqual(wrong, []);
});
