// Permanent failures end to end: typed, not retried, and reported on the merge request when the forge allows.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { SUMMARY_MARKER } from '../src/domain/render.js';
import { statusQuery } from '../src/workflows/definitions.js';
import { loadFixture } from './helpers/fixtures.js';
import { startWorld, type World } from './helpers/e2e-world.js';
import { eventually, type Stack } from './helpers/forgebot-stack.js';
import type { FakeAnthropic } from '../src/fakes/anthropic/fake-anthropic.js';
import type { FakeGitLab } from '../src/fakes/gitlab/fake-gitlab.js';
import { featureRepo, type TestRepo } from './helpers/git-repo.js';
import { deliver, TEST_SECRET } from './helpers/webhook-server.js';

const open = loadFixture('gitlab', 'merge_request--open');

/** The real "open" payload, pointed at another project / MR. */
function openDelivery(projectId: number, iid: number) {
  const json = structuredClone(open.json) as { project: Record<string, unknown>; object_attributes: Record<string, unknown> };
  json.project.id = projectId;
  json.object_attributes.iid = iid;
  return { headers: { ...open.headers, 'X-Gitlab-Token': TEST_SECRET, 'X-Gitlab-Event-UUID': randomUUID() }, body: JSON.stringify(json) };
}

describe('permanent failures, end to end', () => {
  let world: World;
  let env: TestWorkflowEnvironment;
  let repo: TestRepo;
  let gitlab: FakeGitLab;
  let model: FakeAnthropic;
  let stack: Stack;

  before(async () => {
    ({ repo } = await featureRepo());
    world = await startWorld({
      project: { id: 5, path: 'gitlabhq/gitlab-test', repoDir: repo.dir },
      mergeRequest: { iid: 1, title: 'Feature', sourceBranch: 'feature', targetBranch: 'main' },
      forgebotModelKey: 'sk-ant-a-revoked-key-1111',
    });
    ({ env, gitlab, model, stack } = world);
  });
  after(async () => {
    await world?.stop();
    await repo?.remove();
  });

  test('a model key the API refuses → ERR_MODEL_UNAUTHORIZED on the MR, after one attempt', async () => {
    const delivery = openDelivery(5, 1);
    assert.equal((await deliver(stack.server.url, delivery.headers, delivery.body)).status, 202);
    const note = await eventually(() => gitlab.notes(5, 1).find((n) => n.body.startsWith(SUMMARY_MARKER)), 'the failure note');
    assert.match(note.body, /could not review/);
    assert.match(note.body, /ERR_MODEL_UNAUTHORIZED/);
    assert.doesNotMatch(note.body, /sk-ant-a-revoked-key/, 'the key is not posted');
    assert.equal(model.requests.length, 0, 'refused before any request was accepted');
    const status = await env.client.workflow.getHandle('review:gitlab:5:1').query(statusQuery);
    assert.equal(status.phase, 'failed');
    assert.match(status.lastError ?? '', /^ERR_MODEL_UNAUTHORIZED/);
    const history = await env.client.workflow.getHandle('review:gitlab:5:1').fetchHistory();
    const events = history.events ?? [];
    const scheduled = events.flatMap((event) => event.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
    assert.deepEqual(scheduled, ['readRunSettings', 'fetchChange', 'runAgent', 'reportFailure']);
    const attempts = events.flatMap((event) => event.activityTaskStartedEventAttributes?.attempt ?? []);
    assert.deepEqual(attempts, [1, 1, 1, 1], 'a permanent failure is not retried');
  });

  test('an MR of a project GitLab does not know → ERR_FORGE_NOT_FOUND in the workflow status', async () => {
    const delivery = openDelivery(404, 9);
    assert.equal((await deliver(stack.server.url, delivery.headers, delivery.body)).status, 202);
    const handle = env.client.workflow.getHandle('review:gitlab:404:9');
    const status = await eventually(async () => {
      const current = await handle.query(statusQuery);
      return current.phase === 'failed' ? current : undefined;
    }, 'the failed phase');
    assert.match(status.lastError ?? '', /^ERR_FORGE_NOT_FOUND: .*404/);
  });
});
