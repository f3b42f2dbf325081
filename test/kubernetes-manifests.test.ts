// The manifests the Kubernetes sandbox generates, checked against the Kubernetes schemas (kubernetes-models), the
// Pod Security "restricted" profile and the rule that no credential is ever in a Job; names, labels and config.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Secret } from 'kubernetes-models/v1/Secret';
import { jobManifest, secretManifest } from '../src/activities/sandbox/kubernetes/manifests.js';
import { runnerNamespace } from '../src/activities/sandbox/kubernetes/kube-config.js';
import { kubernetesJobName, labelValue } from '../src/activities/sandbox/kubernetes/names.js';
import type { AgentJob } from '../src/activities/sandbox/sandbox.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { restrictedViolations, type PodLike } from './helpers/pod-security.js';
import { jobOf, reviewTask } from './helpers/review-task.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const SECRETS = { anthropicApiKey: 'sk-ant-manifest-secret-1', anthropicBaseUrl: 'https://models.internal.example/v1', cloneToken: 'glpat-manifest-clone-2' };
const POD = { image: 'registry.example/forgebot-runner:1.0.0', cpuRequest: '250m', cpuLimit: '1', memoryRequest: '512Mi', memoryLimit: '1Gi', ttlSecondsAfterFinished: 600 };
const job: AgentJob = jobOf('review-gitlab-17-4-1', reviewTask('https://gitlab.example/group/app.git', 'a'.repeat(40), 'b'.repeat(40)), 900_500, 'review:gitlab:17:4');

test('job names: DNS-1123 labels of at most 63 characters, stable, distinct where truncation would collide', () => {
  const long = `review:gitlab:${'group/sub/'.repeat(12)}:${'9'.repeat(20)}-activity-1`;
  const names = [kubernetesJobName(job.name), kubernetesJobName(long), kubernetesJobName(`${long}x`), kubernetesJobName('::::'), kubernetesJobName('UPPER_case.Name')];
  for (const name of names) {
    assert.ok(name.length <= 63, name);
    assert.match(name, DNS_LABEL);
  }
  assert.equal(kubernetesJobName(job.name), kubernetesJobName(job.name), 'the same run → the same name');
  assert.notEqual(names[1], names[2], 'a hash tells apart names that differ past the cut');
  for (const value of ['review:gitlab:1:2', 'group/sub/project', '--x--', `${'a'.repeat(70)}`, '../..']) assert.match(labelValue(value), LABEL_VALUE);
});

test('the Job is valid, hardened to Pod Security "restricted", and holds no credential', () => {
  const manifest = jobManifest('fb-review-1', job, SECRETS, POD);
  new Job(manifest as unknown as ConstructorParameters<typeof Job>[0]).validate();
  const broken = { ...manifest, spec: { ...manifest.spec, backoffLimit: 'none' } };
  assert.throws(() => new Job(broken as unknown as ConstructorParameters<typeof Job>[0]).validate(), /backoffLimit/, 'the schema check can fail');
  const spec = manifest.spec!;
  const pod = spec.template.spec!;
  const container = pod.containers[0]!;
  assert.equal(spec.backoffLimit, 0);
  assert.equal(spec.activeDeadlineSeconds, 901, 'the job timeout, rounded up');
  assert.equal(spec.ttlSecondsAfterFinished, 600);
  assert.equal(pod.restartPolicy, 'Never');
  assert.equal(pod.automountServiceAccountToken, false);
  assert.deepEqual(pod.securityContext, { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } });
  assert.equal(container.securityContext?.allowPrivilegeEscalation, false);
  assert.equal(container.securityContext?.readOnlyRootFilesystem, true);
  assert.equal(container.securityContext?.runAsNonRoot, true);
  assert.deepEqual(container.securityContext?.capabilities, { drop: ['ALL'] });
  assert.deepEqual(container.securityContext?.seccompProfile, { type: 'RuntimeDefault' });
  assert.deepEqual(container.resources, { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } });
  assert.deepEqual(container.volumeMounts?.map((m) => m.mountPath), ['/workspace', '/tmp', '/etc/forgebot']);
  assert.ok(pod.volumes?.every((v) => v.emptyDir ?? v.secret), 'only emptyDir and the run’s own Secret');
  for (const labels of [manifest.metadata!.labels!, spec.template.metadata!.labels!]) {
    assert.equal(labels['app.kubernetes.io/name'], 'forgebot');
    assert.equal(labels['app.kubernetes.io/component'], 'runner');
    assert.equal(labels['forgebot.dev/workflow'], 'review_gitlab_17_4');
    assert.equal(labels['forgebot.dev/repository'], 'group_app');
    for (const value of Object.values(labels)) assert.match(value, LABEL_VALUE);
  }
  const text = JSON.stringify(manifest);
  for (const value of Object.values(SECRETS)) assert.ok(!text.includes(value), 'no credential value anywhere in the Job');
  const fromSecret = container.env!.filter((e) => e.valueFrom);
  assert.deepEqual(fromSecret.map((e) => [e.name, e.valueFrom?.secretKeyRef?.name]), [['ANTHROPIC_API_KEY', 'fb-review-1'], ['ANTHROPIC_BASE_URL', 'fb-review-1'], ['FORGEBOT_CLONE_TOKEN', 'fb-review-1']]);
  assert.equal(container.env!.find((e) => e.name === 'FORGEBOT_TASK_FILE')?.value, '/etc/forgebot/task.json', 'the task is a file from the Secret');
  assert.deepEqual(pod.volumes?.find((v) => v.name === 'task')?.secret?.secretName, 'fb-review-1');
  assert.equal(container.volumeMounts?.find((m) => m.name === 'task')?.readOnly, true);
});

