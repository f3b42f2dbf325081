// The Jira webhook's TicketStarter on a real Temporal dev server, end to end through POST /webhook/jira and Redis: a
// ticket entering the ready status signal-with-starts `ticket:jira:<KEY>` (no worker runs it here: the started
// execution and its signal events are what is asserted), a second one signals the same run, a comment and leaving the
// ready status signal it, and with no workflow running they are acknowledged and dropped. Temporal down: held.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Redis } from 'ioredis';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { WORKFLOW_TIMEOUT_MS } from '../src/webhooks/change-action.js';
import { createDedupe } from '../src/webhooks/dedupe.js';
import { createTemporalTicketStarter } from '../src/webhooks/jira/temporal-ticket-starter.js';
import { createOutbox } from '../src/webhooks/outbox/outbox.js';
import { startWebhookServer, type WebhookServer } from '../src/webhooks/server.js';
import { createTemporalWorkflowStarter } from '../src/webhooks/temporal-workflow-starter.js';
import type { WorkflowStarter } from '../src/webhooks/workflow-starter.js';
import { registerSearchAttributes } from '../src/workers/register-search-attributes.js';
import { connectRedis } from './helpers/redis.js';
import { startTemporal, unique } from './helpers/temporal.js';

const SECRET = 'jira-ticket-starter-secret';
const READY = { id: '10001', name: 'Ready for Dev' };
const IN_PROGRESS = { id: '3', name: 'In Progress' };
const author = { accountId: '5b10-alice', displayName: 'Alice Example' };

const issue = (key: string) => ({ id: key.replace(/\D/g, ''), key, fields: { summary: 'A ticket', project: { id: '10000', key: key.slice(0, key.indexOf('-')), name: 'Test' }, status: READY } });
const statusChange = (key: string, changelogId: string, from: typeof READY, to: typeof READY) => ({
  timestamp: Date.now(), webhookEvent: 'jira:issue_updated', issue_event_type_name: 'issue_generic', user: author, issue: issue(key),
  changelog: { id: changelogId, items: [{ field: 'status', fieldtype: 'jira', fieldId: 'status', from: from.id, fromString: from.name, to: to.id, toString: to.name }] },
});
const commented = (key: string, commentId: string) => ({ timestamp: Date.now(), webhookEvent: 'comment_created', comment: { id: commentId, author, body: 'approve', created: '2026-12-04T10:00:00.000+0000' }, issue: issue(key) });

