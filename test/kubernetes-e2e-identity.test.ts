// Job identity end to end with SANDBOX=kubernetes and finished Jobs kept (RUNNER_JOB_TTL_SECONDS=600): a reopened
// change and a continued-as-new workflow each start a new Job, even where the old one (same head SHA, same activity
// id) is still there to be read. (A retried activity adopting its Job: kubernetes-e2e-review.test.ts, the crash test.)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ANNOTATION_TASK_HASH } from '../src/activities/sandbox/kubernetes/names.js';
import { createSandbox } from '../src/cli/wiring.js';
import { SUMMARY_MARKER } from '../src/domain/render.js';
import { toolUse, type ScriptedReply } from '../src/fakes/anthropic/messages.js';
import type { KubeObject } from '../src/fakes/kubernetes/objects.js';
import { statusQuery } from '../src/workflows/definitions.js';
import { loadFixture } from './helpers/fixtures.js';
import { startFixtureWorld, type World } from './helpers/e2e-world.js';
import { eventually, statusAfterReviewOf } from './helpers/forgebot-stack.js';
import { APP_FEATURE, TestRepo, createFixtureRepo } from './helpers/git-repo.js';
import { RUNNER_IMAGE, startKubernetes, type KubeWorld } from './helpers/kubernetes.js';
import { newCommitsDelivery } from './helpers/new-commits-delivery.js';
import { deliver, TEST_SECRET } from './helpers/webhook-server.js';

const open = loadFixture('gitlab', 'merge_request--open');
const WORKFLOW_ID = 'review:gitlab:1:1';
const AGENT_JOB_NAME = 'forgebot.dev/agent-job-name';

const review = (summary: string): ScriptedReply => ({ content: [toolUse('submit_review', { summary, findings: [] })] });

/** The open delivery with the given action (`open`, `close`, `reopen`) and a delivery id of its own. */
function stateDelivery(action: 'open' | 'close' | 'reopen') {
  const json = structuredClone(open.json) as { object_attributes: Record<string, unknown> };
  Object.assign(json.object_attributes, { action, state: action === 'close' ? 'closed' : 'opened' });
  return { headers: { ...open.headers, 'X-Gitlab-Token': TEST_SECRET, 'X-Gitlab-Event-UUID': randomUUID() }, body: JSON.stringify(json) };
}

/** What a Job says about the run that made it: `review-gitlab-1-1-<run id>-<activity id>`. */
function identity(job: KubeObject) {
  const name = job.metadata.annotations?.[AGENT_JOB_NAME] ?? '';
  const activityId = name.slice(name.lastIndexOf('-') + 1);
  return { name: job.metadata.name, uid: job.metadata.uid, agentJobName: name, activityId, taskHash: job.metadata.annotations?.[ANNOTATION_TASK_HASH] ?? '' };
}

