// Every real Sentry payload in ../shared/fixtures/webhooks/sentry, exactly as published, re-signed with the test
// secret and a fresh timestamp: each is acknowledged with the answer its resource and action call for, none is
// refused as malformed; with the timestamp it came with (2022–2023) each is a stale replay.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import type { WebhookServer } from '../src/webhooks/server.js';
import { fixtureNames, fixturesAvailable, loadFixture } from './helpers/fixtures.js';
import { RecordingStarter } from './helpers/recording-starter.js';
import { connectRedis } from './helpers/redis.js';
import { deliverSentry, SENTRY_TEST_SECRET, signedSentryDelivery, TEST_MAPPING } from './helpers/sentry-payloads.js';
import { startTestWebhookServer } from './helpers/webhook-server.js';

const ABSENT = '../shared/fixtures/webhooks/sentry is absent (a user clone): the Sentry payload corpus is not available';

let redis: Redis;
let server: WebhookServer;
const starter = new RecordingStarter();
before(async () => {
  redis = await connectRedis();
  server = await startTestWebhookServer(redis, starter, { SENTRY_CLIENT_SECRET: SENTRY_TEST_SECRET, SENTRY_PROJECTS: JSON.stringify([TEST_MAPPING]) });
});
after(async () => {
  await server?.close();
  redis?.disconnect();
});

/**
 * The answer to each payload, delivered in name order. The event alerts are Sentry's examples without the event's API
 * URL, so they name no project (unmapped); `issue--resolved` comes after `issue--ignored`: the same settlement.
 */
const EXPECTED: Record<string, { status: string; reason?: RegExp }> = {
  'comment--created': { status: 'ignored', reason: /^comment "created" is not handled$/ },
  'event_alert--triggered': { status: 'ignored', reason: /^project not mapped/ },
  'event_alert--triggered-with-alert-rule-action': { status: 'ignored', reason: /^project not mapped/ },
  'installation--created': { status: 'ignored', reason: /^installation "created" is not handled$/ },
  'issue--assigned': { status: 'ignored', reason: /^issue "assigned" is not handled$/ },
  'issue--created': { status: 'accepted', reason: /^created$/ },
  'issue--ignored': { status: 'settled', reason: /^ignored$/ },
  'issue--resolved': { status: 'duplicate' },
  'metric_alert--critical': { status: 'ignored', reason: /^metric_alert "critical" is not handled$/ },
  'metric_alert--resolved': { status: 'ignored', reason: /^metric_alert "resolved" is not handled$/ },
};

const delivery = (name: string, timestamp?: number) => {
  const fixture = loadFixture('sentry', name);
  return signedSentryDelivery(fixture.headers['Sentry-Hook-Resource'] ?? '', undefined, {
    body: fixture.body,
    ...(fixture.headers['Request-ID'] ? { requestId: fixture.headers['Request-ID'] } : {}),
    ...(timestamp === undefined ? {} : { timestamp }),
  });
};

test('every real Sentry delivery in ../shared is acknowledged with the answer its resource and action call for', async (t) => {
  if (!fixturesAvailable('sentry')) return void t.skip(ABSENT);
  const names = fixtureNames('sentry').sort();
  assert.deepEqual(names, Object.keys(EXPECTED).sort(), 'every payload of the corpus has an expected answer');
  for (const name of names) {
    const response = await deliverSentry(server.url, delivery(name));
    const expected = EXPECTED[name]!;
    assert.ok(response.status >= 200 && response.status < 300, `${name}: ${response.status} ${JSON.stringify(response.json)}`);
    assert.equal(response.json.status, expected.status, `${name}: ${JSON.stringify(response.json)}`);
    if (expected.reason) assert.match(String(response.json.reason), expected.reason, name);
  }
  assert.deepEqual(
    starter.calls.map((call) => [call.op, call.kind, call.signal.name]),
    [
      ['start', 'sentry-fix', 'sentryTrigger'],
      ['signal', 'sentry-fix', 'sentryIssueSettled'],
    ],
  );
});

test('every real Sentry delivery with the timestamp it was sent with is refused as a stale replay (401)', async (t) => {
  if (!fixturesAvailable('sentry')) return void t.skip(ABSENT);
  for (const name of fixtureNames('sentry')) {
    const fixture = loadFixture('sentry', name);
    const response = await deliverSentry(server.url, delivery(name, Number(fixture.headers['Sentry-Hook-Timestamp'])));
    assert.equal(response.status, 401, name);
    assert.match(String(response.json.error), /^Sentry-Hook-Timestamp is \d+ s off/, name);
  }
});
