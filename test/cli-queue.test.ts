// `forgebot queue` against a real Temporal dev server: an agent job running on the agent task queue (a tiny workflow
// whose activity holds until the test lets it go), two more waiting behind it (the agent-worker runs one at a time),
// Temporal's backlog, and a workflow waiting at a gate.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { queueReport, runQueueCommand, type QueueReport } from '../src/cli/commands/queue.js';
import { formatAge } from '../src/cli/format/age.js';
import { loadConfig } from '../src/config.js';
import { registerSearchAttributes } from '../src/workers/register-search-attributes.js';
import { searchAttributes } from '../src/workflows/definitions.js';
import { eventually } from './helpers/forgebot-stack.js';
import { forgebotCommand, linesOf } from './helpers/forgebot-command.js';
import { decideSignal, type agentJobWorkflow, type gateWorkflow, type HeldAgentActivities } from './helpers/operator-workflows.js';
import { startTemporal, unique } from './helpers/temporal.js';

const workflowsPath = fileURLToPath(new URL('./helpers/operator-workflows.ts', import.meta.url));

test('ages read at a glance: seconds, then minutes and seconds, hours and minutes, days and hours', () => {
  assert.deepEqual([0, 9.7, 59, 60, 192, 3_599, 3_600, 7_380, 86_399, 90_000, -5].map(formatAge), ['0s', '9s', '59s', '1m00s', '3m12s', '59m59s', '1h00m', '2h03m', '23h59m', '1d01h', '0s']);
});

