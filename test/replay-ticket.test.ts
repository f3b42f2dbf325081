// Replays the recorded ticketWorkflow histories (test/replay/ticket-histories/*.json) against today's workflow code:
// a change that would break ticket workflows already running (nondeterminism) fails here. No server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { defaultPayloadConverter } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import { createLogger } from '../src/logger.js';
import { installTemporalLogging } from '../src/workers/temporal-logging.js';
import { workflowBundle } from '../src/workers/workflow-source.js';
import type { TicketStatus } from '../src/workflows/ticket-definitions.js';
import { historyFromJSON } from './replay/history-json.js';
import { ticketScenarios } from './replay/ticket-scenarios.js';

const historiesDir = new URL('./replay/ticket-histories/', import.meta.url);

async function loadHistories() {
  const files = (await readdir(historiesDir)).filter((name) => name.endsWith('.json')).sort();
  assert.ok(files.length > 0, `no histories in ${fileURLToPath(historiesDir)} (record them: test/replay/README.md)`);
  return Promise.all(files.map(async (file) => ({ workflowId: file, history: historyFromJSON(await readFile(new URL(file, historiesDir), 'utf8')) })));
}

test('every recorded ticket workflow history replays on the current workflow code', async () => {
  installTemporalLogging(createLogger(process.env.TEST_LOG_LEVEL ?? 'error'));
  const histories = await loadHistories();
  const failures: string[] = [];
  const replayed: string[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle: await workflowBundle(), replayName: 'forgebot-replay-ticket' }, histories)) {
    replayed.push(result.workflowId);
    if (result.error) failures.push(`${result.workflowId}: ${result.error.name}: ${result.error.message}`);
  }
  assert.deepEqual(replayed, histories.map(({ workflowId }) => workflowId));
  assert.equal(failures.length, 0, `histories that no longer replay (a nondeterministic change: guard it with patched()):\n${failures.join('\n')}`);
});

test('each ticket history is of a known scenario, and ended with the outcome its scenario names', async () => {
  const wrong: string[] = [];
  for (const { workflowId: file, history } of await loadHistories()) {
    const scenario = ticketScenarios[file.replace(/\.json$/, '')];
    const events = history.events ?? [];
    const type = events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;
    const payload = events.at(-1)?.workflowExecutionCompletedEventAttributes?.result?.payloads?.[0];
    const outcome = payload ? defaultPayloadConverter.fromPayload<TicketStatus>(payload).outcome : undefined;
    if (type !== 'ticketWorkflow' || !scenario || outcome !== scenario.outcome) wrong.push(`${file}: ${type ?? '?'} ended ${outcome ?? 'without a result'}, expected ${scenario?.outcome ?? '(no such scenario)'}`);
  }
  assert.deepEqual(wrong, []);
});
