// End to end with Redis down: the webhook server hands every copy of a delivery to the real review workflow
// (no claim to deduplicate on), and the workflow reviews the revision once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Redis } from 'ioredis';
import { SUMMARY_MARKER } from '../src/domain/render.js';
import { toolUse } from '../src/fakes/anthropic/messages.js';
import { FakeAnthropic } from '../src/fakes/anthropic/fake-anthropic.js';
import { FakeGitLab } from '../src/fakes/gitlab/fake-gitlab.js';
import { registerSearchAttributes } from '../src/workers/register-search-attributes.js';
import { statusQuery } from '../src/workflows/definitions.js';
import { E2E_GITLAB_TOKEN, E2E_MODEL_KEY } from './helpers/e2e-world.js';
import { loadFixture } from './helpers/fixtures.js';
import type { MutablePayload } from './helpers/gitlab-payload.js';
import { eventually, startForgebot, type Stack } from './helpers/forgebot-stack.js';
import { TestRepo, createFixtureRepo } from './helpers/git-repo.js';
import { startTemporal } from './helpers/temporal.js';
import { freePort } from './helpers/webhook-outbox.js';
import { deliver, TEST_SECRET } from './helpers/webhook-server.js';

const open = loadFixture('gitlab', 'merge_request--open');

describe('Redis down, end to end', () => {
  let env: TestWorkflowEnvironment;
  let repo: TestRepo;
  let gitlab: FakeGitLab;
  let model: FakeAnthropic;
  let redis: Redis;
  let stack: Stack;

  before(async () => {
    repo = await createFixtureRepo();
    env = await startTemporal();
    await registerSearchAttributes(env.connection, 'default');
    gitlab = new FakeGitLab({ token: E2E_GITLAB_TOKEN });
    await gitlab.start();
    gitlab.addProject({ id: 1, pathWithNamespace: 'gitlabhq/gitlab-test', repoDir: repo.dir });
    await gitlab.addMergeRequest({ projectId: 1, iid: 1, title: 'MS-Viewport', sourceBranch: 'ms-viewport', targetBranch: 'master' });
    model = new FakeAnthropic({ apiKey: E2E_MODEL_KEY });
    await model.start();
    // Nothing listens there: every Redis command fails at once.
    redis = new Redis(`redis://127.0.0.1:${await freePort()}`, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
    redis.on('error', () => undefined);
    stack = await startForgebot(env, redis, {
      GITLAB_URL: gitlab.url,
      GITLAB_TOKEN: E2E_GITLAB_TOKEN,
      GITLAB_WEBHOOK_SECRET: TEST_SECRET,
      ANTHROPIC_API_KEY: E2E_MODEL_KEY,
      ANTHROPIC_BASE_URL: model.url,
      OUTBOX_DIR: await mkdtemp(join(tmpdir(), 'forgebot-outbox-')),
    });
  });
  after(async () => {
    await stack?.stop();
    await gitlab?.stop();
    await model?.stop();
    redis?.disconnect();
    await env?.teardown();
    await repo?.remove();
  });

  test('a delivery sent five times (three at once, two after the review) is handed over five times and reviewed once', async () => {
    model.script({ content: [toolUse('submit_review', { summary: 'Looks fine.', findings: [] })] });
    // The payload names the merge request's real head (the workflow compares it with the SHA it reviewed).
    const json = structuredClone(open.json) as unknown as MutablePayload;
    json.object_attributes.last_commit.id = await repo.git('rev-parse', 'ms-viewport');
    const body = JSON.stringify(json);
    const copy = () => deliver(stack.server.url, { ...open.headers, 'X-Gitlab-Token': TEST_SECRET, 'X-Gitlab-Event-UUID': randomUUID() }, body);
    const first = await Promise.all([copy(), copy(), copy()]);
    assert.deepEqual(first.map((r) => r.json.status), ['accepted', 'accepted', 'accepted'], 'no claim without Redis: each copy is handed over');
    const handle = env.client.workflow.getHandle('review:gitlab:1:1');
    await eventually(async () => (await handle.query(statusQuery)).reviewsCompleted === 1, 'the review completes');

    const late = await Promise.all([copy(), copy()]);
    assert.deepEqual(late.map((r) => r.json.status), ['accepted', 'accepted']);
    // Both late signals are in the history and a workflow task has handled them: nothing was scheduled after them.
    const after = await eventually(async () => {
      const events = (await handle.fetchHistory()).events ?? [];
      const signals = events.flatMap((event, index) => (event.workflowExecutionSignaledEventAttributes ? [index] : []));
      const last = signals.at(-1) ?? -1;
      const handled = events.slice(last + 1).some((event) => event.workflowTaskCompletedEventAttributes);
      return signals.length === 5 && handled ? events.slice(last + 1) : undefined;
    }, 'the late copies are handled');
    assert.ok(!after.some((event) => event.activityTaskScheduledEventAttributes || event.timerStartedEventAttributes), 'no new review turn after the repeats');
    const status = await handle.query(statusQuery);
    assert.equal(status.reviewsCompleted, 1);
    assert.equal(model.requests.length, 1, 'the model was asked once');
    assert.equal(gitlab.notes(1, 1).filter((note) => note.body.startsWith(SUMMARY_MARKER)).length, 1);
  });
});