describe('TicketStarter on Temporal', () => {
  let env: TestWorkflowEnvironment;
  let redis: Redis;
  let server: WebhookServer;
  const taskQueue = unique('tickets');
  // Unique per run: the dev server keeps workflows between the tests of this file.
  const project = `T${Date.now().toString(36).toUpperCase()}`;
  const key = `${project}-41`;

  async function deliver(json: unknown) {
    const body = JSON.stringify(json);
    const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
    const response = await fetch(`${server.url}/webhook/jira`, {
      method: 'POST', body, headers: { 'Content-Type': 'application/json', 'X-Atlassian-Webhook-Identifier': randomUUID(), 'X-Hub-Signature': signature },
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  }

  /** The signals the workflow received, in order: name and decoded arguments. */
  async function signals(workflowId: string) {
    const events = (await env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
    return events.flatMap((event) => {
      const signal = event.workflowExecutionSignaledEventAttributes;
      return signal ? [{ name: signal.signalName, args: (signal.input?.payloads ?? []).map((payload) => defaultPayloadConverter.fromPayload(payload)) }] : [];
    });
  }

  before(async () => {
    env = await startTemporal();
    await registerSearchAttributes(env.connection, 'default');
    redis = await connectRedis();
    const config = loadConfig({ PORT: '0', JIRA_WEBHOOK_SECRET: SECRET, OUTBOX_DIR: await mkdtemp(join(tmpdir(), 'forgebot-outbox-')), OUTBOX_DRAIN_INTERVAL_MS: '100' });
    const starter = createTemporalWorkflowStarter(env.client, { taskQueues: { main: taskQueue } });
    // No `tickets`: the app's own, the Temporal ticket starter. The answer waits for the handover, so it can be read.
    server = await startWebhookServer({ config, redis, starter, logger: createLogger('silent'), dedupePrefix: `forgebot-test:${randomUUID()}:`, ackWithinMs: WORKFLOW_TIMEOUT_MS });
  });
  after(async () => {
    await server?.close();
    redis?.disconnect();
    await env?.teardown();
  });

  test('ready: one ticketWorkflow started with the ready signal; a second ready signals the same run', async () => {
    const workflowId = `ticket:jira:${key}`;
    const first = await deliver(statusChange(key, '20001', { id: '10000', name: 'To Do' }, READY));
    assert.deepEqual([first.status, first.json], [202, { status: 'accepted', reason: 'ready', workflowId }]);
    const handle = env.client.workflow.getHandle(workflowId);
    const described = await handle.describe();
    assert.equal(described.type, 'ticketWorkflow');
    assert.equal(described.taskQueue, taskQueue);
    assert.equal(described.status.name, 'RUNNING');
    const attributes = Object.fromEntries(described.typedSearchAttributes.getAll().map((pair) => [pair.key.name, pair.value]));
    assert.equal(attributes.ForgebotSubject, `jira-ticket:${key}`);
    assert.equal(attributes.ForgebotTicketKey, key);
    const history = (await handle.fetchHistory()).events ?? [];
    const started = history[0]?.workflowExecutionStartedEventAttributes;
    assert.deepEqual((started?.input?.payloads ?? []).map((payload) => defaultPayloadConverter.fromPayload(payload)), [{ subject: { kind: 'jira-ticket', key } }]);
    assert.deepEqual(await signals(workflowId), [{ name: 'ticketReady', args: [{ changelogId: '20001' }] }]);

    const again = await deliver(statusChange(key, '20002', { id: '10000', name: 'To Do' }, READY));
    assert.equal(again.status, 202);
    assert.equal((await handle.describe()).runId, described.runId, 'the same run');
    assert.deepEqual((await signals(workflowId)).map((signal) => signal.args[0]), [{ changelogId: '20001' }, { changelogId: '20002' }]);
  });

  test('a comment and leaving the ready status signal the running workflow', async () => {
    const workflowId = `ticket:jira:${key}`;
    assert.equal((await deliver(commented(key, '30001'))).status, 202);
    assert.equal((await deliver(statusChange(key, '20003', READY, IN_PROGRESS))).status, 202);
    const received = (await signals(workflowId)).slice(2);
    assert.deepEqual(received, [
      { name: 'ticketComment', args: [{ commentId: '30001', author }] },
      { name: 'ticketWithdrawn', args: [{ why: 'left-ready', changelogId: '20003' }] },
    ]);
  });

  test('withdrawn and comment with no workflow running: acknowledged, nothing started', async () => {
    const idle = `${project}-99`;
    assert.equal((await deliver(commented(idle, '30002'))).status, 202);
    assert.equal((await deliver(statusChange(idle, '20004', READY, IN_PROGRESS))).status, 202);
    await assert.rejects(env.client.workflow.getHandle(`ticket:jira:${idle}`).describe(), WorkflowNotFoundError);
  });

  test('Temporal unreachable: the handover is held in the outbox, not lost, and the call does not fail', async () => {
    const down: WorkflowStarter = {
      start: async () => Promise.reject(new Error('14 UNAVAILABLE: connection refused')),
      signal: async () => Promise.reject(new Error('14 UNAVAILABLE: connection refused')),
      ping: async () => Promise.reject(new Error('down')),
    };
    const prefix = `forgebot-test:${randomUUID()}:`;
    const outbox = createOutbox({ redis, prefix, dir: await mkdtemp(join(tmpdir(), 'forgebot-outbox-')), redisTimeoutMs: 2_000, logger: createLogger('silent') });
    const tickets = createTemporalTicketStarter({ dedupe: createDedupe(redis, { ttlSeconds: 60, prefix }), starter: down, outbox }, createLogger('silent'));
    await tickets.ready({ kind: 'ready', key: `${project}-7`, issueId: '7', projectKey: project, changelogId: '1', toStatus: READY });
    const [held] = (await outbox.redis.head(1)).map((stored) => stored.entry);
    assert.deepEqual(held && { workflow: held.workflow, subject: held.subject, op: held.op, signal: held.signal }, {
      workflow: 'ticket', subject: { kind: 'jira-ticket', key: `${project}-7` }, op: 'start', signal: { name: 'ticketReady', args: [{ changelogId: '1' }] },
    });
    await outbox.close();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  });
});
