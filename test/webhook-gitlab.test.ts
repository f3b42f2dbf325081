import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { WebhookServer } from '../src/webhooks/server.js';
import { loadFixture, type Fixture } from './helpers/fixtures.js';
import type { MutablePayload } from './helpers/gitlab-payload.js';
import { RecordingStarter } from './helpers/recording-starter.js';
import { connectRedis } from './helpers/redis.js';
import { waitFor } from './helpers/webhook-outbox.js';
import { deliver, startTestWebhookServer, TEST_SECRET } from './helpers/webhook-server.js';

/** A fixture delivery with the test token and a fresh event UUID (unless one is given). */
function delivery(fixture: Fixture, overrides: { uuid?: string; token?: string; mutate?: (json: MutablePayload) => void } = {}) {
  const json = structuredClone(fixture.json) as unknown as MutablePayload;
  overrides.mutate?.(json);
  return {
    headers: { ...fixture.headers, 'X-Gitlab-Token': overrides.token ?? TEST_SECRET, 'X-Gitlab-Event-UUID': overrides.uuid ?? randomUUID() },
    body: JSON.stringify(json),
  };
}

describe('POST /webhook/gitlab', () => {
  let redis: Redis;
  let starter: RecordingStarter;
  let server: WebhookServer;
  const open = loadFixture('gitlab', 'merge_request--open');

  before(async () => {
    redis = await connectRedis();
  });
  beforeEach(async () => {
    await server?.close();
    starter = new RecordingStarter();
    server = await startTestWebhookServer(redis, starter);
  });
  after(async () => {
    await server?.close();
    redis?.disconnect();
  });

  const send = (d: { headers: Record<string, string>; body: string }) => deliver(server.url, d.headers, d.body);

  test('a merge request "open" with the right token starts one review with the mapped request', async () => {
    const response = await send(delivery(open));
    assert.equal(response.status, 202);
    assert.equal(response.json.status, 'accepted');
    assert.equal(response.json.workflowId, 'review:gitlab:1:1');
    assert.equal(starter.started.length, 1);
    const request = starter.started[0]!;
    assert.deepEqual(request.ref, { forge: 'gitlab', projectId: 1, projectPath: 'gitlabhq/gitlab-test', number: 1 });
    assert.equal(request.headSha, 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7');
    assert.equal(request.sourceBranch, 'ms-viewport');
    assert.equal(request.targetBranch, 'master');
    assert.equal(request.author, 'user1');
  });

  test('the same delivery twice starts one review', async () => {
    const d = delivery(open);
    assert.equal((await send(d)).status, 202);
    const second = await send(d);
    assert.equal(second.status, 200);
    assert.equal(second.json.status, 'duplicate');
    assert.equal(starter.started.length, 1);
  });

  test('20 concurrent deliveries of one event start exactly one review', async () => {
    const d = delivery(open);
    const responses = await Promise.all(Array.from({ length: 20 }, () => send(d)));
    assert.equal(starter.started.length, 1);
    assert.equal(responses.filter((r) => r.status === 202).length, 1);
    assert.equal(responses.filter((r) => r.json.status === 'duplicate').length, 19);
  });

  test('a second delivery (new UUID) for the same head SHA starts nothing', async () => {
    await send(delivery(open));
    const again = await send(delivery(open));
    assert.equal(again.json.status, 'duplicate');
    assert.equal(starter.started.length, 1);
  });

  test('an update with new commits signals a review; an update of labels or title does not', async () => {
    const commits = await send(delivery(loadFixture('gitlab', 'merge_request--update-new-commits')));
    assert.equal(commits.status, 202);
    assert.equal(starter.started.length, 1);
    for (const name of ['merge_request--update-labels', 'merge_request--update-title-description']) {
      const response = await send(delivery(loadFixture('gitlab', name)));
      assert.equal(response.status, 202);
      assert.equal(response.json.status, 'ignored');
      assert.match(String(response.json.reason), /without new commits/);
    }
    assert.equal(starter.started.length, 1);
  });

  test('close and merge end the review workflow', async () => {
    const closed = await send(delivery(loadFixture('gitlab', 'merge_request--close')));
    assert.equal(closed.status, 202);
    const merged = await send(delivery(loadFixture('gitlab', 'merge_request--merge-group-hook')));
    assert.equal(merged.status, 202);
    assert.deepEqual(
      starter.closed.map((c) => c.closed.reason),
      ['closed'],
      'the group hook names no project id, so it is acknowledged and ignored',
    );
    assert.equal(merged.json.status, 'ignored');
    const mergedWithIds = await send(delivery(open, { mutate: (json) => (json.object_attributes.action = 'merge') }));
    assert.equal(mergedWithIds.json.status, 'merged');
    assert.deepEqual(starter.closed.at(-1), { ref: { forge: 'gitlab', projectId: 1, projectPath: 'gitlabhq/gitlab-test', number: 1 }, closed: { reason: 'merged' } });
  });

  test('drafts are skipped unless configured', async () => {
    const draft = await send(delivery(open, { mutate: (json) => (json.object_attributes.draft = true) }));
    assert.equal(draft.json.status, 'ignored');
    assert.match(String(draft.json.reason), /draft/);
    await server.close();
    server = await startTestWebhookServer(redis, starter, { REVIEW_DRAFTS: 'true' });
    const reviewed = await send(delivery(open, { mutate: (json) => (json.object_attributes.draft = true) }));
    assert.equal(reviewed.json.status, 'accepted');
    assert.equal(starter.started[0]?.draft, true);
  });

  test('a wrong or missing token is refused with 401 before anything else', async () => {
    assert.equal((await send(delivery(open, { token: 'wrong' }))).status, 401);
    const d = delivery(open);
    delete (d.headers as Record<string, string | undefined>)['X-Gitlab-Token'];
    assert.equal((await send(d)).status, 401);
    assert.equal((await deliver(server.url, { 'content-type': 'text/plain' }, 'x')).status, 401);
    assert.equal(starter.started.length, 0);
  });

  test('every secret of a rotation list is accepted', async () => {
    await server.close();
    server = await startTestWebhookServer(redis, starter, { GITLAB_WEBHOOK_SECRET: 'old-secret, new-secret' });
    assert.equal((await send(delivery(open, { token: 'old-secret' }))).status, 202);
    assert.equal((await send(delivery(open, { token: 'new-secret', mutate: (json) => (json.object_attributes.iid = 2) }))).status, 202);
    assert.equal((await send(delivery(open, { token: TEST_SECRET }))).status, 401);
  });

  test('not JSON → 415; invalid JSON → 400; oversized → 413', async () => {
    const d = delivery(open);
    assert.equal((await send({ headers: { ...d.headers, 'Content-Type': 'text/plain' }, body: d.body })).status, 415);
    const invalid = await send({ headers: d.headers, body: '{"object_kind": ' });
    assert.equal(invalid.status, 400);
    assert.match(String(invalid.json.error), /not valid JSON/);
    const huge = await send({ headers: d.headers, body: JSON.stringify({ object_kind: 'push', padding: 'x'.repeat(100_000) }) });
    assert.equal(huge.status, 413);
    assert.equal(starter.started.length, 0);
  });

  test('a malformed merge request payload → 400 naming the field', async () => {
    const response = await send(delivery(open, { mutate: (json) => delete json.object_attributes.iid }));
    assert.equal(response.status, 400);
    assert.match(String(response.json.error), /object_attributes\.iid/);
    const badSha = await send(delivery(open, { mutate: (json) => (json.object_attributes.last_commit.id = 'not-a-sha') }));
    assert.equal(badSha.status, 400);
    assert.match(String(badSha.json.error), /last_commit\.id/);
  });

  test('notes on issues, pushes and pipelines are acknowledged and start nothing', async () => {
    for (const name of ['note--issue', 'push--branch', 'issue--open']) {
      const response = await send(delivery(loadFixture('gitlab', name)));
      assert.equal(response.status, 202, name);
      assert.equal(response.json.status, 'ignored', name);
    }
    const pipeline = await send({
      headers: { 'Content-Type': 'application/json', 'X-Gitlab-Event': 'Pipeline Hook', 'X-Gitlab-Token': TEST_SECRET, 'X-Gitlab-Event-UUID': randomUUID() },
      body: JSON.stringify({ object_kind: 'pipeline', object_attributes: { id: 31, status: 'success' }, project: { id: 1 } }),
    });
    assert.equal(pipeline.status, 202);
    assert.match(String(pipeline.json.reason), /pipeline/);
    assert.equal(starter.started.length, 0);
    assert.equal(starter.closed.length, 0);
  });

  test('when the workflow service is down: 202 queued, handed over when it is back; a redelivery is a duplicate', async () => {
    starter.failWith = new Error('14 UNAVAILABLE: connection refused');
    starter.pingError = starter.failWith;
    const d = delivery(open);
    const down = await send(d);
    assert.equal(down.status, 202);
    assert.deepEqual(down.json, { status: 'queued', workflowId: 'review:gitlab:1:1' });
    assert.equal(starter.started.length, 0);
    starter.failWith = undefined;
    starter.pingError = undefined;
    await waitFor(() => starter.started.length === 1, 'the held delivery is handed over');
    const redelivered = await send(d);
    assert.equal(redelivered.status, 200);
    assert.equal(redelivered.json.status, 'duplicate');
    assert.equal(starter.started.length, 1);
  });
  test('one GitLab request touching two merge requests (same event UUID) reviews both', async () => {
    const uuid = randomUUID();
    assert.equal((await send(delivery(open, { uuid }))).status, 202);
    const second = await send(delivery(open, { uuid, mutate: (json) => (json.object_attributes.iid = 2) }));
    assert.equal(second.status, 202, 'X-Gitlab-Event-UUID is per GitLab request and hook, not per event');
    assert.deepEqual(starter.started.map((request) => request.ref.number), [1, 2]);
  });

  test('a draft marked ready is reviewed without new commits', async () => {
    const ready = await send(
      delivery(open, {
        mutate: (json) => {
          json.object_attributes.action = 'update';
          json.changes = { draft: { previous: true, current: false } };
        },
      }),
    );
    assert.equal(ready.json.status, 'accepted');
    assert.equal(starter.started.length, 1);
  });

  test('a change reopened at the head it was closed at is reviewed again', async () => {
    assert.equal((await send(delivery(open))).json.status, 'accepted');
    assert.equal((await send(delivery(open, { mutate: (json) => (json.object_attributes.action = 'close') }))).json.status, 'closed');
    const reopened = await send(delivery(open, { mutate: (json) => (json.object_attributes.action = 'reopen') }));
    assert.equal(reopened.json.status, 'accepted');
    assert.equal(starter.started.length, 2);
  });

  test('approvals and other merge request actions are acknowledged and start nothing', async () => {
    for (const action of ['approved', 'unapproved', 'approval']) {
      const response = await send(delivery(open, { mutate: (json) => (json.object_attributes.action = action) }));
      assert.equal(response.status, 202, action);
      assert.equal(response.json.status, 'ignored', action);
    }
    assert.equal(starter.started.length, 0);
  });

  test('an X-Gitlab-Event header that contradicts object_kind → 400; a system hook without object_kind is ignored', async () => {
    const d = delivery(open);
    const mismatch = await send({ headers: { ...d.headers, 'X-Gitlab-Event': 'Note Hook' }, body: d.body });
    assert.equal(mismatch.status, 400);
    assert.match(String(mismatch.json.error), /X-Gitlab-Event/);
    const system = await send({ headers: { ...d.headers, 'X-Gitlab-Event': 'System Hook' }, body: JSON.stringify({ event_name: 'project_create', project_id: 74 }) });
    assert.equal(system.status, 202);
    assert.equal(system.json.status, 'ignored');
    const empty = await send({ headers: d.headers, body: '' });
    assert.equal(empty.status, 400);
    assert.equal(starter.started.length, 0);
  });

  test('when signalling a close fails: 202 queued, and the close is signalled when the service is back', async () => {
    starter.failWith = new Error('14 UNAVAILABLE: connection refused');
    starter.pingError = starter.failWith;
    const d = delivery(loadFixture('gitlab', 'merge_request--close'));
    const down = await send(d);
    assert.equal(down.status, 202);
    assert.equal(down.json.status, 'queued');
    starter.failWith = undefined;
    starter.pingError = undefined;
    await waitFor(() => starter.closed.length === 1, 'the held close is signalled');
    assert.equal((await send(d)).json.status, 'duplicate');
    assert.equal(starter.closed.length, 1);
  });

  test('when Redis is down: accepted without a claim, and the review starts', async () => {
    const deadRedis = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
    deadRedis.on('error', () => undefined);
    const down = await startTestWebhookServer(deadRedis, starter);
    try {
      const d = delivery(open);
      const response = await deliver(down.url, d.headers, d.body);
      assert.equal(response.status, 202);
      assert.equal(response.json.status, 'accepted');
      assert.equal(starter.started.length, 1);
    } finally {
      await down.close();
      deadRedis.disconnect();
    }
  });
});
