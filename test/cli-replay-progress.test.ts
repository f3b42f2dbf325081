// `forgebot replay`'s progress line against a real Temporal dev server: a person at a terminal sees the history fetched
// page by page and the replay, on stderr, the line cleared before the verdict; --json, or a stderr that is no terminal,
// gets none of it.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { runReplayCommand } from '../src/cli/commands/replay.js';
import { progressLine, type ProgressStream } from '../src/cli/format/progress-line.js';
import { loadConfig } from '../src/config.js';
import { decideUpdate } from '../src/workflows/sentry-fix-definitions.js';
import { startTemporal, unique } from './helpers/temporal.js';

const workflowsPath = fileURLToPath(new URL('./helpers/audit-workflows.ts', import.meta.url));
const CLEAR = '\r\u001b[2K';

/** A stand-in for stderr: a terminal (or not) of some width, keeping what was written. */
function terminal(isTTY: boolean, columns = 120): ProgressStream & { writes: string[] } {
  const writes: string[] = [];
  return { isTTY, columns, writes, write: (text: string) => writes.push(text) };
}

describe('forgebot replay: the progress line', () => {
  let env: TestWorkflowEnvironment;
  const workflowId = unique('replay-progress');
  before(async () => {
    env = await startTemporal();
    const taskQueue = unique('replay-progress');
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath, activities: {} });
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start('gateWorkflow', { taskQueue, workflowId });
      await handle.executeUpdate(decideUpdate, { args: [{ gate: 'merge', decision: 'approve', by: { name: 'olivia', source: 'cli' } }] });
      await handle.result();
    });
  });
  after(async () => {
    await env?.teardown();
  });

  const config = () => loadConfig({ TEMPORAL_ADDRESS: env.address });
  const source = { workflowsPath };

  test('at a terminal: the events fetched page by page, then the replay, and the line cleared before the verdict on stdout', async () => {
    const stderr = terminal(true);
    const stdout: string[] = [];
    const events = (await env.client.workflow.getHandle(workflowId).fetchHistory()).events?.length ?? 0;
    const ok = await runReplayCommand(config(), { workflowId, json: false }, { out: (text) => stdout.push(text), source, progress: stderr, pageSize: 3 });
    assert.equal(ok, true);
    const lines = stderr.writes.filter((text) => text !== CLEAR).map((text) => text.replace(CLEAR, ''));
    const fetched = lines.filter((line) => line.includes('fetching history')).map((line) => Number(/(\d+) events$/.exec(line)?.[1]));
    // The server keeps a workflow task's events on one page: pages of about 3 events.
    assert.ok(fetched.length >= 2, `${fetched.length} pages`);
    assert.ok(fetched.every((count, page) => count > (fetched[page - 1] ?? 0)), `counting up: ${fetched.join(', ')}`);
    assert.equal(fetched.at(-1), events);
    assert.equal(lines.at(-1), `${workflowId}: replaying ${events} events on the current workflow code`);
    assert.ok(stderr.writes.every((text) => text.startsWith(CLEAR)), 'each line replaces the one before');
    assert.equal(stderr.writes.at(-1), CLEAR, 'cleared before the verdict');
    assert.match(stdout.join(''), new RegExp(`^OK: ${workflowId} \\(gateWorkflow, run [0-9a-f-]+, ${events} events\\)`));
  });

  test('--json, or a stderr that is no terminal: no progress at all', async () => {
    for (const [json, stderr] of [[true, terminal(true)], [false, terminal(false)]] as const) {
      const stdout: string[] = [];
      assert.equal(await runReplayCommand(config(), { workflowId, json }, { out: (text) => stdout.push(text), source, progress: stderr, pageSize: 3 }), true);
      assert.deepEqual(stderr.writes, [], `json: ${json}, tty: ${stderr.isTTY}`);
      if (json) assert.equal(JSON.parse(stdout.join('')).ok, true);
    }
  });

  test('a line longer than the terminal is cut to its width', () => {
    const stderr = terminal(true, 30);
    const line = progressLine(stderr, true);
    line.update('x'.repeat(100));
    line.done();
    assert.deepEqual(stderr.writes, [`${CLEAR}${'x'.repeat(28)}…`, CLEAR]);
    line.done();
    assert.equal(stderr.writes.length, 2, 'nothing more to clear');
  });
});
