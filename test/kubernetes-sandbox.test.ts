// The Kubernetes sandbox against the fake API server, whose kubelet really runs each Job's container (stand-in
// runner images here; the real runner in the end-to-end tests), driven through @kubernetes/client-node.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createKubernetesSandbox } from '../src/activities/sandbox/kubernetes/kubernetes-sandbox.js';
import { jobManifest } from '../src/activities/sandbox/kubernetes/manifests.js';
import { kubernetesJobName } from '../src/activities/sandbox/kubernetes/names.js';
import { SandboxError, type AgentJob, type Sandbox } from '../src/activities/sandbox/sandbox.js';
import type { ReviewTask } from '../src/domain/agent-task.js';
import { createLogger } from '../src/logger.js';
import { eventually } from './helpers/forgebot-stack.js';
import { startKubernetes, stubImage, type KubeWorld } from './helpers/kubernetes.js';
import { jobOf, reviewTask } from './helpers/review-task.js';
import { rbacPermission } from './helpers/kubernetes-rbac.js';
import { SANDBOX_PERMISSIONS } from '../src/activities/sandbox/kubernetes/permissions.js';
import { Writable } from 'node:stream';
import { pino } from 'pino';

const SECRETS = { anthropicApiKey: 'sk-ant-sandbox-secret-42', cloneToken: 'glpat-clone-secret-42' };
let counter = 0;
function agentJob(timeoutMs = 30_000): AgentJob<ReviewTask> {
  counter++;
  return jobOf(`review-gitlab-42-3-${counter}`, reviewTask('file:///nowhere', 'a'.repeat(40), 'b'.repeat(40)), timeoutMs, `review:gitlab:42:${counter}`);
}

