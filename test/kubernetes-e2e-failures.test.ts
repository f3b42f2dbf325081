// Kubernetes failures end to end: OOMKilled, the Job deadline and an image that cannot be pulled each end the review
// with their typed error (permanent: one attempt), reported on the merge request; nothing is left in the cluster.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createSandbox } from '../src/cli/wiring.js';
import { SUMMARY_MARKER } from '../src/domain/render.js';
import { statusQuery } from '../src/workflows/definitions.js';
import { loadFixture } from './helpers/fixtures.js';
import { startWorld, type World } from './helpers/e2e-world.js';
import { eventually } from './helpers/forgebot-stack.js';
import { featureRepo, type TestRepo } from './helpers/git-repo.js';
import { RUNNER_IMAGE, startKubernetes, type KubeWorld } from './helpers/kubernetes.js';
import { deliver, TEST_SECRET } from './helpers/webhook-server.js';

const open = loadFixture('gitlab', 'merge_request--open');
const PROJECT = 5;

function openDelivery(iid: number) {
  const json = structuredClone(open.json) as { project: Record<string, unknown>; object_attributes: Record<string, unknown> };
  json.project.id = PROJECT;
  json.object_attributes.iid = iid;
  return { headers: { ...open.headers, 'X-Gitlab-Token': TEST_SECRET, 'X-Gitlab-Event-UUID': randomUUID() }, body: JSON.stringify(json) };
}

describe('Kubernetes sandbox failures, reported on the merge request', () => {
  let world: World;
  let kube: KubeWorld;
  let repo: TestRepo;

  /** Opens MR `iid`, lets `during` act on the cluster, and returns the failure note and the workflow's attempts. */
  async function failedReview(iid: number, during: () => Promise<void>) {
    await world.gitlab.addMergeRequest({ projectId: PROJECT, iid, title: `Feature ${iid}`, sourceBranch: 'feature', targetBranch: 'main' });
    const delivery = openDelivery(iid);
    assert.equal((await deliver(world.stack.server.url, delivery.headers, delivery.body)).status, 202);
    await during();
    const note = await eventually(() => world.gitlab.notes(PROJECT, iid).find((n) => n.body.startsWith(SUMMARY_MARKER)), 'the failure note', 30_000);
    const handle = world.env.client.workflow.getHandle(`review:gitlab:${PROJECT}:${iid}`);
    const status = await handle.query(statusQuery);
    const events = (await handle.fetchHistory()).events ?? [];
    const agentAttempts = events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'runAgent').length;
    await eventually(() => kube.fake.list('jobs').length + kube.fake.list('pods').length + kube.fake.list('secrets').length === 0 || undefined, 'nothing left in the cluster', 20_000);
    assert.match(note.body, /could not review/);
    assert.doesNotMatch(note.body, /sk-ant-/, 'no key on the MR');
    assert.equal(agentAttempts, 1);
    return { note: note.body, status };
  }
  const runningPod = () => eventually(() => kube.fake.list('pods').find((p) => (p.status as { phase?: string }).phase === 'Running'), 'a running runner pod', 20_000);

  before(async () => {
    ({ repo } = await featureRepo());
    kube = await startKubernetes();
    world = await startWorld({
      project: { id: PROJECT, path: 'gitlabhq/gitlab-test', repoDir: repo.dir },
      mergeRequest: { iid: 99, title: 'Unused', sourceBranch: 'feature', targetBranch: 'main' },
      vars: { SANDBOX: 'kubernetes', KUBECONFIG: kube.kubeconfigPath, RUNNER_IMAGE, RUNNER_JOB_TTL_SECONDS: '1', AGENT_TIMEOUT_SECONDS: '6' },
      stackOptions: { sandbox: createSandbox },
    });
  });
  after(async () => {
    await world?.stop();
    await kube?.stop();
    await repo?.remove();
  });

  test('OOMKilled → ERR_SANDBOX_OOM_KILLED on the MR', async () => {
    world.model.script({ hold: true });
    const { note, status } = await failedReview(1, async () => {
      const pod = await runningPod();
      await eventually(() => world.model.requests.length > 0 || undefined, 'the runner reached the model');
      await kube.fake.oomKill(pod.metadata.name);
    });
    assert.match(note, /ERR_SANDBOX_OOM_KILLED/);
    assert.match(note, /memory limit \(1Gi\)/);
    assert.match(status.lastError ?? '', /^ERR_SANDBOX_OOM_KILLED/);
  });

  test('the Job deadline → ERR_SANDBOX_DEADLINE_EXCEEDED on the MR', async () => {
    world.model.script({ hold: true });
    const { note } = await failedReview(2, async () => void (await runningPod()));
    assert.match(note, /ERR_SANDBOX_DEADLINE_EXCEEDED/);
    assert.match(note, /6 s deadline/);
  });

  test('an image that cannot be pulled → ERR_SANDBOX_IMAGE_PULL on the MR', async () => {
    const image = kube.fake.kubelet.images.get(RUNNER_IMAGE)!;
    kube.fake.kubelet.images.delete(RUNNER_IMAGE);
    try {
      const { note } = await failedReview(3, async () => undefined);
      assert.match(note, /ERR_SANDBOX_IMAGE_PULL/);
      assert.match(note, /forgebot-runner:test/);
    } finally {
      kube.fake.kubelet.images.set(RUNNER_IMAGE, image);
    }
  });
});
