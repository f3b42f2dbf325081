// POST /webhook/jira against the real server and Redis, with Jira-shaped deliveries built here (Cloud and Server
// shapes; the real payloads of ../shared are the corpus test's): signature, body and payload checks, the decision,
// deduplication (delivery identifier, changelog and comment ids, concurrent copies), Redis down, the allowlist.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { ConfigError, loadConfig } from '../src/config.js';
import type { JiraWebhookAction } from '../src/domain/jira/ticket.js';
import { createLogger } from '../src/logger.js';
import type { JiraCommented, JiraReady, JiraWithdrawn, TicketStarter } from '../src/webhooks/jira/dispatch-jira-action.js';
import { startWebhookServer, type WebhookServer } from '../src/webhooks/server.js';
import { RecordingStarter } from './helpers/recording-starter.js';
import { connectRedis } from './helpers/redis.js';

const SECRET = 'jira-test-webhook-secret';
const ROTATED = 'jira-previous-secret';
const READY = { id: '10005', name: 'Ready for Dev' };
const TODO = { id: '10001', name: 'To Do' };
const IN_PROGRESS = { id: '3', name: 'In Progress' };

type Acted = Exclude<JiraWebhookAction, { kind: 'ignore' }>;

/** A TicketStarter that records each call; `failWith` makes calls throw (the workflow service down). */
class RecordingTickets implements TicketStarter {
  calls: Acted[] = [];
  failWith: Error | undefined;
  async ready(action: JiraReady) {
    this.record(action);
  }
  async withdrawn(action: JiraWithdrawn) {
    this.record(action);
  }
  async comment(action: JiraCommented) {
    this.record(action);
  }
  private record(action: Acted) {
    if (this.failWith) throw this.failWith;
    this.calls.push(action);
  }
}

async function startJiraServer(redis: Redis, tickets: TicketStarter, env: Record<string, string> = {}): Promise<WebhookServer> {
  const config = loadConfig({
    PORT: '0',
    JIRA_WEBHOOK_SECRET: `${SECRET},${ROTATED}`,
    WEBHOOK_BODY_LIMIT: '64kb',
    OUTBOX_DIR: await mkdtemp(join(tmpdir(), 'forgebot-outbox-')),
    ...env,
  });
  return startWebhookServer({ config, redis, starter: new RecordingStarter(), tickets, logger: createLogger('silent'), dedupePrefix: `forgebot-test:${randomUUID()}:` });
}

// ---- Jira-shaped deliveries (the fields Jira sends; Cloud unless `server`) ----

const cloudUser = { accountId: '5c5f880629be9642ba529340', displayName: 'Test User', active: true, timeZone: 'Europe/Paris' };
const serverUser = { name: 'admin', key: 'JIRAUSER10000', displayName: 'Admin Person', active: true };

function issue(key = 'TES-41', id = '10040') {
  const project = key.slice(0, key.indexOf('-'));
  return { id, self: `https://example.atlassian.net/rest/api/2/issue/${id}`, key, fields: { summary: 'A ticket', project: { id: '10000', key: project, name: 'Test' }, status: { ...READY } } };
}

type Status = { id: string; name: string };

/** `jira:issue_updated` with a status change (`server`: no field ids, people by key and name). */
function statusChange(from: Status | null, to: Status, options: { changelogId?: string; key?: string; server?: boolean; timestamp?: number } = {}) {
  const item = { field: 'status', fieldtype: 'jira', ...(options.server ? {} : { fieldId: 'status' }), from: from?.id ?? null, fromString: from?.name ?? null, to: to.id, toString: to.name };
  return {
    timestamp: options.timestamp ?? 1_700_000_000_000,
    webhookEvent: 'jira:issue_updated',
    issue_event_type_name: 'issue_generic',
    user: options.server ? serverUser : cloudUser,
    issue: issue(options.key),
    changelog: { id: options.changelogId ?? '10300', items: [item] },
  };
}

function commentCreated(commentId = '10019', key = 'TES-41') {
  return { timestamp: 1_700_000_000_000, webhookEvent: 'comment_created', comment: { id: commentId, author: cloudUser, body: 'LGTM, approve', created: '2024-01-01T00:00:00.000+0000' }, issue: issue(key) };
}

interface Delivery {
  headers: Record<string, string>;
  body: string;
}

const sign = (secret: string, body: string | Buffer) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

