// Every real GitLab payload in ../shared/fixtures is accepted or acknowledged: none is refused as malformed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import type { WebhookServer } from '../src/webhooks/server.js';
import { fixtureNames, fixturesAvailable, loadFixture } from './helpers/fixtures.js';
import { RecordingStarter } from './helpers/recording-starter.js';
import { connectRedis } from './helpers/redis.js';
import { deliver, startTestWebhookServer, TEST_SECRET } from './helpers/webhook-server.js';

let redis: Redis;
let server: WebhookServer;
const starter = new RecordingStarter();
before(async () => {
  redis = await connectRedis();
  server = await startTestWebhookServer(redis, starter);
});
after(async () => {
  await server?.close();
  redis?.disconnect();
});

test('every real GitLab payload is acknowledged (2xx), never refused as malformed', async (t) => {
  if (!fixturesAvailable('gitlab')) {
    t.skip('../shared/fixtures/webhooks/gitlab is absent (a user clone): the vendor payload corpus is not available');
    return;
  }
  // A diff note without a command is a reply in a thread, signalled to the change's running review workflow.
  // Everything else (label/title updates, the group-hook merge without a project id, other notes, pushes, issues) is ignored.
  const expected: Record<string, string> = {
    'merge_request--open': 'accepted',
    'merge_request--update-new-commits': 'accepted',
    'merge_request--close': 'closed',
    'note--merge-request-diff-line': 'accepted',
  };
  const names = fixtureNames('gitlab');
  assert.ok(names.length >= 10, `expected the GitLab corpus, found ${names.length} payloads`);
  for (const name of names) {
    const fixture = loadFixture('gitlab', name);
    const response = await deliver(server.url, { ...fixture.headers, 'X-Gitlab-Token': TEST_SECRET }, fixture.body);
    assert.ok(response.status >= 200 && response.status < 300, `${name}: ${response.status} ${JSON.stringify(response.json)}`);
    assert.equal(response.json.status, expected[name] ?? 'ignored', name);
  }
  assert.deepEqual(
    starter.started.map((request) => `${request.ref.projectPath}!${request.ref.number}@${request.headSha.slice(0, 8)}`),
    ['gitlabhq/gitlab-test!1@da156088', 'test/woodpecker!2@0ab96a10'],
  );
  assert.deepEqual(starter.closed.map((entry) => entry.closed.reason), ['closed']);
});
