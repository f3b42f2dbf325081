// Every real GitHub payload (../shared/fixtures, and every pull_request example of @octokit/webhooks-examples) is
// accepted or acknowledged when signed: none is refused as malformed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';
import type { WebhookServer } from '../src/webhooks/server.js';
import { fixtureNames, fixturesAvailable, loadFixture } from './helpers/fixtures.js';
import { deliverGitHub, GITHUB_TEST_SECRET, signedDelivery } from './helpers/github-payloads.js';
import { RecordingStarter } from './helpers/recording-starter.js';
import { connectRedis } from './helpers/redis.js';
import { startTestWebhookServer } from './helpers/webhook-server.js';

let redis: Redis;
let server: WebhookServer;
const starter = new RecordingStarter();
before(async () => {
  redis = await connectRedis();
  server = await startTestWebhookServer(redis, starter, { GITHUB_WEBHOOK_SECRET: GITHUB_TEST_SECRET, WEBHOOK_BODY_LIMIT: '2mb' });
});
after(async () => {
  await server?.close();
  redis?.disconnect();
});

/** What forgebot answers to a pull_request action (a duplicate head SHA answers `duplicate`). */
const outcome: Record<string, string[]> = {
  opened: ['accepted', 'duplicate'], reopened: ['accepted', 'duplicate'], synchronize: ['accepted', 'duplicate'], ready_for_review: ['accepted', 'duplicate', 'ignored'],
  closed: ['closed', 'merged'],
};

test('every real GitHub delivery in ../shared is acknowledged (2xx)', async (t) => {
  if (!fixturesAvailable('github')) return void t.skip('../shared/fixtures/webhooks/github is absent (a user clone): the vendor payload corpus is not available');
  const names = fixtureNames('github');
  assert.ok(names.length >= 10, `expected the GitHub corpus, found ${names.length} payloads`);
  let accepted = 0;
  for (const name of names) {
    const fixture = loadFixture('github', name);
    const event = fixture.headers['X-GitHub-Event'] ?? '';
    const response = await deliverGitHub(server.url, await signedDelivery(event, undefined, { body: fixture.body, delivery: fixture.headers['X-GitHub-Delivery'] ?? name }));
    assert.ok(response.status >= 200 && response.status < 300, `${name}: ${response.status} ${JSON.stringify(response.json)}`);
    const action = String((fixture.json as { action?: unknown }).action);
    const expected = event === 'ping' ? ['pong'] : event === 'pull_request' ? (outcome[action] ?? ['ignored']) : ['ignored'];
    assert.ok(expected.includes(String(response.json.status)), `${name}: ${JSON.stringify(response.json)}`);
    if (response.json.status === 'accepted') accepted++;
  }
  assert.ok(accepted >= 2, 'the opened and synchronize deliveries started reviews');
  assert.equal(starter.started.length, accepted);
});

test('every pull_request example of @octokit/webhooks-examples parses (2xx, never 400)', async () => {
  const groups = createRequire(import.meta.url)('@octokit/webhooks-examples') as { name: string; examples: Record<string, unknown>[] }[];
  const examples = groups.find((group) => group.name === 'pull_request')!.examples;
  for (const [index, json] of examples.entries()) {
    const response = await deliverGitHub(server.url, await signedDelivery('pull_request', json, { delivery: `example-${index}` }));
    assert.ok(response.status >= 200 && response.status < 300, `example ${index} (${String(json.action)}): ${response.status} ${JSON.stringify(response.json)}`);
    const expected = outcome[String(json.action)] ?? ['ignored'];
    assert.ok(expected.includes(String(response.json.status)), `example ${index} (${String(json.action)}): ${JSON.stringify(response.json)}`);
  }
});
