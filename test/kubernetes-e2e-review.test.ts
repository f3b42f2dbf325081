// End to end with SANDBOX=kubernetes: webhook → real Temporal → `forgebot agent-worker` processes (configured only
// through the environment) → runner Jobs on the fake Kubernetes API, whose kubelet runs the real runner (real git
// clone, real Anthropic SDK against the fake model) → comments on the fake GitLab.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SUMMARY_MARKER } from '../src/domain/render.js';
import { toolUse, type ScriptedReply } from '../src/fakes/anthropic/messages.js';
import { loadFixture } from './helpers/fixtures.js';
import { startFixtureWorld, type World } from './helpers/e2e-world.js';
import { eventually, statusAfterReviewOf } from './helpers/forgebot-stack.js';
import { APP_FEATURE, TestRepo, createFixtureRepo } from './helpers/git-repo.js';
import { RUNNER_IMAGE, startKubernetes, type KubeWorld } from './helpers/kubernetes.js';
import { startAgentWorkerProcess, type AgentWorkerProcess } from './helpers/kubernetes-agent-worker.js';
import { newCommitsDelivery } from './helpers/new-commits-delivery.js';
import { deliver, TEST_SECRET } from './helpers/webhook-server.js';

const open = loadFixture('gitlab', 'merge_request--open');

const review = (summary: string, findings: Record<string, unknown>[], delayMs?: number): ScriptedReply => ({
  content: [toolUse('submit_review', { summary, findings })],
  ...(delayMs ? { delayMs } : {}),
});
const finding = (path: string, line: number, title: string) => ({ path, line, side: 'new', severity: 'major', category: 'bug', confidence: 0.9, title, body: `${title}: explained.` });