describe('Kubernetes sandbox (fake API server, real processes)', () => {
  let world: KubeWorld;
  const sandboxFor = (image: string, extra: { unschedulableTimeoutMs?: number } = {}): Sandbox =>
    createKubernetesSandbox({
      api: world.api,
      logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
      pod: { image, cpuRequest: '100m', cpuLimit: '1', memoryRequest: '64Mi', memoryLimit: '256Mi', ttlSecondsAfterFinished: 1 },
      unschedulableTimeoutMs: extra.unschedulableTimeoutMs ?? 60_000,
      checkEveryMs: 300,
      deleteWaitMs: 10_000,
    });
  const run = (sandbox: Sandbox, job: AgentJob<ReviewTask>, signal = new AbortController().signal, leaveRunning?: () => boolean) =>
    sandbox.run(job, SECRETS, { signal, ...(leaveRunning ? { leaveRunning } : {}) });
  const rejectsWith = async (promise: Promise<unknown>, code: string, message?: RegExp) => {
    const error = await promise.then(() => assert.fail('expected a failure'), (e: unknown) => e);
    assert.ok(error instanceof SandboxError, String(error));
    assert.equal(error.code, code, error.message);
    if (message) assert.match(error.message, message);
    return error;
  };
  const gone = (name: string) => eventually(() => !world.fake.list('jobs').some((j) => j.metadata.name === name) && world.fake.podsOf(name).length === 0 && !world.fake.list('secrets').some((s) => s.metadata.name === name), `job ${name} and its pod and secret gone`);

  before(async () => {
    world = await startKubernetes({
      eventWindow: 3,
      images: {
        'stub/ok': stubImage(),
        'stub/slow': stubImage({ ms: 1_500 }),
        'stub/quiet': stubImage({ ms: 2_500 }),
        'stub/forever': stubImage({ ms: 600_000 }),
        'stub/runner-error': stubImage({ print: 'error' }),
        'stub/silent-crash': stubImage({ print: 'none', exitCode: 3 }),
      },
    });
  });
  after(async () => world?.stop());


  test('a run: a Job and its owned Secret, the result read from the pod log; TTL then removes all of it', async () => {
    const job = agentJob();
    const result = await run(sandboxFor('stub/ok'), job);
    assert.equal(result.review.summary, 'key=yes cwd=true task=reviewer', 'the secret, the workspace mount and the task reached the process');
    const name = kubernetesJobName(job.name);
    const creates = world.fake.requests.filter((r) => r.method === 'POST');
    assert.equal(creates[0]?.path, '/apis/batch/v1/namespaces/default/jobs', 'the Job first');
    assert.ok(creates.length >= 2 && creates.slice(1).every((r) => r.path === '/api/v1/namespaces/default/secrets'), 'then its Secret (again if the pod asked before it existed)');
    await gone(name);
  });

  test('two attempts of one run → one Job: the second adopts the running Job and gets the same result', async () => {
    const job = agentJob();
    const sandbox = sandboxFor('stub/slow');
    const before = world.fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/jobs')).length;
    const [first, second] = await Promise.all([run(sandbox, job), new Promise((r) => setTimeout(r, 300)).then(() => run(sandbox, job))]);
    assert.deepEqual(first, second);
    assert.equal(world.fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/jobs')).length - before, 1, 'one Job created');
    const again = await run(sandboxFor('stub/ok'), job);
    assert.deepEqual(again, first, 'a retry after success reads the succeeded Job instead of starting another');
  });

  test('a Job of the same name made for another task is never adopted: it is replaced, and the result is this task’s', async () => {
    const job = agentJob();
    const name = kubernetesJobName(job.name);
    const other = jobOf(job.name, { ...job.task, changedPaths: ['other.ts'] }, job.timeoutMs, job.workflowId);
    assert.notEqual(other.taskHash, job.taskHash);
    const pod = { image: 'stub/forever', cpuRequest: '100m', cpuLimit: '1', memoryRequest: '64Mi', memoryLimit: '256Mi', ttlSecondsAfterFinished: 1 };
    const stale = await world.api.createJob(jobManifest(name, other, SECRETS, pod));
    assert.ok(stale?.metadata?.uid);
    const result = await run(sandboxFor('stub/ok'), job);
    assert.match(result.review.summary, /key=yes/);
    assert.ok(world.fake.requests.some((r) => r.method === 'DELETE' && r.path.endsWith(`/jobs/${name}`)), 'the stale Job was deleted');
    assert.ok(!world.fake.list('jobs').some((j) => j.metadata.uid === stale.metadata?.uid), 'the stale Job (which would never finish) is gone');
    await gone(name);
  });

  test('cancellation deletes the Job in the foreground and returns only when the pod is gone', async () => {
    const job = agentJob();
    const name = kubernetesJobName(job.name);
    const controller = new AbortController();
    const running = run(sandboxFor('stub/forever'), job, controller.signal);
    const pod = await eventually(() => world.fake.podsOf(name).find((p) => (p.status as { phase?: string }).phase === 'Running'), 'the pod running');
    const [created] = world.fake.list('jobs').filter((j) => j.metadata.name === name);
    const secret = world.fake.list('secrets').find((s) => s.metadata.name === name);
    assert.deepEqual(secret?.metadata.ownerReferences, [{ apiVersion: 'batch/v1', kind: 'Job', name, uid: created!.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    const spec = JSON.stringify(created);
    for (const value of Object.values(SECRETS)) assert.ok(!spec.includes(value), 'no credential in the Job');
    controller.abort();
    await rejectsWith(running, 'ERR_SANDBOX_CANCELLED');
    assert.equal(world.fake.kubelet.running('default', pod.metadata.name), false, 'the process is stopped');
    assert.equal(world.fake.podsOf(name).length, 0, 'the pod is gone');
    assert.ok(world.fake.requests.some((r) => r.method === 'DELETE' && r.path.endsWith(`/jobs/${name}`) && r.query.propagationPolicy === 'Foreground'));
    await gone(name);
  });

  test('a worker shutting down leaves the Job running; the next attempt adopts it', async () => {
    const job = agentJob();
    const name = kubernetesJobName(job.name);
    const controller = new AbortController();
    const first = run(sandboxFor('stub/slow'), job, controller.signal, () => true);
    await eventually(() => world.fake.podsOf(name).length > 0, 'the pod');
    controller.abort();
    await rejectsWith(first, 'ERR_SANDBOX_CANCELLED', /left running/);
    assert.equal(world.fake.list('jobs').filter((j) => j.metadata.name === name).length, 1, 'the Job still runs');
    const result = await run(sandboxFor('stub/slow'), job);
    assert.match(result.review.summary, /key=yes/);
  });

  test('a Job whose Secret was never made (its worker died in between) → the adopting attempt makes it; the pod starts', async () => {
    const job = agentJob();
    const name = kubernetesJobName(job.name);
    const pod = { image: 'stub/ok', cpuRequest: '100m', cpuLimit: '1', memoryRequest: '64Mi', memoryLimit: '256Mi', ttlSecondsAfterFinished: 1 };
    assert.ok(await world.api.createJob(jobManifest(name, job, SECRETS, pod)));
    const waiting = await eventually(() => world.fake.podsOf(name).find((p) => JSON.stringify(p.status).includes('MountVolume.SetUp failed')), 'the pod waiting for its Secret');
    assert.match(JSON.stringify(waiting.status), /secret \\"fb-[^"\\]+\\" not found/);
    const result = await run(sandboxFor('stub/ok'), job);
    assert.match(result.review.summary, /key=yes/);
  });

  test('the runner’s own error → ERR_RUNNER_FAILED with its code; a silent crash → its exit code', async () => {
    const failed = await rejectsWith(run(sandboxFor('stub/runner-error'), agentJob()), 'ERR_RUNNER_FAILED', /overloaded/);
    assert.equal(failed.runnerCode, 'ERR_MODEL_UNAVAILABLE');
    await rejectsWith(run(sandboxFor('stub/silent-crash'), agentJob()), 'ERR_RUNNER_FAILED', /exit code 3/);
  });

  test('an unknown image → ERR_SANDBOX_IMAGE_PULL, and the Job is removed', async () => {
    const job = agentJob();
    await rejectsWith(run(sandboxFor('registry.example/nope:1'), job), 'ERR_SANDBOX_IMAGE_PULL', /ErrImagePull|ImagePullBackOff/);
    await gone(kubernetesJobName(job.name));
  });

  test('OOMKilled, evicted and the deadline each map to their error', async () => {
    const oomJob = agentJob();
    const oom = run(sandboxFor('stub/forever'), oomJob);
    const pod = await eventually(() => world.fake.podsOf(kubernetesJobName(oomJob.name)).find((p) => (p.status as { phase?: string }).phase === 'Running'), 'a running pod');
    await world.fake.oomKill(pod.metadata.name);
    await rejectsWith(oom, 'ERR_SANDBOX_OOM_KILLED', /256Mi/);

    const evictJob = agentJob();
    const evicted = run(sandboxFor('stub/forever'), evictJob);
    const victim = await eventually(() => world.fake.podsOf(kubernetesJobName(evictJob.name)).find((p) => (p.status as { phase?: string }).phase === 'Running'), 'a running pod');
    await world.fake.evict(victim.metadata.name);
    await rejectsWith(evicted, 'ERR_SANDBOX_EVICTED', /low on resource/);

    await rejectsWith(run(sandboxFor('stub/forever'), agentJob(1_000)), 'ERR_SANDBOX_DEADLINE_EXCEEDED', /1 s deadline/);
  });

  test('a pod no node can take → ERR_SANDBOX_UNSCHEDULABLE after the configured time', async () => {
    world.fake.kubelet.schedulable = false;
    try {
      await rejectsWith(run(sandboxFor('stub/ok', { unschedulableTimeoutMs: 800 }), agentJob()), 'ERR_SANDBOX_UNSCHEDULABLE', /Insufficient memory/);
    } finally {
      world.fake.kubelet.schedulable = true;
    }
  });

  test('transient API errors (503, 429) are retried; a watch whose version expired (410) falls back to a list', async () => {
    world.fake.failNext(2, 503, (r) => r.method === 'POST');
    world.fake.failNext(1, 429, (r) => r.path.endsWith('/log'));
    const job = agentJob();
    const name = kubernetesJobName(job.name);
    const running = run(sandboxFor('stub/slow'), job);
    await eventually(() => world.fake.podsOf(name).some((p) => (p.status as { phase?: string }).phase === 'Running'), 'the pod running');
    const listsBefore = world.fake.requests.filter((r) => r.path.endsWith('/pods') && r.query.watch === undefined).length;
    // The watch ends; its first resumption fails (503), and by the second its version has left the window (3 events).
    world.fake.failNext(1, 503, (r) => r.query.watch === 'true');
    world.fake.closeWatches();
    for (let i = 0; i < 5; i++) await world.api.createSecret({ metadata: { name: `filler-${counter}-${i}` }, data: {} });
    assert.match((await running).review.summary, /key=yes/);
    const lists = world.fake.requests.filter((r) => r.path.endsWith('/pods') && r.query.watch === undefined).length;
    assert.ok(world.fake.expiredWatches > 0, 'the resumed watch got 410 Gone');
    assert.ok(lists > listsBefore, 'listed again after 410 Gone');
  });

  test('a runner quiet for many times the pod watch\'s idle timeout: each silent watch is resumed at once, never counted as a failure', async () => {
    const lines: { msg?: string; level?: number }[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString('utf8')) as { msg?: string });
        done();
      },
    });
    // client-node aborts a watch that heard nothing for 30 s; a real API server bookmarks about once a minute.
    const sandbox = createKubernetesSandbox({
      api: world.api,
      logger: pino({ level: 'debug' }, sink),
      pod: { image: 'stub/quiet', cpuRequest: '100m', cpuLimit: '1', memoryRequest: '64Mi', memoryLimit: '256Mi', ttlSecondsAfterFinished: 1 },
      unschedulableTimeoutMs: 60_000,
      checkEveryMs: 300,
      watchIdleTimeoutMs: 150,
    });
    const result = await run(sandbox, agentJob());
    assert.match(result.review.summary, /key=yes/);
    const idle = lines.filter((line) => line.msg === 'pod watch idle; resuming').length;
    assert.ok(idle >= 4, `the watch went idle and was resumed (${idle} times)`);
    assert.deepEqual(lines.filter((line) => line.msg === 'pod watch failed; resuming'), [], 'an idle watch is not a failure');
  });

  test('every request the sandbox made is one the agent-worker\'s Role grants (runs last)', () => {
    const used = [...new Set(world.fake.requests.map(rbacPermission))].sort();
    assert.ok(used.length >= 5, used.join(', '));
    for (const permission of used) {
      const [resource, verb] = permission.split(' ') as [string, string];
      assert.ok(SANDBOX_PERMISSIONS[resource]?.includes(verb), `the sandbox used ${permission}, which its Role does not grant`);
    }
  });
});
