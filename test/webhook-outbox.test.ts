import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { changeSubject } from '../src/domain/subject-ref.js';
import { createRedisOutboxStore } from '../src/webhooks/outbox/redis-outbox.js';
import type { OutboxEntry } from '../src/webhooks/outbox/outbox-store.js';
import { decideMergeRequestAction } from '../src/webhooks/gitlab/decide-merge-request-action.js';
import { parseGitLabEvent } from '../src/webhooks/gitlab/parse-gitlab-event.js';
import { changeClosedSignal, newRevisionSignal } from '../src/workflows/definitions.js';
import { deliverGitHub, githubPayload, GITHUB_TEST_SECRET, signedDelivery } from './helpers/github-payloads.js';
import { connectRedis } from './helpers/redis.js';
import { gitlabMergeRequest, OutageStarter, pool, shaOf, waitFor } from './helpers/webhook-outbox.js';
import { deliver, startTestWebhookServer } from './helpers/webhook-server.js';

type Readiness = { status: string; checks: Record<string, string>; queued: number };

async function readiness(url: string): Promise<{ code: number; body: Readiness }> {
  const response = await fetch(`${url}/readyz`);
  return { code: response.status, body: (await response.json()) as Readiness };
}

/** One sample of the Prometheus text at /metrics, e.g. `forgebot_webhook_outbox_queued{store="redis"}`. */
async function metric(url: string, sample: string): Promise<number | undefined> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${sample} `));
  return line === undefined ? undefined : Number(line.slice(sample.length + 1));
}

/** The head SHAs handed to each change's review workflow, in order, by change number. */
function shasByChange(starter: OutageStarter): Map<number, string[]> {
  const byChange = new Map<number, string[]>();
  for (const request of starter.started) byChange.set(request.ref.number, [...(byChange.get(request.ref.number) ?? []), request.headSha]);
  return byChange;
}

describe('webhook outbox: Temporal unreachable', () => {
  let redis: Redis;
  before(async () => {
    redis = await connectRedis();
  });
  after(() => redis?.disconnect());

  test('Temporal down during 1,000 deliveries: every one is answered 202 and, once it is back, each (change, SHA) is handed over exactly once, in order', async () => {
    const starter = new OutageStarter();
    const server = await startTestWebhookServer(redis, starter, { OUTBOX_DRAIN_INTERVAL_MS: '20' });
    const changes = 250;
    const send = (round: number) =>
      pool(changes, 25, async (index) => {
        const d = gitlabMergeRequest(index + 1, shaOf(index + 1, round));
        return deliver(server.url, d.headers, d.body);
      });
    try {
      const up = await send(0);
      assert.ok(up.every((r) => r.status === 202 && r.json.status === 'accepted'));

      starter.down();
      const held = [...(await send(1)), ...(await send(2))];
      assert.deepEqual(new Set(held.map((r) => `${r.status} ${String(r.json.status)}`)), new Set(['202 queued']));
      assert.equal(starter.started.length, changes, 'nothing reaches the workflow service while it is down');
      const degraded = await readiness(server.url);
      assert.equal(degraded.code, 200, 'readiness stays 200: deliveries are still accepted');
      assert.equal(degraded.body.status, 'degraded');
      assert.match(degraded.body.checks.temporal ?? '', /^down: 14 UNAVAILABLE/);
      assert.equal(degraded.body.queued, 2 * changes);
      assert.equal(await metric(server.url, 'forgebot_webhook_outbox_queued{store="redis"}'), 2 * changes);

      starter.recover();
      const last = await send(3);
      assert.ok(last.every((r) => r.status === 202 && (r.json.status === 'queued' || r.json.status === 'accepted')));

      await waitFor(async () => (await readiness(server.url)).body.status === 'ready', 'the outbox drains and readiness is back');
      assert.equal(starter.started.length, 4 * changes, 'each (change, SHA) exactly once');
      const byChange = shasByChange(starter);
      for (let change = 1; change <= changes; change++) {
        assert.deepEqual(byChange.get(change), [0, 1, 2, 3].map((round) => shaOf(change, round)), `change ${change}: every revision, in order`);
      }
      assert.ok(((await metric(server.url, 'forgebot_webhook_outbox_drained_total{store="redis",outcome="delivered"}')) ?? 0) >= 2 * changes);
      assert.ok(((await metric(server.url, 'forgebot_webhook_outbox_held_total{store="redis"}')) ?? 0) >= 2 * changes);
      assert.equal(await metric(server.url, 'forgebot_webhook_outbox_queued{store="redis"}'), 0);

      const again = gitlabMergeRequest(1, shaOf(1, 2));
      assert.equal((await deliver(server.url, again.headers, again.body)).json.status, 'duplicate', 'a held revision keeps its claim: a redelivery is a duplicate');
    } finally {
      await server.close();
    }
  });

  test('a workflow service that does not answer (calls time out): the deliveries are held and handed over when it answers', async () => {
    const starter = new OutageStarter();
    const server = await startTestWebhookServer(redis, starter, { OUTBOX_DRAIN_INTERVAL_MS: '20' });
    try {
      starter.hang();
      const responses = await pool(10, 10, async (index) => {
        const d = gitlabMergeRequest(index + 1, shaOf(index + 1, 1));
        return deliver(server.url, d.headers, d.body);
      });
      assert.ok(responses.every((r) => r.status === 202 && r.json.status === 'queued'));
      assert.equal((await readiness(server.url)).body.queued, 10);
      starter.recover();
      await waitFor(() => starter.started.length === 10, 'the held deliveries are handed over');
      assert.deepEqual([...shasByChange(starter).keys()].sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    } finally {
      await server.close();
    }
  });

  test('two replicas share the Redis outbox: one drains at a time, so each change keeps its order; a restart loses nothing', async () => {
    const prefix = `forgebot-test:${randomUUID()}:`;
    const starter = new OutageStarter();
    const env = { OUTBOX_DRAIN_INTERVAL_MS: '20' };
    const replicas = [await startTestWebhookServer(redis, starter, env, prefix), await startTestWebhookServer(redis, starter, env, prefix)];
    /** Rounds one after the other (a forge sends a change's events in order), the 20 changes side by side. */
    const hold = async (rounds: number[], pick: (index: number, round: number) => string) => {
      for (const round of rounds) {
        await pool(20, 20, async (index) => {
          const d = gitlabMergeRequest(index + 1, shaOf(index + 1, round));
          assert.equal((await deliver(pick(index, round), d.headers, d.body)).json.status, 'queued');
        });
      }
    };
    const drained = async (url: string, count: number) => starter.started.length >= count && (await readiness(url)).body.queued === 0;
    const expected = (rounds: number) => (change: number) => Array.from({ length: rounds }, (_, round) => shaOf(change, round));
    try {
      starter.down();
      await hold([0, 1, 2, 3, 4], (index, round) => replicas[(index + round) % 2]!.url);
      starter.recover();
      await waitFor(() => drained(replicas[0]!.url, 100), 'the replicas drain the outbox');
      for (let change = 1; change <= 20; change++) assert.deepEqual(shasByChange(starter).get(change), expected(5)(change), `change ${change}: once each, in order`);

      starter.down();
      await hold([5], () => replicas[0]!.url);
      await replicas[0]!.close();
      replicas[0] = await startTestWebhookServer(redis, starter, env, prefix);
      assert.equal((await readiness(replicas[0].url)).body.queued, 20, 'held in Redis, not in the replica that stopped');
      starter.recover();
      await waitFor(() => drained(replicas[1]!.url, 120), 'the held deliveries survive the restart');
      for (let change = 1; change <= 20; change++) assert.deepEqual(shasByChange(starter).get(change), expected(6)(change), `change ${change}: once each, in order`);
    } finally {
      for (const replica of replicas) await replica.close();
    }
  });

  test('a held close for a workflow that is not running is dropped; an entry that cannot be handed over is set aside and blocks nothing', async () => {
    const prefix = `forgebot-test:${randomUUID()}:`;
    const store = createRedisOutboxStore(redis, { prefix, timeoutMs: 2_000 });
    const entry = (fields: Pick<OutboxEntry, 'workflow' | 'subject' | 'op' | 'signal'>): OutboxEntry => ({ ...fields, id: randomUUID(), queuedAt: new Date().toISOString() });
    await redis.rpush(`${prefix}{outbox}:queue`, 'not json {');
    // A ticket workflow for a change: no kind takes it (a dead letter, as an unknown kind is).
    await store.append(entry({ workflow: 'ticket', subject: changeSubject({ forge: 'gitlab', projectId: 1, projectPath: 'group/app', number: 9 }), op: 'start', signal: { name: 'x', args: [] } }));
    await store.append(entry({ workflow: 'review', subject: changeSubject({ forge: 'gitlab', projectId: 1, projectPath: 'group/app', number: 7 }), op: 'signal', signal: { name: changeClosedSignal.name, args: [{ reason: 'closed' }] } }));
    const action = decideMergeRequestAction(parseGitLabEvent(JSON.parse(gitlabMergeRequest(8, shaOf(8, 1)).body), 'Merge Request Hook'), { reviewDrafts: false, deliveryId: randomUUID() });
    assert.equal(action.kind, 'review');
    const review = action.request;
    await store.append(entry({ workflow: 'review', subject: changeSubject(review.ref), op: 'start', signal: { name: newRevisionSignal.name, args: [review] } }));

    const starter = new OutageStarter();
    const server = await startTestWebhookServer(redis, starter, { OUTBOX_DRAIN_INTERVAL_MS: '20' }, prefix);
    try {
      await waitFor(() => starter.calls.length === 1, 'the valid entry behind the bad ones is handed over');
      assert.equal(starter.started[0]?.headSha, shaOf(8, 1));
      assert.equal(starter.closed.length, 0, 'the close of a change whose workflow is not running is dropped');
      await waitFor(async () => (await readiness(server.url)).body.queued === 0, 'the outbox is empty');
      assert.equal(await redis.llen(`${prefix}{outbox}:dead`), 2, 'the unreadable entry and the unknown kind are dead letters');
      assert.equal(await metric(server.url, 'forgebot_webhook_outbox_drained_total{store="redis",outcome="dead-letter"}'), 2);
      assert.equal(await metric(server.url, 'forgebot_webhook_outbox_drained_total{store="redis",outcome="not-running"}'), 1);
      assert.equal(await metric(server.url, 'forgebot_webhook_outbox_drained_total{store="redis",outcome="delivered"}'), 1);
    } finally {
      await server.close();
    }
  });

  test('an entry Temporal keeps refusing while it answers (INVALID_ARGUMENT) is set aside after 3 tries; one it throttles (RESOURCE_EXHAUSTED) waits its turn', async () => {
    const prefix = `forgebot-test:${randomUUID()}:`;
    let throttled = 0;
    class PickyStarter extends OutageStarter {
      override async start(...args: Parameters<OutageStarter['start']>) {
        const [, subject] = args;
        const number = subject.kind === 'change' ? subject.change.number : 0;
        if (!this.failWith && number === 5) throw Object.assign(new Error('3 INVALID_ARGUMENT: blob size exceeds limit'), { code: 3 });
        if (!this.failWith && number === 6 && throttled++ < 5) throw Object.assign(new Error('8 RESOURCE_EXHAUSTED: namespace rate limit exceeded'), { code: 8 });
        return super.start(...args);
      }
    }
    const starter = new PickyStarter();
    const server = await startTestWebhookServer(redis, starter, { OUTBOX_DRAIN_INTERVAL_MS: '20' }, prefix);
    try {
      starter.down();
      for (const number of [5, 6, 7]) {
        const d = gitlabMergeRequest(number, shaOf(number, 1));
        assert.equal((await deliver(server.url, d.headers, d.body)).json.status, 'queued');
      }
      starter.recover();
      await waitFor(() => starter.started.length === 2, 'the entries behind the refused one are handed over');
      assert.deepEqual(starter.started.map((request) => request.ref.number), [6, 7]);
      assert.equal(throttled, 6, 'the throttled entry was retried until it went through, never set aside');
      const dead = (await redis.lrange(`${prefix}{outbox}:dead`, 0, -1)).map((raw) => (JSON.parse(raw) as OutboxEntry).subject);
      assert.deepEqual(dead.map((subject) => (subject.kind === 'change' ? subject.change.number : undefined)), [5], 'the refused entry is kept as a dead letter');
    } finally {
      await server.close();
    }
  });
});

describe('webhook dedupe on content', () => {
  let redis: Redis;
  before(async () => {
    redis = await connectRedis();
  });
  after(() => redis?.disconnect());

  test('the same signed GitHub body with a new delivery id is a duplicate (200)', async () => {
    const starter = new OutageStarter();
    const server = await startTestWebhookServer(redis, starter, { GITHUB_WEBHOOK_SECRET: GITHUB_TEST_SECRET });
    try {
      const opened = githubPayload('pull_request--opened');
      assert.equal((await deliverGitHub(server.url, await signedDelivery('pull_request', opened.json))).json.status, 'accepted');
      const closed = githubPayload('pull_request--closed');
      const first = await deliverGitHub(server.url, await signedDelivery('pull_request', closed.json));
      assert.equal(first.status, 202);
      assert.equal(first.json.status, 'closed');
      const replayed = await deliverGitHub(server.url, await signedDelivery('pull_request', closed.json, { delivery: randomUUID() }));
      assert.equal(replayed.status, 200);
      assert.equal(replayed.json.status, 'duplicate');
      assert.equal(starter.closed.length, 1);
    } finally {
      await server.close();
    }
  });

  test('the same GitLab body with a new event UUID and idempotency key is a duplicate (200)', async () => {
    const starter = new OutageStarter();
    const server = await startTestWebhookServer(redis, starter);
    try {
      const open = gitlabMergeRequest(3, shaOf(3, 1));
      assert.equal((await deliver(server.url, open.headers, open.body)).json.status, 'accepted');
      const close = gitlabMergeRequest(3, shaOf(3, 1), 'close');
      assert.equal((await deliver(server.url, close.headers, close.body)).json.status, 'closed');
      const replay = { ...close.headers, 'X-Gitlab-Event-UUID': randomUUID(), 'Idempotency-Key': randomUUID() };
      const replayed = await deliver(server.url, replay, close.body);
      assert.equal(replayed.status, 200);
      assert.equal(replayed.json.status, 'duplicate');
      assert.equal(starter.closed.length, 1);
    } finally {
      await server.close();
    }
  });
});
