// A bad day for Temporal: the server (a file-backed dev server) is killed -9 while five reviews are in flight — three
// runners waiting on the model, two jobs queued on the agent task queue — and started again on the same file and
// port. The workers reconnect on their own; every review finishes and is posted exactly once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { statusQuery } from '../src/workflows/definitions.js';
import { startFileBackedTemporal, type FileBackedTemporal } from './helpers/file-backed-temporal.js';
import { eventually } from './helpers/forgebot-stack.js';
import { findingTitle, PROJECT, startManyReviewsWorld, type ManyReviewsWorld } from './helpers/many-reviews-world.js';
import { captureTemporalLog, lostServer } from './helpers/temporal-log.js';

const MERGE_REQUESTS = 5;
const CONCURRENCY = 3;
/**
 * Longer than the outage (the default, 60 s): the running jobs outlive it, and the restarted server takes their
 * heartbeats and results. (With a heartbeat timeout shorter than the outage the runners still live through it — the
 * worker does not cancel a job whose heartbeats fail — but the restarted server has timed the attempts out: the next
 * heartbeat gets NotFound, the worker cancels the job, the local sandbox stops its runner and the retry does the work
 * again. Still posted once; agent-worker-kills.test.ts covers retried jobs.)
 */
const HEARTBEAT_TIMEOUT_SECONDS = 60;

describe('Temporal server killed -9 mid-review and restarted on the same database', () => {
  let temporal: FileBackedTemporal;
  let world: ManyReviewsWorld;
  const log = captureTemporalLog();
  const handle = (iid: number) => temporal.client.workflow.getHandle(`review:gitlab:${PROJECT.id}:${iid}`);

  before(async () => {
    temporal = await startFileBackedTemporal();
    world = await startManyReviewsWorld({ temporal, count: MERGE_REQUESTS, vars: { AGENT_CONCURRENCY: String(CONCURRENCY), AGENT_HEARTBEAT_TIMEOUT_SECONDS: String(HEARTBEAT_TIMEOUT_SECONDS) } });
  });
  after(async () => {
    try {
      // A test that failed while the server was down: the workers shut down against a live server.
      if (temporal && !temporal.alive()) await temporal.restart();
      await world?.stop();
    } finally {
      await temporal?.stop();
    }
  });

  test('five reviews in flight survive the restart: each MR gets one summary and its inline comment once', async () => {
    for (const iid of world.iids) assert.equal(await world.open(iid), 202, `MR !${iid} accepted`);
    await eventually(() => world.gate.held().length === CONCURRENCY || undefined, `${CONCURRENCY} runners waiting on the model`);
    const linesBefore = log.lines.length;

    await temporal.kill();
    // Down until the agent worker has given up sending a heartbeat (its RPC retries spent, ~10 s): heartbeats were
    // lost, not merely late.
    await eventually(() => log.lines.slice(linesBefore).find((line) => /Error when recording heartbeat/.test(line.message) && lostServer(line)), 'the agent worker gives up a heartbeat', 60_000);
    const calls = world.gate.calls.map(({ id, released, abandoned }) => ({ id, released, abandoned }));
    assert.equal(world.gate.held().length, CONCURRENCY, `the runners still wait on the model (calls: ${JSON.stringify(calls)}; worker failure: ${world.stack.workerFailure()?.message ?? 'none'})`);
    await temporal.restart();

    world.gate.open();
    for (const iid of world.iids) {
      await eventually(async () => {
        const status = await handle(iid).query(statusQuery);
        const description = await handle(iid).describe();
        return status.reviewsCompleted >= 1 && status.phase === 'waiting' && (description.raw.pendingActivities ?? []).length === 0 ? status : undefined;
      }, `MR !${iid} reviewed and settled`, 60_000);
    }
    for (const iid of world.iids) {
      assert.equal((await handle(iid).query(statusQuery)).reviewsCompleted, 1, `MR !${iid}: reviewed once`);
      assert.equal(world.summaries(iid).length, 1, `MR !${iid}: one summary note`);
      assert.match(world.summaries(iid)[0]!.body, new RegExp(`Reviewed MR ${iid}\\.`));
      assert.deepEqual(world.inlineComments(iid).map((note) => note.body.includes(findingTitle(iid))), [true], `MR !${iid}: its inline comment, once`);
      assert.equal(world.gitlab.notes(PROJECT.id, iid).length, 2, `MR !${iid}: nothing else was posted`);
    }
    assert.equal(world.gate.calls.length, MERGE_REQUESTS, 'each job ran once: none was lost to the outage and redone');
    assert.equal(world.stack.workerFailure(), undefined, 'no worker stopped');
    assert.deepEqual(world.model.errors, []);
  });
});
