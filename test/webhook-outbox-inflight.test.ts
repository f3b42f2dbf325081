// The acknowledgement's fast path (outbox.handOverSoon): a delivery is made durable in Redis (in flight) and answered
// without waiting on a slow workflow service; this replica hands it over after the answer, once. An entry that a
// replica left in flight when it died is reclaimed by the drainer and handed over.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ReviewRequest } from '../src/domain/review-request.js';
import { changeSubject, type SubjectRef, type WorkflowKind } from '../src/domain/subject-ref.js';
import { ACK_WITHIN_MS } from '../src/webhooks/outbox/outbox.js';
import type { OutboxEntry } from '../src/webhooks/outbox/outbox-store.js';
import { INFLIGHT_STALE_MS, outboxKeys } from '../src/webhooks/outbox/redis-outbox.js';
import type { WorkflowSignal } from '../src/webhooks/workflow-starter.js';
import { newRevisionSignal } from '../src/workflows/definitions.js';
import { RecordingStarter } from './helpers/recording-starter.js';
import { connectRedis } from './helpers/redis.js';
import { gitlabMergeRequest, shaOf, waitFor } from './helpers/webhook-outbox.js';
import { deliver, startTestWebhookServer } from './helpers/webhook-server.js';

/** A workflow service that takes its time: each start waits until `answer()`. */
class SlowStarter extends RecordingStarter {
  private waiting: (() => void)[] = [];
  calling = 0;

  answer(): void {
    for (const go of this.waiting.splice(0)) go();
  }

  override async start(kind: WorkflowKind, subject: SubjectRef, signal: WorkflowSignal) {
    this.calling += 1;
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    return super.start(kind, subject, signal);
  }
}

const queuedOf = async (url: string) => ((await (await fetch(`${url}/readyz`)).json()) as { queued: number }).queued;

describe('webhook outbox: the acknowledgement does not wait on the workflow service', () => {
  let redis: Redis;
  before(async () => {
    redis = await connectRedis();
  });
  after(() => redis?.disconnect());

  test('a slow start: answered 202 queued within the budget, held in flight meanwhile, handed over once afterwards', async () => {
    const starter = new SlowStarter();
    const prefix = `forgebot-test:${randomUUID()}:`;
    const server = await startTestWebhookServer(redis, starter, { OUTBOX_DRAIN_INTERVAL_MS: '20' }, prefix);
    try {
      const d = gitlabMergeRequest(1, shaOf(1, 0));
      const answer = await deliver(server.url, d.headers, d.body);
      assert.deepEqual([answer.status, answer.json.status], [202, 'queued']);
      assert.equal(starter.calling, 1, 'the handover is under way');
      assert.equal(starter.started.length, 0, 'and has not come back: the answer did not wait for it');
      assert.equal(await redis.zcard(outboxKeys(prefix).inflight), 1, 'durable in Redis meanwhile');
      assert.equal(await queuedOf(server.url), 1, 'held, as readiness tells');

      starter.answer();
      await waitFor(async () => (await redis.zcard(outboxKeys(prefix).inflight)) === 0, 'the handed-over entry is forgotten');
      assert.equal(starter.started.length, 1);
      assert.equal(await queuedOf(server.url), 0);
      assert.equal(await redis.llen(outboxKeys(prefix).queue), 0, 'it never went to the queue');
      assert.equal(starter.calling, 1, 'handed over once: the drainer did not take it again');
    } finally {
      starter.answer();
      await server.close();
    }
  });

  test('a quick start is answered accepted: the answer waits up to ACK_WITHIN_MS for it', async () => {
    const starter = new RecordingStarter();
    const server = await startTestWebhookServer(redis, starter);
    try {
      const d = gitlabMergeRequest(2, shaOf(2, 0));
      assert.ok(ACK_WITHIN_MS > 0);
      assert.deepEqual((await deliver(server.url, d.headers, d.body)).json.status, 'accepted');
      assert.equal(starter.started.length, 1);
    } finally {
      await server.close();
    }
  });

  test('a duplicate: what its write beside the claim put in the outbox is dropped, and nothing is handed over twice', async () => {
    const starter = new RecordingStarter();
    const prefix = `forgebot-test:${randomUUID()}:`;
    const server = await startTestWebhookServer(redis, starter, {}, prefix);
    try {
      const d = gitlabMergeRequest(4, shaOf(4, 0));
      assert.equal((await deliver(server.url, d.headers, d.body)).json.status, 'accepted');
      assert.equal((await deliver(server.url, d.headers, d.body)).json.status, 'duplicate');
      const { inflight, queue } = outboxKeys(prefix);
      await waitFor(async () => (await redis.zcard(inflight)) + (await redis.llen(queue)) === 0, 'the outbox holds nothing');
      assert.equal(starter.started.length, 1);
    } finally {
      await server.close();
    }
  });

  test('an entry a replica left in flight when it died is moved to the queue by the drainer and handed over', async () => {
    const starter = new RecordingStarter();
    const prefix = `forgebot-test:${randomUUID()}:`;
    const ref = { forge: 'gitlab', projectId: 3, projectPath: 'group/app', number: 3 } as const;
    const request: ReviewRequest = { ref, headSha: shaOf(3, 0), title: 'Left in flight', author: 'someone', sourceBranch: 'feature', targetBranch: 'main', webUrl: 'http://gitlab.test/group/app/-/merge_requests/3', draft: false };
    const entry: OutboxEntry = { workflow: 'review', subject: changeSubject(ref), op: 'start', signal: { name: newRevisionSignal.name, args: [request] }, id: randomUUID(), queuedAt: new Date().toISOString() };
    const { inflight } = outboxKeys(prefix);
    // Taken in by a replica that stopped before it handed it over, longer ago than the stale age.
    await redis.zadd(inflight, Date.now() - INFLIGHT_STALE_MS - 1_000, JSON.stringify(entry));
    // And one taken in just now by a replica that is still handing it over: left alone.
    const fresh = { ...entry, id: randomUUID() };
    await redis.zadd(inflight, Date.now(), JSON.stringify(fresh));
    const server = await startTestWebhookServer(redis, starter, { OUTBOX_DRAIN_INTERVAL_MS: '20' }, prefix);
    try {
      await waitFor(() => starter.started.length === 1, 'the abandoned entry is handed over');
      assert.equal(starter.started[0]?.headSha, shaOf(3, 0));
      assert.deepEqual(await redis.zrange(inflight, 0, -1), [JSON.stringify(fresh)], 'the fresh one stays with its replica');
    } finally {
      await server.close();
      await redis.del(inflight);
    }
  });
});
