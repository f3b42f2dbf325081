import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { SentryIssueSettled, SentryTrigger } from '../src/domain/sentry/issue.js';
import type { WebhookServer } from '../src/webhooks/server.js';
import { sentryIssueSettledSignal, sentryTriggerSignal } from '../src/workflows/sentry-fix-definitions.js';
import { connectRedis } from './helpers/redis.js';
import { deliverSentry, sentryPayload, SENTRY_TEST_SECRET, signedSentryDelivery, TEST_MAPPING, type SentryDelivery } from './helpers/sentry-payloads.js';
import { startTestWebhookServer } from './helpers/webhook-server.js';
import { OutageStarter, waitFor } from './helpers/webhook-outbox.js';

type IssueJson = { action: string; data: { issue: Record<string, unknown> } };
type AlertJson = { data: { event: Record<string, unknown> } };

const SUBJECT = { kind: 'sentry-issue', org: 'example', issueId: '123' } as const;
const WORKFLOW_ID = 'sentry-fix:example:123';
const EVENT_ID = 'e4874d664c3540c1a32eab185f12c5ab';

/** `name`'s payload with its issue changed (the action too, when given). */
function issueJson(name: string, change: Record<string, unknown> = {}, action?: string): Record<string, unknown> {
  const json = sentryPayload(name).json;
  const typed = json as unknown as IssueJson;
  Object.assign(typed.data.issue, change);
  if (action !== undefined) typed.action = action;
  return json;
}

/** A regression as Sentry sends it: `unresolved`, substatus `regressed`. */
const regressed = (substatus = 'regressed') => issueJson('issue--created', { status: 'unresolved', substatus }, 'unresolved');

/** The event alert with its event's API URL, which names the project (Sentry sends it; the example payload leaves it out). */
function alertJson(): Record<string, unknown> {
  const json = sentryPayload('event_alert--triggered').json;
  Object.assign((json as unknown as AlertJson).data.event, { event_id: EVENT_ID, url: `https://sentry.io/api/0/projects/example/ipe/events/${EVENT_ID}/` });
  return json;
}