test('Pod Security "restricted" (the runner namespace enforces it) admits the Job\'s pod, and each of its controls can refuse', () => {
  const template = jobManifest('fb-review-1', job, SECRETS, POD).spec!.template;
  const pod: PodLike = { metadata: template.metadata ?? {}, spec: template.spec! };
  assert.deepEqual(restrictedViolations(pod), []);
  const mutated = (change: (copy: PodLike) => void): string[] => {
    const copy = structuredClone(pod);
    change(copy);
    return restrictedViolations(copy);
  };
  const runner = (copy: PodLike) => copy.spec.containers[0]!;
  const refusals: [string, (copy: PodLike) => void][] = [
    ['Host Namespaces', (copy) => { copy.spec.hostNetwork = true; }],
    ['Host Namespaces', (copy) => { copy.spec.hostPID = true; }],
    ['HostPath Volumes', (copy) => { copy.spec.volumes!.push({ name: 'host', hostPath: { path: '/' } }); }],
    ['Volume Types', (copy) => { copy.spec.volumes!.push({ name: 'nfs', nfs: { server: 'nfs.example', path: '/' } }); }],
    ['Privileged Containers', (copy) => { runner(copy).securityContext!.privileged = true; }],
    ['Privilege Escalation', (copy) => { delete runner(copy).securityContext!.allowPrivilegeEscalation; }],
    ['Running as Non-root', (copy) => { delete copy.spec.securityContext!.runAsNonRoot; delete runner(copy).securityContext!.runAsNonRoot; }],
    ['Running as Non-root user', (copy) => { runner(copy).securityContext!.runAsUser = 0; }],
    ['Seccomp', (copy) => { delete copy.spec.securityContext!.seccompProfile; delete runner(copy).securityContext!.seccompProfile; }],
    ['Seccomp', (copy) => { runner(copy).securityContext!.seccompProfile = { type: 'Unconfined' }; }],
    ['Capabilities', (copy) => { runner(copy).securityContext!.capabilities = { drop: ['NET_RAW'] }; }],
    ['Capabilities', (copy) => { runner(copy).securityContext!.capabilities = { drop: ['ALL'], add: ['SYS_ADMIN'] }; }],
    ['Host Ports', (copy) => { runner(copy).ports = [{ containerPort: 80, hostPort: 80 }]; }],
    ['SELinux', (copy) => { copy.spec.securityContext!.seLinuxOptions = { type: 'spc_t' }; }],
    ['/proc Mount Type', (copy) => { runner(copy).securityContext!.procMount = 'Unmasked'; }],
    ['Sysctls', (copy) => { copy.spec.securityContext!.sysctls = [{ name: 'kernel.msgmax', value: '1' }]; }],
    ['AppArmor', (copy) => { runner(copy).securityContext!.appArmorProfile = { type: 'Unconfined' }; }],
  ];
  for (const [control, change] of refusals) {
    const problems = mutated(change);
    assert.ok(problems.some((p) => p.startsWith(`${control}:`)), `${control} refuses (${problems.join('; ') || 'nothing found'})`);
  }
});

test('the Secret is valid, owned by its Job, and carries only the credentials given', () => {
  const manifest = secretManifest('fb-review-1', { name: 'fb-review-1', uid: '6f1a2b3c-0000-4000-8000-000000000001' }, job, { anthropicApiKey: SECRETS.anthropicApiKey });
  new Secret(manifest as unknown as ConstructorParameters<typeof Secret>[0]).validate();
  assert.deepEqual(manifest.metadata?.ownerReferences, [{ apiVersion: 'batch/v1', kind: 'Job', name: 'fb-review-1', uid: '6f1a2b3c-0000-4000-8000-000000000001', controller: true, blockOwnerDeletion: true }]);
  assert.deepEqual(Object.keys(manifest.data ?? {}), ['task.json', 'ANTHROPIC_API_KEY']);
  assert.deepEqual(JSON.parse(Buffer.from(manifest.data!['task.json']!, 'base64').toString()), job.task, 'the task as JSON');
  assert.equal(Buffer.from(manifest.data!.ANTHROPIC_API_KEY!, 'base64').toString(), SECRETS.anthropicApiKey);
  assert.equal(manifest.immutable, true);
});

test('config: SANDBOX=kubernetes needs RUNNER_IMAGE; defaults; bad quantities and namespaces are named', () => {
  assert.throws(() => loadConfig({ SANDBOX: 'kubernetes' }), (error: unknown) => error instanceof ConfigError && error.problems.some((p) => p.startsWith('RUNNER_IMAGE:')));
  const config = loadConfig({ SANDBOX: 'kubernetes', RUNNER_IMAGE: 'registry.example/forgebot-runner:1' });
  assert.deepEqual(
    [config.RUNNER_CPU_REQUEST, config.RUNNER_CPU_LIMIT, config.RUNNER_MEMORY_REQUEST, config.RUNNER_MEMORY_LIMIT, config.RUNNER_JOB_TTL_SECONDS, config.RUNNER_UNSCHEDULABLE_TIMEOUT_SECONDS],
    ['250m', '1', '512Mi', '1Gi', 600, 300],
  );
  assert.throws(() => loadConfig({ RUNNER_MEMORY_LIMIT: 'lots', KUBERNETES_NAMESPACE: 'Not_A_Namespace' }), (error: unknown) =>
    error instanceof ConfigError && error.problems.some((p) => p.startsWith('RUNNER_MEMORY_LIMIT:')) && error.problems.some((p) => p.startsWith('KUBERNETES_NAMESPACE:')));
  assert.equal(runnerNamespace('forgebot'), 'forgebot');
  assert.equal(runnerNamespace(undefined, '/nonexistent/namespace'), 'default');
});