function signed(json: unknown, options: { secret?: string; id?: string; body?: string } = {}): Delivery {
  const body = options.body ?? JSON.stringify(json);
  return {
    headers: { 'Content-Type': 'application/json; charset=UTF-8', 'X-Atlassian-Webhook-Identifier': options.id ?? randomUUID(), 'X-Hub-Signature': sign(options.secret ?? SECRET, body) },
    body,
  };
}

async function deliver(server: WebhookServer, delivery: Delivery | { headers: Record<string, string>; body: Buffer }) {
  const response = await fetch(`${server.url}/webhook/jira`, { method: 'POST', headers: delivery.headers, body: delivery.body });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

const metricsText = async (server: WebhookServer) => (await fetch(`${server.url}/metrics`)).text();

describe('POST /webhook/jira', () => {
  let redis: Redis;
  let tickets: RecordingTickets;
  let server: WebhookServer;

  before(async () => {
    redis = await connectRedis();
  });
  beforeEach(async () => {
    await server?.close();
    tickets = new RecordingTickets();
    server = await startJiraServer(redis, tickets);
  });
  after(async () => {
    await server?.close();
    redis?.disconnect();
  });

  const send = (json: unknown, options: Parameters<typeof signed>[1] = {}) => deliver(server, signed(json, options));

  test('a move into the ready status is handed over as ready (202 accepted), with the changelog id and the status', async () => {
    const response = await send(statusChange(TODO, READY, { changelogId: '10301' }));
    assert.deepEqual([response.status, response.json], [202, { status: 'accepted', reason: 'ready', workflowId: 'ticket:jira:TES-41' }]);
    assert.deepEqual(tickets.calls, [{ kind: 'ready', key: 'TES-41', issueId: '10040', projectKey: 'TES', changelogId: '10301', toStatus: READY }]);
  });

  test('the ready status matches by id or by name in any case, in Cloud and Server shapes; a custom field named Status does not', async () => {
    await server.close();
    server = await startJiraServer(redis, tickets, { JIRA_READY_STATUS: 'ready FOR dev' });
    assert.equal((await send(statusChange(TODO, READY, { changelogId: '1' }))).json.reason, 'ready');
    assert.equal((await send(statusChange(TODO, READY, { changelogId: '2', server: true, key: 'OPS-2' }))).json.reason, 'ready');
    await server.close();
    server = await startJiraServer(redis, tickets, { JIRA_READY_STATUS: '10005' });
    // By id, the name renamed since: still the ready status.
    assert.equal((await send(statusChange(TODO, { id: '10005', name: 'Bereit' }, { changelogId: '3' }))).json.reason, 'ready');
    // A Server item that leaves out fieldId and toString altogether (`toString` is never the inherited method).
    const bare = statusChange(TODO, READY, { changelogId: '4', server: true, key: 'OPS-4' });
    bare.changelog.items = [{ field: 'status', fieldtype: 'jira', from: '10001', to: '10005' } as (typeof bare.changelog.items)[number]];
    assert.equal((await send(bare)).json.reason, 'ready');
    const custom = statusChange(TODO, READY, { changelogId: '5', key: 'OPS-5' });
    custom.changelog.items = [{ ...custom.changelog.items[0]!, field: 'Status', fieldtype: 'custom', fieldId: 'customfield_10010' }];
    assert.deepEqual((await send(custom)).json, { status: 'ignored', reason: 'the update changes no status' });
    assert.deepEqual(
      tickets.calls.map((call) => [call.kind, call.key, call.kind === 'ready' ? call.toStatus : undefined]),
      [
        ['ready', 'TES-41', READY],
        ['ready', 'OPS-2', READY],
        ['ready', 'TES-41', { id: '10005', name: 'Bereit' }],
        ['ready', 'OPS-4', { id: '10005', name: '' }],
      ],
    );
  });

  test('leaving the ready status, or the issue deleted, is withdrawn; other moves and updates are ignored with the reason', async () => {
    assert.deepEqual((await send(statusChange(READY, IN_PROGRESS, { changelogId: '10302' }))).json, { status: 'accepted', reason: 'left-ready', workflowId: 'ticket:jira:TES-41' });
    const deleted = { timestamp: 1, webhookEvent: 'jira:issue_deleted', user: cloudUser, issue: issue('IDT-19', '10303') };
    assert.deepEqual((await send(deleted)).json, { status: 'accepted', reason: 'deleted', workflowId: 'ticket:jira:IDT-19' });
    assert.deepEqual(tickets.calls, [
      { kind: 'withdrawn', key: 'TES-41', issueId: '10040', why: 'left-ready', changelogId: '10302' },
      { kind: 'withdrawn', key: 'IDT-19', issueId: '10303', why: 'deleted' },
    ]);
    const elsewhere = await send(statusChange(TODO, IN_PROGRESS));
    assert.deepEqual([elsewhere.status, elsewhere.json], [202, { status: 'ignored', reason: 'status "To Do" → "In Progress" neither enters nor leaves "Ready for Dev"' }]);
    assert.deepEqual((await send(statusChange(READY, READY))).json, { status: 'ignored', reason: 'the status stays "Ready for Dev"' });
    const assigned = { ...statusChange(TODO, READY), issue_event_type_name: 'issue_assigned', changelog: { id: '10230', items: [{ field: 'assignee', fieldtype: 'jira', fieldId: 'assignee', from: null, fromString: null, to: 'x', toString: 'Someone' }] } };
    assert.deepEqual((await send(assigned)).json, { status: 'ignored', reason: 'the update changes no status' });
    // A ticket created straight into the ready status is not a move into it.
    const created = { ...statusChange(null, READY), webhookEvent: 'jira:issue_created', issue_event_type_name: 'issue_created' };
    assert.deepEqual((await send(created)).json, { status: 'ignored', reason: 'event "jira:issue_created" (issue_created) is not handled' });
    assert.equal(tickets.calls.length, 2);
  });

  test('a comment (comment_created, or a Server issue_commented update) is handed over with its author; told both ways, once', async () => {
    assert.deepEqual((await send(commentCreated('10019'))).json, { status: 'accepted', reason: 'comment', workflowId: 'ticket:jira:TES-41' });
    const serverComment = {
      timestamp: 1,
      webhookEvent: 'jira:issue_updated',
      issue_event_type_name: 'issue_commented',
      user: serverUser,
      issue: issue('OPS-4', '10101'),
      comment: { id: '10503', author: serverUser, body: '/claude approve' },
    };
    assert.equal((await send(serverComment)).json.reason, 'comment');
    // The same Server comment told again as comment_created (a webhook registered for both events).
    const same = { webhookEvent: 'comment_created', comment: serverComment.comment, issue: serverComment.issue };
    assert.deepEqual((await send(same)).json, { status: 'duplicate' });
    assert.deepEqual(tickets.calls, [
      { kind: 'comment', key: 'TES-41', issueId: '10040', commentId: '10019', author: { accountId: '5c5f880629be9642ba529340', displayName: 'Test User' } },
      { kind: 'comment', key: 'OPS-4', issueId: '10101', commentId: '10503', author: { accountId: 'JIRAUSER10000', displayName: 'Admin Person' } },
    ]);
    const anonymous = commentCreated('10020');
    anonymous.comment.author = { displayName: 'Nobody' } as typeof cloudUser;
    const refused = await send(anonymous);
    assert.equal(refused.status, 400);
    assert.match(String(refused.json.error), /^invalid payload: comment\.author: names no accountId/);
  });

  test('a wrong or absent signature is 401 before anything else; the second secret of the rotation list is accepted', async () => {
    const good = signed(statusChange(TODO, READY));
    const tampered = { headers: good.headers, body: good.body.replace('TES-41', 'TES-42') };
    const unsigned = { headers: { ...good.headers }, body: good.body };
    delete unsigned.headers['X-Hub-Signature'];
    const bare = { headers: { ...good.headers, 'X-Hub-Signature': good.headers['X-Hub-Signature']!.slice('sha256='.length) }, body: good.body };
    const sha1 = { headers: { ...good.headers, 'X-Hub-Signature': `sha1=${createHmac('sha1', SECRET).update(good.body).digest('hex')}` }, body: good.body };
    const foreign = signed(statusChange(TODO, READY), { secret: 'not-the-secret' });
    // Not even the body's JSON or content type is looked at before the signature.
    const junk = { headers: { 'Content-Type': 'text/plain', 'X-Hub-Signature': sign('not-the-secret', '{') }, body: '{' };
    for (const delivery of [tampered, unsigned, bare, sha1, foreign, junk]) {
      assert.deepEqual(Object.values(await deliver(server, delivery)), [401, { error: 'invalid or missing X-Hub-Signature' }]);
    }
    assert.equal(tickets.calls.length, 0);
    const rotated = await send(statusChange(TODO, READY), { secret: ROTATED });
    assert.deepEqual([rotated.status, rotated.json.status], [202, 'accepted']);
    assert.equal(tickets.calls.length, 1);
  });

  test('a malformed body is 400 with the reason; a wrong content type 415; an oversized body 413', async () => {
    assert.deepEqual(Object.values(await send(undefined, { body: '{"webhookEvent": "jira:issue_updated", ' })), [400, { error: 'body is not valid JSON' }]);
    const latin1 = Buffer.from('{"webhookEvent": "caf\xe9"}', 'latin1');
    const notUtf8 = { headers: { 'Content-Type': 'application/json', 'X-Hub-Signature': sign(SECRET, latin1) }, body: latin1 };
    assert.deepEqual(Object.values(await deliver(server, notUtf8)), [400, { error: 'body is not valid UTF-8' }]);
    assert.deepEqual(Object.values(await send(undefined, { body: '' })), [400, { error: 'request has no body' }]);
    const badKey = statusChange(TODO, READY);
    badKey.issue.key = 'not a key';
    const invalid = await send(badKey);
    assert.equal(invalid.status, 400);
    assert.match(String(invalid.json.error), /^invalid payload: issue\.key: /);
    const noChangelogId = statusChange(TODO, READY) as { changelog: { id?: string } };
    delete noChangelogId.changelog.id;
    assert.match(String((await send(noChangelogId)).json.error), /^invalid payload: changelog\.id: /);
    assert.match(String((await send({ webhookEvent: 42 })).json.error), /^invalid payload: webhookEvent: /);
    const text = signed(statusChange(TODO, READY));
    text.headers['Content-Type'] = 'text/plain';
    assert.deepEqual(Object.values(await deliver(server, text)), [415, { error: 'content type must be application/json' }]);
    const huge = statusChange(TODO, READY) as Record<string, unknown>;
    huge.pad = 'x'.repeat(70_000);
    assert.equal((await send(huge)).status, 413);
    assert.equal(tickets.calls.length, 0);
  });

  test('an unknown event is 202 ignored with the reason, and counted', async () => {
    const response = await send({ timestamp: 1, webhookEvent: 'sprint_started', sprint: { id: 1 } });
    assert.deepEqual([response.status, response.json], [202, { status: 'ignored', reason: 'event "sprint_started" is not handled' }]);
    await send(statusChange(TODO, READY));
    assert.equal(tickets.calls.length, 1);
    const text = await metricsText(server);
    assert.match(text, /^forgebot_webhook_jira_decisions_total\{decision="ignore"\} 1$/m);
    assert.match(text, /^forgebot_webhook_jira_decisions_total\{decision="ready"\} 1$/m);
    assert.match(text, /^forgebot_webhook_deliveries_total\{forge="jira",status="202"\} 2$/m);
  });

  test('a redelivery (same X-Atlassian-Webhook-Identifier) dispatches nothing more, whatever its body says', async () => {
    const id = randomUUID();
    assert.equal((await send(statusChange(TODO, READY, { changelogId: '7' }), { id })).status, 202);
    assert.deepEqual(Object.values(await send(statusChange(TODO, READY, { changelogId: '7' }), { id })), [200, { status: 'duplicate' }]);
    assert.deepEqual((await send(statusChange(TODO, READY, { changelogId: '8' }), { id })).json, { status: 'duplicate' });
    assert.equal(tickets.calls.length, 1);
  });

  test('the same (issue key, changelog id) with a new identifier and a changed body dispatches nothing more; a new changelog does', async () => {
    assert.equal((await send(statusChange(TODO, READY, { changelogId: '9', timestamp: 1 }))).json.status, 'accepted');
    // A second webhook of the same site (its own identifier), the timestamp moved on: the same update.
    assert.deepEqual(Object.values(await send(statusChange(TODO, READY, { changelogId: '9', timestamp: 2 }))), [200, { status: 'duplicate' }]);
    // Another ticket's changelog 9 is another update.
    assert.equal((await send(statusChange(TODO, READY, { changelogId: '9', key: 'TES-42' }))).json.status, 'accepted');
    // Withdrawn and ready again: new changelogs, new actions.
    assert.equal((await send(statusChange(READY, TODO, { changelogId: '10' }))).json.reason, 'left-ready');
    assert.equal((await send(statusChange(TODO, READY, { changelogId: '11' }))).json.reason, 'ready');
    assert.deepEqual(tickets.calls.map((call) => [call.kind, call.key]), [['ready', 'TES-41'], ['ready', 'TES-42'], ['withdrawn', 'TES-41'], ['ready', 'TES-41']]);
  });

  test('20 concurrent copies of one delivery dispatch once: one 202, the rest 200 duplicate', async () => {
    const delivery = signed(statusChange(TODO, READY, { changelogId: '12' }));
    const responses = await Promise.all(Array.from({ length: 20 }, () => deliver(server, delivery)));
    assert.deepEqual(responses.map((response) => response.status).sort(), [...Array<number>(19).fill(200), 202]);
    assert.equal(tickets.calls.length, 1);
  });

  test('when the hand-over fails: 503, the claim released, and the redelivery is dispatched', async () => {
    tickets.failWith = new Error('14 UNAVAILABLE: connection refused');
    const delivery = signed(statusChange(TODO, READY, { changelogId: '13' }));
    const failed = await deliver(server, delivery);
    assert.equal(failed.status, 503);
    tickets.failWith = undefined;
    assert.deepEqual(Object.values(await deliver(server, delivery)), [202, { status: 'accepted', reason: 'ready', workflowId: 'ticket:jira:TES-41' }]);
    assert.equal(tickets.calls.length, 1);
  });

  test('JIRA_PROJECTS: a ticket of another project is 202 ignored and counted (a ready move, a comment, any update); a listed one is acted on', async () => {
    await server.close();
    server = await startJiraServer(redis, tickets, { JIRA_PROJECTS: 'ops, tes' });
    assert.equal((await send(statusChange(TODO, READY, { key: 'TES-1' }))).json.status, 'accepted');
    for (const json of [statusChange(TODO, READY, { key: 'ZZZ-1' }), commentCreated('1', 'ZZZ-1'), statusChange(TODO, IN_PROGRESS, { key: 'ZZZ-1' })]) {
      assert.deepEqual(Object.values(await send(json)), [202, { status: 'ignored', reason: 'project not allowed' }]);
    }
    assert.deepEqual(tickets.calls.map((call) => call.key), ['TES-1']);
    assert.match(await metricsText(server), /^forgebot_webhook_not_allowed_total\{forge="jira"\} 3$/m);
  });

  test('without JIRA_WEBHOOK_SECRET the route is not mounted (404)', async () => {
    await server.close();
    server = await startJiraServer(redis, tickets, { JIRA_WEBHOOK_SECRET: '' });
    assert.equal((await send(statusChange(TODO, READY))).status, 404);
  });
});

test('Redis down: the delivery is still dispatched (no claim; the workflow id deduplicates later)', async () => {
  const deadRedis = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  deadRedis.on('error', () => undefined);
  const tickets = new RecordingTickets();
  const server = await startJiraServer(deadRedis, tickets);
  try {
    const delivery = signed(statusChange(TODO, READY, { changelogId: '14' }));
    assert.deepEqual(Object.values(await deliver(server, delivery)), [202, { status: 'accepted', reason: 'ready', workflowId: 'ticket:jira:TES-41' }]);
    assert.deepEqual(tickets.calls.map((call) => [call.kind, call.key]), [['ready', 'TES-41']]);
  } finally {
    await server.close();
    deadRedis.disconnect();
  }
});

test('Jira configuration: the rotation list, the ready status (default "Ready for Dev"), JIRA_PROJECTS as an allowlist of keys', () => {
  const config = loadConfig({ JIRA_WEBHOOK_SECRET: ' new , old ', JIRA_PROJECTS: ' tes, OPS ,Ops_2 ' });
  assert.deepEqual([config.JIRA_WEBHOOK_SECRET, config.JIRA_READY_STATUS, config.JIRA_PROJECTS], [['new', 'old'], 'Ready for Dev', ['TES', 'OPS', 'OPS_2']]);
  assert.equal(loadConfig({}).JIRA_PROJECTS, undefined, 'unset: every project');
  assert.equal(loadConfig({ JIRA_READY_STATUS: ' 10005 ' }).JIRA_READY_STATUS, '10005');
  assert.throws(
    () => loadConfig({ JIRA_PROJECTS: '*, 1AB,OK, bad-key' }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.deepEqual(error.problems, [
        'JIRA_PROJECTS: leave JIRA_PROJECTS unset to allow every project',
        'JIRA_PROJECTS: "1AB": a project key is a letter, then letters, digits or "_" (such as PROJ), at most 31',
        'JIRA_PROJECTS: "bad-key": a project key is a letter, then letters, digits or "_" (such as PROJ), at most 31',
      ]);
      return true;
    },
  );
  assert.throws(() => loadConfig({ JIRA_PROJECTS: ' , ' }), /JIRA_PROJECTS: names no project/);
  assert.throws(() => loadConfig({ JIRA_WEBHOOK_SECRET: ' , ' }), /JIRA_WEBHOOK_SECRET: names no secret/);
});
