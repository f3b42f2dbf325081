// A bad day for the agent-worker: `forgebot agent-worker` processes (local sandbox, the real runner) are killed -9 while
// a job runs, and a new one is started each time, with several reviews queued on the agent task queue (one job at a
// time). Every review is posted exactly once: a killed job is retried after its heartbeat timeout, the orphaned
// runner's result reaches no one, and publishing is idempotent. The 20-kill version: bench/agent-worker-kills.ts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { runKillCampaign, type KillCampaignResult } from './helpers/agent-worker-kills.js';
import { runAgentWorkerToExit } from './helpers/agent-worker-exit.js';
import { freePort } from './helpers/file-backed-temporal.js';
import { findingTitle, PROJECT } from './helpers/many-reviews-world.js';
import { startTemporal } from './helpers/temporal.js';

describe('agent-worker killed -9 again and again across queued jobs', () => {
  let env: TestWorkflowEnvironment;
  let campaign: KillCampaignResult | undefined;

  before(async () => {
    env = await startTemporal();
  });
  after(async () => {
    try {
      await campaign?.world.stop();
    } finally {
      await env?.teardown();
    }
  });

  test('three kills mid-job, three queued reviews → each posted once (one summary, its inline comment once)', async () => {
    // SANDBOX_NETWORK=host: an orphaned runner keeps its model call, which is answered after its worker died.
    campaign = await runKillCampaign({ env, kills: 3, killsPerJob: 1, heartbeatTimeoutSeconds: 5, sandboxNetwork: 'host', timeoutMs: 100_000 });
    const { world } = campaign;
    assert.equal(campaign.kills, 3);
    assert.equal(campaign.reviews, world.iids.length);
    assert.equal(campaign.duplicates, 0);
    for (const iid of world.iids) {
      assert.equal(world.summaries(iid).length, 1, `MR !${iid}: one summary note`);
      assert.match(world.summaries(iid)[0]!.body, new RegExp(`Reviewed MR ${iid}\\.`));
      assert.deepEqual(world.inlineComments(iid).map((note) => note.body.includes(findingTitle(iid))), [true], `MR !${iid}: its inline comment, once`);
      assert.equal(world.gitlab.notes(PROJECT.id, iid).length, 2, `MR !${iid}: nothing else (no failure note)`);
    }
    assert.ok(campaign.modelCalls >= world.iids.length + campaign.kills, 'each killed job asked the model again');
    assert.equal(campaign.orphansAlive, campaign.kills, 'each killed worker left its runner running (its own process group)');
    assert.equal(campaign.orphanCallsAnswered, campaign.kills, 'and that runner got its answer: a result no worker was left to post');
    assert.deepEqual(world.model.errors, []);
  });

  test('an agent-worker that cannot reach Temporal exits (code 2, to be restarted), saying why in one structured line', async () => {
    const { code, output } = await runAgentWorkerToExit({ TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}` }, 30_000);
    assert.equal(code, 2, output);
    const fatal = output.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { level: number; msg: string }).find((line) => line.level === 60);
    assert.equal(fatal?.msg, 'agent worker failed: exiting so that it is restarted');
  });
});