describe('forgebot queue', () => {
  let env: TestWorkflowEnvironment;
  const agentQueue = unique('queue-agent');
  const mainQueue = unique('queue-main');
  const releases = new Map<string, () => void>();
  let closing = false;
  const activities: HeldAgentActivities = {
    // Held until the test ends; then every job (the waiting ones start meanwhile) ends at once.
    holdAgentJob: (name) => new Promise((resolve) => (closing ? resolve(name) : releases.set(name, () => resolve(name)))),
  };
  let stop: () => Promise<void> = async () => undefined;
  const ids = { running: unique('review:gitlab:42'), waiting: [unique('sentry-fix:acme'), unique('ticket:jira:PROJ')], gate: unique('sentry-fix:acme') };

  before(async () => {
    env = await startTemporal();
    await registerSearchAttributes(env.connection, 'default');
    const agent = await Worker.create({ connection: env.nativeConnection, taskQueue: agentQueue, activities, maxConcurrentActivityTaskExecutions: 1 });
    const main = await Worker.create({ connection: env.nativeConnection, taskQueue: mainQueue, workflowsPath });
    const running = Promise.all([agent.run(), main.run()]);
    stop = async () => {
      agent.shutdown();
      main.shutdown();
      await running;
    };
    const start = (workflowId: string, subject: string) =>
      env.client.workflow.start<typeof agentJobWorkflow>('agentJobWorkflow', { workflowId, taskQueue: mainQueue, args: [agentQueue, workflowId], typedSearchAttributes: [{ key: searchAttributes.subject, value: subject }] });
    await start(ids.running, 'change:gitlab:42:7');
    await eventually(() => releases.has(ids.running), 'the first agent job runs');
    await start(ids.waiting[0]!, 'sentry-issue:acme:123');
    await start(ids.waiting[1]!, 'jira-ticket:PROJ-7');
    await env.client.workflow.start<typeof gateWorkflow>('gateWorkflow', {
      workflowId: ids.gate,
      taskQueue: mainQueue,
      typedSearchAttributes: [
        { key: searchAttributes.phase, value: 'awaiting-approval' },
        { key: searchAttributes.subject, value: 'sentry-issue:acme:999' },
      ],
    });
  });

  after(async () => {
    closing = true;
    for (const release of releases.values()) release();
    await env?.client.workflow.getHandle(ids.gate).signal(decideSignal).catch(() => undefined);
    await stop();
    await env?.teardown();
  });

  const config = () => loadConfig({ TEMPORAL_ADDRESS: env.address, AGENT_TASK_QUEUE: agentQueue });
  /** Only this file's workflows (the dev server is this file's own, but be explicit). */
  const ours = (report: QueueReport) => ({ ...report, jobs: report.jobs.filter((job) => [ids.running, ...ids.waiting].includes(job.workflowId)) });

  test('the running agent job with its age, the two waiting behind it, the backlog, the approval waiting', async () => {
    const client = env.client;
    // Seen 3m12s later: ages are measured from the server's timestamps.
    const later = () => Date.now() + 192_000;
    const report = await eventually(async () => {
      const seen = ours(await queueReport(client, config(), later));
      return seen.jobs.length === 3 && seen.backlog.approximateCount >= 2 && seen.approvals.length === 1 ? seen : undefined;
    }, 'three agent jobs, a backlog of two, one approval', 30_000);
    const [running, ...waiting] = report.jobs;
    assert.deepEqual(
      { workflowId: running?.workflowId, state: running?.state, activityType: running?.activityType, attempt: running?.attempt, subject: running?.subject, workflowType: running?.workflowType },
      { workflowId: ids.running, state: 'running', activityType: 'holdAgentJob', attempt: 1, subject: 'change:gitlab:42:7', workflowType: 'agentJobWorkflow' },
    );
    assert.ok((running?.ageSeconds ?? 0) >= 192 && (running?.ageSeconds ?? 0) < 192 + 60, `age ${running?.ageSeconds}`);
    assert.deepEqual(waiting.map((job) => job.state), ['waiting', 'waiting']);
    assert.deepEqual(new Set(waiting.map((job) => job.workflowId)), new Set(ids.waiting));
    assert.equal(report.backlog.pollers, 1, 'the agent-worker polls the queue');
    assert.ok(report.backlog.oldestAgeSeconds >= 0);
    assert.deepEqual(report.approvals.map(({ workflowId, gate, subject, workflowType }) => ({ workflowId, gate, subject, workflowType })), [{ workflowId: ids.gate, gate: 'merge', subject: 'sentry-issue:acme:999', workflowType: 'gateWorkflow' }]);
    assert.ok((report.approvals[0]?.ageSeconds ?? 0) >= 192);

    let text = '';
    await runQueueCommand(config(), { json: false }, (chunk) => (text += chunk));
    const lines = linesOf(text);
    assert.match(lines[0] ?? '', new RegExp(`^agent task queue ${agentQueue}: 1 agent-worker polling; backlog ~2, the oldest waiting \\d+s \\(Temporal's estimate\\)$`));
    assert.match(text, /^state\s+age\s+activity\s+attempt\s+workflow\s+subject$/m);
    assert.match(text, new RegExp(`^running\\s+\\d+s\\s+holdAgentJob\\s+1\\s+${ids.running}\\s+change:gitlab:42:7$`, 'm'));
    assert.equal(lines.filter((entry) => /^waiting\s/.test(entry)).length, 2);
    assert.match(text, new RegExp(`^merge\\s+\\d+s\\s+\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\s+${ids.gate}\\s+sentry-issue:acme:999$`, 'm'));
  });

  test('./forgebot queue --json and the table, as an operator runs them; an empty queue says so', async () => {
    const vars = { TEMPORAL_ADDRESS: env.address, AGENT_TASK_QUEUE: agentQueue, LOG_LEVEL: 'warn' };
    const json = await forgebotCommand(['queue', '--json'], vars);
    assert.equal(json.code, 0, json.stderr);
    const report = JSON.parse(json.stdout) as QueueReport;
    assert.deepEqual(Object.keys(report).sort(), ['approvals', 'at', 'backlog', 'jobs', 'notDescribed', 'taskQueue'].sort());
    assert.equal(report.taskQueue, agentQueue);
    assert.deepEqual(Object.keys(report.backlog).sort(), ['approximateCount', 'oldestAgeSeconds', 'pollers']);
    const job = report.jobs.find((entry) => entry.workflowId === ids.running);
    assert.deepEqual(Object.keys(job ?? {}).sort(), ['activityId', 'activityType', 'ageSeconds', 'attempt', 'runId', 'since', 'state', 'subject', 'workflowId', 'workflowType']);
    assert.ok(!Number.isNaN(Date.parse(job?.since ?? '')));

    const table = await forgebotCommand(['queue'], vars);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, new RegExp(`^running\\s+\\d+s\\s+holdAgentJob\\s+1\\s+${ids.running}`, 'm'));
    assert.match(table.stdout, /^approvals waiting \(1\):$/m);

    const empty = await forgebotCommand(['queue'], { ...vars, AGENT_TASK_QUEUE: unique('nobody-polls') });
    assert.equal(empty.code, 0, empty.stderr);
    assert.match(empty.stdout, /: no agent-worker polls it; backlog ~0 \(Temporal's estimate\)\n\nno agent jobs\n/);
  });
});