describe('Kubernetes Job identity end to end (finished Jobs kept for 600 s)', () => {
  let world: World;
  let kube: KubeWorld;
  let repo: TestRepo;
  const summaries = () => world.gitlab.notes(1, 1).filter((note) => note.body.startsWith(SUMMARY_MARKER));
  const jobCreates = () => kube.fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/jobs'));
  const jobDeletes = () => kube.fake.requests.filter((r) => r.method === 'DELETE' && r.path.includes('/jobs/'));
  /** The Jobs in the cluster, oldest first. */
  const jobs = () => kube.fake.list('jobs').sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion)).map(identity);
  const handle = () => world.env.client.workflow.getHandle(WORKFLOW_ID);
  const currentRun = async () => (await handle().describe()).runId;
  const reviewed = (text: string) => eventually(() => summaries()[0]?.body.includes(text) || undefined, `a summary saying "${text}"`, 90_000);

  async function push(content: string) {
    await repo.checkout('ms-viewport');
    const before = await repo.git('rev-parse', 'HEAD');
    const sha = await repo.commit({ 'src/app.ts': content }, `push ${content.length}`);
    await repo.checkout('master');
    await world.gitlab.refreshMergeRequest(1, 1);
    return { sha, ...newCommitsDelivery(before, sha) };
  }

  before(async () => {
    repo = await createFixtureRepo();
    kube = await startKubernetes();
    world = await startFixtureWorld(repo.dir, {
      vars: { SANDBOX: 'kubernetes', KUBECONFIG: kube.kubeconfigPath, RUNNER_IMAGE, RUNNER_JOB_TTL_SECONDS: '600', REVIEWS_PER_RUN: '2' },
      stackOptions: { sandbox: createSandbox },
    });
  });
  after(async () => {
    await world?.stop();
    await kube?.stop();
    await repo?.remove();
  });

  test('open → reviewed by Job A → close → reopen at the same head → a new Job B really reviews it again (A is not read)', async () => {
    world.model.script(review('First review, before the close.'));
    const opened = stateDelivery('open');
    assert.equal((await deliver(world.stack.server.url, opened.headers, opened.body)).status, 202);
    await reviewed('First review, before the close.');
    const runA = await currentRun();
    assert.equal(world.model.requests.length, 1);
    const [jobA, ...others] = jobs();
    assert.ok(jobA, 'Job A is there');
    assert.deepEqual(others, []);
    assert.ok(jobA.agentJobName.startsWith(`review-gitlab-1-1-${runA}-`), `Job A is named after its run: ${jobA.agentJobName}`);
    assert.match(jobA.taskHash, /^[0-9a-f]{64}$/);
    const headA = (await handle().query(statusQuery)).lastReviewedSha;

    world.gitlab.setMergeRequestState(1, 1, 'closed');
    const close = stateDelivery('close');
    assert.equal((await deliver(world.stack.server.url, close.headers, close.body)).status, 202);
    assert.equal((await world.env.client.workflow.getHandle(WORKFLOW_ID, runA).result()).phase, 'closed');

    world.gitlab.setMergeRequestState(1, 1, 'opened');
    world.model.script(review('Second review, after the reopen.'));
    const reopen = stateDelivery('reopen');
    assert.equal((await deliver(world.stack.server.url, reopen.headers, reopen.body)).status, 202);
    await reviewed('Second review, after the reopen.');
    const runB = await currentRun();
    assert.notEqual(runB, runA, 'the reopen started a new run');
    assert.equal((await handle().query(statusQuery)).lastReviewedSha, headA, 'the same head SHA was reviewed');

    assert.equal(world.model.requests.length, 2, 'the second review was run by the model, not read from Job A');
    const [stillA, jobB, ...more] = jobs();
    assert.deepEqual(more, []);
    assert.deepEqual(stillA, jobA, 'Job A is still there, untouched (TTL 600 s)');
    assert.ok(jobB && jobB.name !== jobA.name && jobB.uid !== jobA.uid, 'Job B is a new Job');
    assert.ok(jobB.agentJobName.startsWith(`review-gitlab-1-1-${runB}-`), `Job B is named after the new run: ${jobB.agentJobName}`);
    assert.equal(jobB.activityId, jobA.activityId, 'the same activity id in both runs: only the run id tells them apart');
    assert.match(jobB.taskHash, /^[0-9a-f]{64}$/);
    assert.equal(jobCreates().length, 2);
    assert.deepEqual(jobDeletes(), [], 'no Job was deleted or replaced');
    assert.deepEqual(world.model.errors, []);
  });

  test('continue-as-new (REVIEWS_PER_RUN=2) → the continued run’s next review makes a new Job', async () => {
    const runB = await currentRun();
    const second = await push(`${APP_FEATURE}// second\n`);
    world.model.script(review('Second review of this run: it continues as new.'));
    assert.equal((await deliver(world.stack.server.url, second.headers, second.body)).status, 202);
    await reviewed('Second review of this run: it continues as new.');
    const runC = await eventually(async () => {
      const run = await currentRun();
      return run !== runB ? run : undefined;
    }, 'the workflow continued as new');
    const jobC = jobs()[2];
    assert.ok(jobC?.agentJobName.startsWith(`review-gitlab-1-1-${runB}-`), 'the second review of run B ran in run B');

    const third = await push(`${APP_FEATURE}// third\n`);
    world.model.script(review('First review of the continued run.'));
    const requestsBefore = world.model.requests.length;
    assert.equal((await deliver(world.stack.server.url, third.headers, third.body)).status, 202);
    await reviewed('First review of the continued run.');
    assert.ok(summaries()[0]!.body.includes(third.sha.slice(0, 12)), 'the summary is for the newest head');
    assert.equal(world.model.requests.length - requestsBefore, 1, 'the model ran the continued run’s review');

    const all = jobs();
    assert.equal(all.length, 4, 'A, B, C and D: every finished Job kept, each review its own');
    const jobB = all[1]!;
    const jobD = all[3]!;
    assert.ok(jobD.agentJobName.startsWith(`review-gitlab-1-1-${runC}-`), `Job D is named after the continued run: ${jobD.agentJobName}`);
    assert.equal(jobD.activityId, jobB.activityId, 'run C’s first review has run B’s first review’s activity id: a name without the run id would collide');
    assert.notEqual(jobD.name, jobB.name);
    assert.equal(new Set(all.map((job) => job.name)).size, 4, 'four names');
    assert.equal(jobCreates().length, 4);
    assert.deepEqual(jobDeletes(), [], 'no Job was found under a taken name (none deleted or replaced)');
    const status = await statusAfterReviewOf(handle(), third.sha);
    assert.equal(status.reviewsCompleted, 3, 'run B’s two reviews carried into run C, plus its own (the reopen began afresh)');
    assert.deepEqual(world.model.errors, []);
  });
});