describe('POST /webhook/sentry', () => {
  let redis: Redis;
  let starter: OutageStarter;
  let server: WebhookServer;
  const env = { SENTRY_CLIENT_SECRET: `${SENTRY_TEST_SECRET},previous-secret`, SENTRY_PROJECTS: JSON.stringify([TEST_MAPPING]) };

  before(async () => {
    redis = await connectRedis();
  });
  beforeEach(async () => {
    await server?.close();
    starter = new OutageStarter();
    server = await startTestWebhookServer(redis, starter, env);
  });
  after(async () => {
    await server?.close();
    redis?.disconnect();
  });

  const send = (resource: string, json: unknown, options: Parameters<typeof signedSentryDelivery>[2] = {}) => deliverSentry(server.url, signedSentryDelivery(resource, json, options));
  const starts = () => starter.calls.filter((call) => call.op === 'start');
  const triggers = () => starts().map((call) => {
    assert.deepEqual([call.kind, call.subject, call.signal.name], ['sentry-fix', SUBJECT, sentryTriggerSignal.name]);
    return SentryTrigger.parse(call.signal.args[0]);
  });
  const settlements = () =>
    starter.calls.filter((call) => call.op === 'signal').map((call) => {
      assert.deepEqual([call.kind, call.subject, call.signal.name], ['sentry-fix', SUBJECT, sentryIssueSettledSignal.name]);
      return SentryIssueSettled.parse(call.signal.args[0]);
    });
  const metricsText = async () => (await fetch(`${server.url}/metrics`)).text();

  test('a signed issue "created" starts one sentry-fix with the trigger built from the issue', async () => {
    const delivery = signedSentryDelivery('issue', sentryPayload('issue--created').json, { requestId: '65b1edb0-eb08-5d11-8e3e-c98a8ce0ed2d' });
    const response = await deliverSentry(server.url, delivery);
    assert.equal(response.status, 202);
    assert.deepEqual(response.json, { status: 'accepted', reason: 'created', workflowId: WORKFLOW_ID });
    const [trigger, ...more] = triggers();
    assert.equal(more.length, 0);
    assert.deepEqual(trigger, {
      reason: 'created',
      deliveryId: '65b1edb0-eb08-5d11-8e3e-c98a8ce0ed2d',
      issue: {
        org: 'example',
        issueId: '123',
        shortId: 'IPE-1',
        projectSlug: 'ipe',
        projectId: '456',
        title: 'Error #1: This is a test error!',
        culprit: 'SentryCustomError(frontend/src/util)',
        level: 'error',
        platform: 'javascript',
        status: 'unresolved',
        errorType: 'Another Error #1',
        errorValue: 'This is a test error!',
        count: 1,
        userCount: 1,
        firstSeen: '2022-04-04T18:17:18.320000Z',
        lastSeen: '2022-04-04T18:17:18.320000Z',
        // The example payload has no web_url: the page is built from SENTRY_URL.
        webUrl: 'https://sentry.io/organizations/example/issues/123/',
      },
    });
  });

  test('as Sentry sends it today (no organization in the installation, the URLs it builds): the organization from the API URL', async () => {
    const json = issueJson('issue--created', {
      url: 'https://sentry.io/api/0/organizations/example/issues/123/',
      web_url: 'https://example.sentry.io/issues/123/',
      substatus: 'new',
      issueCategory: 'error',
      count: '3',
    });
    json.installation = { uuid: '24b397fc-a86e-43ef-9297-949e21b82480' };
    assert.equal((await send('issue', json)).status, 202);
    const [trigger] = triggers();
    assert.deepEqual([trigger?.issue.org, trigger?.issue.webUrl, trigger?.issue.count], ['example', 'https://example.sentry.io/issues/123/', 3]);
    // Nothing names the organization: refused, never guessed.
    const nowhere = issueJson('issue--created');
    nowhere.installation = { uuid: '24b397fc-a86e-43ef-9297-949e21b82480' };
    const refused = await send('issue', nowhere);
    assert.equal(refused.status, 400);
    assert.match(String(refused.json.error), /names no organization/);
  });

  test('a redelivery (same Request-ID) starts nothing more', async () => {
    const delivery = signedSentryDelivery('issue', sentryPayload('issue--created').json);
    assert.equal((await deliverSentry(server.url, delivery)).status, 202);
    const again = await deliverSentry(server.url, delivery);
    assert.deepEqual([again.status, again.json], [200, { status: 'duplicate' }]);
    assert.equal(starts().length, 1);
  });

  test('the same content with a new Request-ID, or the same issue action with a changed body, starts nothing more', async () => {
    const json = sentryPayload('issue--created').json;
    assert.equal((await send('issue', json)).status, 202);
    assert.deepEqual((await send('issue', json)).json, { status: 'duplicate' });
    // Sentry's (org, issue, action): a later body of the same creation (its count moved on) is still a duplicate.
    assert.deepEqual((await send('issue', issueJson('issue--created', { count: '5' }))).json, { status: 'duplicate' });
    assert.equal(starts().length, 1);
  });

  test('a bad, missing, malformed or foreign-secret signature is 401 before the body is read; the rotation secret is accepted', async () => {
    const good = signedSentryDelivery('issue', sentryPayload('issue--created').json);
    const tampered = { headers: good.headers, body: good.body.replace('"created"', '"resolved"') };
    const unsigned = { headers: { ...good.headers }, body: good.body };
    delete unsigned.headers['Sentry-Hook-Signature'];
    const prefixed = { headers: { ...good.headers, 'Sentry-Hook-Signature': `sha256=${good.headers['Sentry-Hook-Signature']}` }, body: good.body };
    for (const delivery of [tampered, unsigned, prefixed, signedSentryDelivery('issue', sentryPayload('issue--created').json, { secret: 'not-the-secret' })]) {
      const response = await deliverSentry(server.url, delivery);
      assert.deepEqual([response.status, response.json], [401, { error: 'invalid or missing Sentry-Hook-Signature' }]);
    }
    assert.equal(starts().length, 0);
    assert.equal((await send('issue', sentryPayload('issue--created').json, { secret: 'previous-secret' })).status, 202);
  });

  test('a timestamp more than SENTRY_TIMESTAMP_TOLERANCE_SECONDS off (either way), or none, is 401 with the reason', async () => {
    const now = Math.floor(Date.now() / 1_000);
    const json = sentryPayload('issue--created').json;
    const stale = await send('issue', json, { timestamp: now - 400 });
    assert.equal(stale.status, 401);
    assert.match(String(stale.json.error), /^Sentry-Hook-Timestamp is 40\d s off \(more than 300 s\)/);
    assert.equal((await send('issue', json, { timestamp: now + 400 })).status, 401);
    // The fixture's own 2022 timestamp: a captured delivery replayed as it was.
    assert.equal((await send('issue', json, { timestamp: 1649096238 })).status, 401);
    const missing = signedSentryDelivery('issue', json);
    delete missing.headers['Sentry-Hook-Timestamp'];
    assert.deepEqual((await deliverSentry(server.url, missing)).json, { error: 'missing Sentry-Hook-Timestamp' });
    const words = signedSentryDelivery('issue', json);
    words.headers['Sentry-Hook-Timestamp'] = 'yesterday';
    assert.deepEqual((await deliverSentry(server.url, words)).json, { error: 'Sentry-Hook-Timestamp is not Unix seconds' });
    assert.equal(starts().length, 0);
    assert.equal((await send('issue', json, { timestamp: now - 200 })).status, 202);
  });

  test('a malformed body is 400 with the reason; a wrong content type 415; an oversized body 413', async () => {
    const signed = (body: string, headers: Record<string, string> = {}): SentryDelivery => {
      const delivery = signedSentryDelivery('issue', undefined, { body });
      return { headers: { ...delivery.headers, ...headers }, body };
    };
    assert.deepEqual((await deliverSentry(server.url, signed('{"action": "created", '))).json, { error: 'body is not valid JSON' });
    const noShortId = issueJson('issue--created', { shortId: undefined });
    const invalid = await deliverSentry(server.url, signed(JSON.stringify(noShortId)));
    assert.equal(invalid.status, 400);
    assert.match(String(invalid.json.error), /^invalid payload: data\.issue\.shortId: /);
    const badCount = await deliverSentry(server.url, signed(JSON.stringify(issueJson('issue--created', { count: 'many' }))));
    assert.match(String(badCount.json.error), /data\.issue\.count/);
    const noResource = signed(JSON.stringify(sentryPayload('issue--created').json));
    delete noResource.headers['Sentry-Hook-Resource'];
    assert.deepEqual((await deliverSentry(server.url, noResource)).json, { error: 'invalid payload: Sentry-Hook-Resource header is missing' });
    const text = await deliverSentry(server.url, signed(JSON.stringify(sentryPayload('issue--created').json), { 'Content-Type': 'text/plain' }));
    assert.equal(text.status, 415);
    const huge = await deliverSentry(server.url, signed(JSON.stringify({ action: 'created', data: { pad: 'x'.repeat(70_000) } })));
    assert.equal(huge.status, 413);
    assert.equal(starter.calls.length, 0);
  });

  test('resolved signals the running attempt to settle; a later ignored/archived of the same issue is the same settlement', async () => {
    assert.equal((await send('issue', sentryPayload('issue--created').json)).status, 202);
    const resolved = await send('issue', issueJson('issue--resolved'), {});
    assert.deepEqual([resolved.status, resolved.json], [202, { status: 'settled', reason: 'resolved', workflowId: WORKFLOW_ID }]);
    assert.deepEqual(settlements(), [{ status: 'resolved' }]);
    assert.deepEqual((await send('issue', sentryPayload('issue--ignored').json)).json, { status: 'duplicate' });
    assert.equal(settlements().length, 1);
  });

  test('ignored and archived settle too, naming who did it; with no attempt running the settlement is acknowledged', async () => {
    const ignored = await send('issue', sentryPayload('issue--ignored').json);
    assert.deepEqual([ignored.status, ignored.json], [202, { status: 'not-running', reason: 'ignored', workflowId: WORKFLOW_ID }]);
    assert.equal((await send('issue', sentryPayload('issue--created').json)).status, 202);
    const archived = { ...issueJson('issue--ignored', { substatus: 'archived_forever' }, 'archived'), actor: { type: 'user', id: 1, name: 'Person' } };
    assert.deepEqual((await send('issue', archived)).json, { status: 'settled', reason: 'archived', workflowId: WORKFLOW_ID });
    assert.deepEqual(settlements(), [{ status: 'archived', by: 'Person' }]);
  });

  test('a regression (unresolved, substatus regressed) starts with reason regressed; an escalation or a manual unresolve does not', async () => {
    for (const substatus of ['escalating', 'ongoing']) {
      const response = await send('issue', regressed(substatus));
      assert.deepEqual([response.status, response.json], [202, { status: 'ignored', reason: `issue unresolved (substatus "${substatus}") is not a regression` }]);
    }
    assert.equal(starts().length, 0);
    const response = await send('issue', regressed());
    assert.deepEqual(response.json, { status: 'accepted', reason: 'regressed', workflowId: WORKFLOW_ID });
    assert.deepEqual(triggers().map((trigger) => [trigger.reason, trigger.issue.status]), [['regressed', 'unresolved']]);
  });

  test('after a settlement the next regression is new work, and its settlement reaches the new attempt', async () => {
    assert.equal((await send('issue', regressed())).status, 202);
    assert.equal((await send('issue', issueJson('issue--resolved', { lastSeen: '2022-04-05T00:00:00Z' }))).json.status, 'settled');
    // The issue regresses again (a new body), after the resolution: a new attempt.
    assert.equal((await send('issue', issueJson('issue--created', { status: 'unresolved', substatus: 'regressed', count: '2' }, 'unresolved'))).json.status, 'accepted');
    assert.equal((await send('issue', issueJson('issue--resolved', { lastSeen: '2022-04-06T00:00:00Z' }))).json.status, 'settled');
    assert.deepEqual(triggers().map((trigger) => trigger.reason), ['regressed', 'regressed']);
    assert.equal(settlements().length, 2);
  });

  test('event_alert "triggered" starts with reason alert, the summary built from the event', async () => {
    const response = await send('event_alert', alertJson());
    assert.deepEqual([response.status, response.json], [202, { status: 'accepted', reason: 'alert', workflowId: WORKFLOW_ID }]);
    const [trigger] = triggers();
    assert.equal(trigger?.reason, 'alert');
    assert.equal(trigger?.eventId, EVENT_ID);
    assert.deepEqual(
      { ...trigger?.issue },
      {
        org: 'example',
        issueId: '123',
        shortId: '123',
        projectSlug: 'ipe',
        title: 'Error #1: This is a test error!',
        culprit: 'SentryCustomError(frontend/src/util)',
        platform: 'javascript',
        status: 'unresolved',
        errorType: 'Another Error #1',
        errorValue: 'This is a test error!',
        count: 0,
        userCount: 0,
        lastSeen: '2022-04-04T18:17:18.320000Z',
        webUrl: 'https://sentry.io/organizations/lxyz/issues/123/',
      },
    );
    // A second alert for the issue while the attempt runs is the same action.
    assert.deepEqual((await send('event_alert', { ...alertJson(), data: { ...(alertJson().data as object), triggered_rule: 'another rule' } })).json, { status: 'duplicate' });
  });

  test('an alert whose event names no project (the example payload has no data.event.url) is ignored and counted as unmapped', async () => {
    const response = await send('event_alert', sentryPayload('event_alert--triggered').json);
    assert.deepEqual([response.status, response.json.status], [202, 'ignored']);
    assert.match(String(response.json.reason), /^project not mapped/);
    assert.equal(starter.calls.length, 0);
    assert.match(await metricsText(), /^forgebot_webhook_not_allowed_total\{forge="sentry"\} 1$/m);
  });

  test('installation, metric_alert, comment and issue assigned are acknowledged and ignored', async () => {
    for (const name of ['installation--created', 'metric_alert--critical', 'comment--created', 'issue--assigned']) {
      const { resource, json } = sentryPayload(name);
      const response = await send(resource, json);
      assert.deepEqual([response.status, response.json.status], [202, 'ignored'], name);
      assert.match(String(response.json.reason), /is not handled$/, name);
    }
    const feedback = await send('issue', issueJson('issue--created', { issueCategory: 'feedback' }));
    assert.deepEqual(feedback.json, { status: 'ignored', reason: 'issue category "feedback" is not an error' });
    const cron = alertJson();
    Object.assign((cron as unknown as AlertJson).data.event, { occurrence: { type: 4001 } });
    assert.deepEqual((await send('event_alert', cron)).json, { status: 'ignored', reason: "the alert's issue is not an error (a monitor or metric issue)" });
    assert.equal(starter.calls.length, 0);
    assert.match(await metricsText(), /^forgebot_webhook_not_allowed_total\{forge="sentry"\} 0$/m);
  });

  test('a project without a mapping is acknowledged, ignored and counted, whatever the action', async () => {
    const foreign = (name: string) => {
      const json = issueJson(name);
      ((json as unknown as IssueJson).data.issue.project as Record<string, unknown>).slug = 'another-project';
      return json;
    };
    for (const name of ['issue--created', 'issue--resolved']) {
      const response = await send('issue', foreign(name));
      assert.deepEqual([response.status, response.json], [202, { status: 'ignored', reason: 'project not mapped' }], name);
    }
    assert.equal(starter.calls.length, 0);
    const text = await metricsText();
    assert.match(text, /^forgebot_webhook_not_allowed_total\{forge="sentry"\} 2$/m);
    assert.match(text, /^forgebot_webhook_deliveries_total\{forge="sentry",status="202"\} 2$/m);
  });

  test('with Temporal down the start is held in the outbox (202 queued) and handed over once it is back', async () => {
    starter.down();
    const response = await send('issue', sentryPayload('issue--created').json);
    assert.deepEqual([response.status, response.json], [202, { status: 'queued', reason: 'created', workflowId: WORKFLOW_ID }]);
    assert.equal(starts().length, 0);
    // A redelivery while it waits is a duplicate, not a second held start.
    assert.deepEqual((await send('issue', sentryPayload('issue--created').json)).json, { status: 'duplicate' });
    starter.recover();
    await waitFor(() => starts().length === 1, 'the held start handed over');
    assert.deepEqual(triggers().map((trigger) => trigger.reason), ['created']);
  });

  test('without SENTRY_CLIENT_SECRET the route is not mounted (404)', async () => {
    await server.close();
    server = await startTestWebhookServer(redis, starter, {});
    const response = await send('issue', sentryPayload('issue--created').json);
    assert.equal(response.status, 404);
  });
});