describe('GitLab review end to end with SANDBOX=kubernetes', () => {
  let world: World;
  let kube: KubeWorld;
  let repo: TestRepo;
  const workers: AgentWorkerProcess[] = [];
  const summaries = () => world.gitlab.notes(1, 1).filter((note) => note.body.startsWith(SUMMARY_MARKER));
  const diffNotes = () => world.gitlab.notes(1, 1).filter((note) => note.type === 'DiffNote');
  const jobCreates = () => kube.fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/jobs'));
  const nothingLeft = () => eventually(() => kube.fake.list('jobs').length + kube.fake.list('pods').length + kube.fake.list('secrets').length === 0 || undefined, 'no Jobs, pods or Secrets left', 20_000);
  const startWorker = async () => {
    const worker = await startAgentWorkerProcess({
      TEMPORAL_ADDRESS: world.env.address,
      AGENT_TASK_QUEUE: world.stack.config.AGENT_TASK_QUEUE,
      CLAIM_STORE_DIR: world.stack.config.CLAIM_STORE_DIR!,
      SANDBOX: 'kubernetes',
      KUBECONFIG: kube.kubeconfigPath,
      RUNNER_IMAGE,
      RUNNER_JOB_TTL_SECONDS: '1',
      ANTHROPIC_API_KEY: world.stack.config.ANTHROPIC_API_KEY!,
      ANTHROPIC_BASE_URL: world.model.url,
    });
    workers.push(worker);
    return worker;
  };

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
      stackOptions: { agentWorker: false },
      // A killed agent-worker's job is retried (and its Job adopted) once its heartbeats stop for this long.
      vars: { AGENT_HEARTBEAT_TIMEOUT_SECONDS: '8' },
    });
    await startWorker();
  });
  after(async () => {
    for (const worker of workers) await worker.stop();
    await world?.stop();
    await kube?.stop();
    await repo?.remove();
  });

  test('an "open" delivery → the review runs as a Job; summary and inline comments land; the Job, pod and Secret go', async () => {
    world.model.script(review('add() now subtracts; see inline.', [finding('src/app.ts', 3, 'Subtraction in add()')]));
    const headers = { ...open.headers, 'X-Gitlab-Token': TEST_SECRET };
    assert.equal((await deliver(world.stack.server.url, headers, open.body)).status, 202);
    const [summary] = await eventually(() => (summaries().length > 0 ? summaries() : undefined), 'the summary note');
    assert.match(summary!.body, /add\(\) now subtracts/);
    assert.deepEqual(diffNotes().map((note) => [note.position?.new_path, note.position?.new_line]), [['src/app.ts', 3]]);
    assert.equal(jobCreates().length, 1);
    assert.deepEqual(world.model.errors, []);
    await nothingLeft();
  });

  test('a push while the Job runs → that Job is deleted (foreground, its runner killed) and a new Job reviews the newest SHA', async () => {
    const third = await push(`${APP_FEATURE}// third\n`);
    world.model.script({ hold: true }, review('Reviewed the fourth push.', []));
    const requestsBefore = world.model.requests.length;
    const jobsBefore = jobCreates().length;
    assert.equal((await deliver(world.stack.server.url, third.headers, third.body)).status, 202);
    await eventually(() => world.model.requests.length > requestsBefore || undefined, 'the third push reached the model');
    const [held] = kube.fake.list('jobs');
    assert.ok(held, 'a Job runs the held review');

    const fourth = await push(`${APP_FEATURE}// fourth\n`);
    assert.equal((await deliver(world.stack.server.url, fourth.headers, fourth.body)).status, 202);
    await eventually(() => summaries()[0]?.body.includes(fourth.sha.slice(0, 12)) || undefined, 'the summary of the fourth push');
    assert.match(summaries()[0]!.body, /Reviewed the fourth push/);
    assert.ok(kube.fake.requests.some((r) => r.method === 'DELETE' && r.path.endsWith(`/jobs/${held.metadata.name}`) && r.query.propagationPolicy === 'Foreground'));
    assert.equal(jobCreates().length - jobsBefore, 2, 'the cancelled Job and the new one');
    assert.equal(world.model.abortedHolds, 1, 'the held model call was abandoned: the pod’s runner process was killed');
    const status = await statusAfterReviewOf(world.env.client.workflow.getHandle('review:gitlab:1:1'), fourth.sha);
    assert.equal(status.reviewsCancelled, 1);
    await nothingLeft();
  });

  test('the agent-worker killed mid-job → the retry on a new worker adopts the running Job; one review; nothing left', async () => {
    const next = await push(`${APP_FEATURE}// fifth\n`);
    // Long enough that the Job still runs when Temporal gives the activity to the next worker: the heartbeat timeout
    // (8 s here) plus the activity's first retry interval (10 s), with room for a slow machine.
    world.model.script(review('Reviewed across a worker crash.', [], 35_000));
    const requestsBefore = world.model.requests.length;
    const jobsBefore = jobCreates().length;
    const notesBefore = world.gitlab.notes(1, 1).length;
    assert.equal((await deliver(world.stack.server.url, next.headers, next.body)).status, 202);
    await eventually(() => world.model.requests.length > requestsBefore || undefined, 'the review reached the model');
    await workers[0]!.kill();
    const replacement = await startWorker();
    await eventually(() => summaries()[0]?.body.includes(next.sha.slice(0, 12)) || undefined, 'the summary after the crash', 150_000);
    assert.match(summaries()[0]!.body, /Reviewed across a worker crash/);
    assert.equal(jobCreates().length - jobsBefore, 1, 'one Job: the retry adopted it');
    assert.equal(world.model.requests.length - requestsBefore, 1, 'one runner asked the model');
    assert.match(replacement.output(), /adopting the job an earlier attempt started/);
    assert.equal(summaries().length, 1, 'one summary note');
    assert.equal(world.gitlab.notes(1, 1).length, notesBefore, 'no other note was posted (the summary was edited in place)');
    await nothingLeft();
    assert.deepEqual(world.model.errors, []);
  });
});
