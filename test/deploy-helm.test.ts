// The Helm chart rendered by Helm's own engine, every document checked against the Kubernetes schemas, and the
// behaviour that matters asserted: one agent poller, least-privilege RBAC bound only in the runner namespace, runner
// isolation (Pod Security "restricted", NetworkPolicy), no secret in output.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HelmRenderError, helmUnavailable, renderChart, type Rendered } from './helpers/helm-render.js';
import { validateManifest, type Manifest } from './helpers/kubernetes-schemas.js';
import { restrictedViolations, type PodLike } from './helpers/pod-security.js';
import { SANDBOX_PERMISSIONS } from '../src/activities/sandbox/kubernetes/permissions.js';

const unavailable = helmUnavailable();
if (unavailable && process.env.CI === 'true') throw new Error(`the chart cannot be rendered in CI: ${unavailable}`);
const skip = unavailable ? `skipped: ${unavailable}` : false;

/** The least a cluster needs: where the forge is (runner egress). */
const FORGE = { networkPolicy: { forge: [{ cidr: '203.0.113.10/32', ports: [443] }] } };
const RELEASE_NAMESPACE = 'forgebot';
const RUNNERS = 'forgebot-runners';
const AGENT_SA = 'forgebot-agent-worker';

function find(rendered: Rendered, kind: string, name: string): Manifest {
  const found = rendered.manifests.find((m) => m.kind === kind && m.metadata.name === name);
  assert.ok(found, `${kind} ${name} is rendered (have: ${rendered.manifests.map((m) => `${m.kind}/${m.metadata.name}`).join(', ')})`);
  return found;
}

interface Container { name: string; env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[]; securityContext?: Record<string, unknown>; livenessProbe?: { httpGet?: { path: string } }; readinessProbe?: { httpGet?: { path: string } }; args?: string[] }
interface PodSpec { containers: Container[]; securityContext?: Record<string, unknown>; automountServiceAccountToken?: boolean; serviceAccountName?: string }
interface DeploymentLike { spec: { replicas?: number; strategy?: { type: string }; template: { metadata?: { annotations?: Record<string, string> }; spec: PodSpec } } }

interface Rule { apiGroups: string[]; resources: string[]; verbs: string[] }
interface RoleLike { rules: Rule[] }
interface BindingLike { roleRef: { kind: string; name: string }; subjects: { kind: string; name: string; namespace?: string }[] }

const deployment = (rendered: Rendered, name: string) => find(rendered, 'Deployment', name) as unknown as Manifest & DeploymentLike;
/** Where a rendered object lands: its own namespace, else the release's (Helm installs it there). */
const namespaceOf = (manifest: Manifest) => manifest.metadata.namespace ?? RELEASE_NAMESPACE;
const agentEnv = (rendered: Rendered, name: string) => deployment(rendered, 'forgebot-agent-worker').spec.template.spec.containers[0]?.env?.find((e) => e.name === name)?.value;
/** `group/resource: verbs` of a Role's rules, sorted, as SANDBOX_PERMISSIONS spells them. */
const grantsOf = (role: RoleLike) => role.rules.flatMap((r) => r.resources.map((res) => `${r.apiGroups.join(',') || 'core'}/${res}: ${[...r.verbs].sort().join(',')}`)).sort();
const secretKeys = (container: Container) =>
  Object.fromEntries((container.env ?? []).filter((e) => e.valueFrom?.secretKeyRef).map((e) => [e.name, e.valueFrom?.secretKeyRef?.key]));

const SECRET_NAME = /TOKEN|SECRET|API_KEY|PASSWORD|PRIVATE_KEY/;

/** No credential in clear: no Secret object, no secret-named ConfigMap key, secret-named env only by reference. */
function assertNoSecretValues(rendered: Rendered): void {
  assert.equal(rendered.manifests.filter((m) => m.kind === 'Secret').length, 0, 'the chart never renders a Secret');
  for (const config of rendered.manifests.filter((m) => m.kind === 'ConfigMap')) {
    const keys = Object.keys((config as unknown as { data?: Record<string, string> }).data ?? {});
    assert.deepEqual(keys.filter((key) => SECRET_NAME.test(key)), [], `ConfigMap ${config.metadata.name}`);
  }
  for (const manifest of rendered.manifests.filter((m) => m.kind === 'Deployment')) {
    for (const env of (manifest as unknown as DeploymentLike).spec.template.spec.containers.flatMap((c) => c.env ?? [])) {
      if (SECRET_NAME.test(env.name)) assert.ok(env.valueFrom?.secretKeyRef && env.value === undefined, `${manifest.metadata.name}: ${env.name} by reference only`);
    }
  }
}

async function assertAllValid(rendered: Rendered): Promise<void> {
  assert.ok(rendered.manifests.length > 0);
  assertNoSecretValues(rendered);
  for (const manifest of rendered.manifests) await validateManifest(manifest);
  assert.deepEqual(rendered.lintProblems, [], 'helm lint --strict finds nothing at warning level');
}

describe('Helm chart', { skip }, () => {
  test('renders with the default values and every document matches its Kubernetes schema', async () => {
    const rendered = renderChart(FORGE);
    assert.match(rendered.helmVersion, /^v[34]\./);
    await assertAllValid(rendered);
    const kinds = rendered.manifests.map((m) => m.kind).sort();
    assert.deepEqual(kinds, ['ConfigMap', 'Deployment', 'Deployment', 'Deployment', 'Namespace', 'NetworkPolicy', 'PodDisruptionBudget', 'PodDisruptionBudget', 'Role', 'RoleBinding', 'Service', 'ServiceAccount']);
  });

  test('the agent-worker is one replica with the Recreate strategy, and the Kubernetes sandbox settings', () => {
    const agent = deployment(renderChart(FORGE), 'forgebot-agent-worker');
    assert.equal(agent.spec.replicas, 1);
    assert.equal(agent.spec.strategy?.type, 'Recreate');
    const env = agent.spec.template.spec.containers[0]?.env ?? [];
    const value = (name: string) => env.find((e) => e.name === name)?.value;
    assert.equal(value('SANDBOX'), 'kubernetes');
    assert.equal(value('RUNNER_IMAGE'), 'ghcr.io/example/forgebot-runner:0.1.0');
    for (const name of ['RUNNER_CPU_REQUEST', 'RUNNER_CPU_LIMIT', 'RUNNER_MEMORY_REQUEST', 'RUNNER_MEMORY_LIMIT', 'RUNNER_JOB_TTL_SECONDS', 'RUNNER_UNSCHEDULABLE_TIMEOUT_SECONDS']) {
      assert.ok(value(name), `${name} is set`);
    }
    assert.equal(value('KUBERNETES_NAMESPACE'), RUNNERS, 'runner Jobs go to the runner namespace');
    assert.equal(agent.spec.template.spec.serviceAccountName, 'forgebot-agent-worker');
  });

  test('a runner image digest wins over its tag', () => {
    const digest = `sha256:${'ab'.repeat(32)}`;
    const agent = deployment(renderChart({ ...FORGE, runnerImage: { repository: 'r.example/runner', digest } }), 'forgebot-agent-worker');
    const env = agent.spec.template.spec.containers[0]?.env ?? [];
    assert.equal(env.find((e) => e.name === 'RUNNER_IMAGE')?.value, `r.example/runner@${digest}`);
  });

  test('RBAC: the agent-worker\'s Role grants exactly what the Kubernetes sandbox uses, in the runner namespace only', () => {
    const rendered = renderChart(FORGE);
    const role = find(rendered, 'Role', AGENT_SA);
    const binding = find(rendered, 'RoleBinding', AGENT_SA) as Manifest & BindingLike;
    assert.equal(role.metadata.namespace, RUNNERS);
    assert.equal(binding.metadata.namespace, RUNNERS);
    assert.deepEqual(grantsOf(role as unknown as RoleLike), Object.entries(SANDBOX_PERMISSIONS).map(([resource, verbs]) => `${resource}: ${[...verbs].sort().join(',')}`).sort());
    assert.deepEqual(binding.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: AGENT_SA });
    assert.deepEqual(binding.subjects.map((s) => `${s.kind} ${s.namespace}/${s.name}`), [`ServiceAccount ${RELEASE_NAMESPACE}/${AGENT_SA}`]);
    assert.equal(namespaceOf(find(rendered, 'ServiceAccount', AGENT_SA)), RELEASE_NAMESPACE, 'the identity stays in the release namespace');
    assert.equal(rendered.manifests.filter((m) => m.kind === 'ClusterRole' || m.kind === 'ClusterRoleBinding').length, 0);
    for (const name of ['forgebot-server', 'forgebot-worker']) {
      assert.equal(deployment(rendered, name).spec.template.spec.automountServiceAccountToken, false, `${name} mounts no token`);
    }
  });

  test('RBAC: nothing in the release namespace gives the agent-worker (or anyone) jobs or secrets', () => {
    for (const values of [FORGE, { ...FORGE, runner: { namespace: 'ci-runners', createNamespace: false } }]) {
      const rendered = renderChart(values);
      const inRelease = rendered.manifests.filter((m) => namespaceOf(m) === RELEASE_NAMESPACE);
      const bindings = inRelease.filter((m) => m.kind === 'RoleBinding') as (Manifest & BindingLike)[];
      assert.deepEqual(bindings.filter((b) => b.subjects.some((s) => s.name === AGENT_SA)).map((b) => b.metadata.name), [], 'no binding of the agent-worker here');
      const roles = inRelease.filter((m) => m.kind === 'Role') as unknown as (Manifest & RoleLike)[];
      const risky = roles.flatMap((role) => role.rules.filter((r) => r.resources.some((res) => ['jobs', 'secrets', 'pods', '*'].includes(res))).map(() => role.metadata.name));
      assert.deepEqual(risky, [], 'no Role here touches jobs, pods or secrets');
      const everyBinding = rendered.manifests.filter((m) => m.kind === 'RoleBinding') as (Manifest & BindingLike)[];
      assert.ok(everyBinding.length > 0 && everyBinding.every((b) => namespaceOf(b) !== RELEASE_NAMESPACE), 'every RoleBinding is in the runner namespace');
    }
  });

  test('the runner namespace is created with Pod Security "restricted" enforced, audited and warned about', () => {
    const labels = (values: Record<string, unknown>) => find(renderChart(values), 'Namespace', RUNNERS).metadata.labels ?? {};
    const psa = (version: string) => Object.fromEntries(['enforce', 'audit', 'warn'].flatMap((mode) => [[`pod-security.kubernetes.io/${mode}`, 'restricted'], [`pod-security.kubernetes.io/${mode}-version`, version]]));
    const defaults = labels(FORGE);
    assert.deepEqual(Object.fromEntries(Object.entries(defaults).filter(([key]) => key.startsWith('pod-security.kubernetes.io/'))), psa('latest'));
    assert.equal(defaults['app.kubernetes.io/instance'], 'forgebot');
    const pinned = labels({ ...FORGE, runner: { podSecurityVersion: 'v1.34' } });
    assert.equal(pinned['pod-security.kubernetes.io/enforce-version'], 'v1.34');
    assert.throws(() => renderChart({ ...FORGE, runner: { podSecurityVersion: 'newest' } }), /podSecurityVersion/);
  });

  test('a pre-existing runner namespace: nothing created, everything of the runners put there; never the release namespace', async () => {
    const rendered = renderChart({ ...FORGE, runner: { namespace: 'ci-runners', createNamespace: false } });
    await assertAllValid(rendered);
    assert.equal(rendered.manifests.filter((m) => m.kind === 'Namespace').length, 0);
    for (const [kind, name] of [['Role', AGENT_SA], ['RoleBinding', AGENT_SA], ['NetworkPolicy', 'forgebot-runner']] as const) {
      assert.equal(find(rendered, kind, name).metadata.namespace, 'ci-runners', kind);
    }
    assert.equal(agentEnv(rendered, 'KUBERNETES_NAMESPACE'), 'ci-runners');
    const created = renderChart({ ...FORGE, runner: { namespace: 'ci-runners' } });
    assert.equal(find(created, 'Namespace', 'ci-runners').metadata.labels?.['pod-security.kubernetes.io/enforce'], 'restricted');
    assert.throws(() => renderChart({ ...FORGE, runner: { namespace: RELEASE_NAMESPACE } }), (error: unknown) => error instanceof HelmRenderError && /must not be the release namespace/.test(error.message));
    assert.throws(() => renderChart({ ...FORGE, runner: { namespace: 'Not_A_Namespace' } }), /runner\/namespace/);
    const other = renderChart(FORGE, 'team-a', 'team-a');
    assert.equal(find(other, 'Namespace', 'team-a-runners').kind, 'Namespace', 'the default follows the release name');
  });

  test('the NetworkPolicy selects every pod of the runner namespace, denies all ingress and allows egress only to DNS, the forge and the model API', () => {
    const policy = find(renderChart(FORGE), 'NetworkPolicy', 'forgebot-runner') as Manifest & {
      spec: { podSelector: Record<string, unknown>; policyTypes: string[]; ingress?: unknown[]; egress: { to: { ipBlock?: { cidr: string }; namespaceSelector?: unknown }[]; ports: { port: number; protocol: string }[] }[] };
    };
    assert.equal(policy.metadata.namespace, RUNNERS);
    assert.deepEqual(policy.spec.podSelector, {}, 'whatever labels a pod there has');
    assert.deepEqual([...policy.spec.policyTypes].sort(), ['Egress', 'Ingress']);
    assert.deepEqual(policy.spec.ingress ?? [], []);
    const [dns, ...others] = policy.spec.egress;
    assert.ok(dns?.to[0]?.namespaceSelector, 'DNS goes to the cluster DNS pods only');
    assert.deepEqual(dns?.ports.map((p) => `${p.protocol}/${p.port}`), ['UDP/53', 'TCP/53']);
    assert.deepEqual(others.map((rule) => `${rule.to[0]?.ipBlock?.cidr}:${rule.ports.map((p) => p.port).join(',')}`), ['203.0.113.10/32:443', '160.79.104.0/23:443', '153.61.224.0/22:443', '2607:6bc0::/48:443']);
  });

  test('without the forge address the NetworkPolicy refuses to render, naming the value', () => {
    assert.throws(() => renderChart({}), (error: unknown) => error instanceof HelmRenderError && /networkPolicy\.forge/.test(error.message));
  });

  test('every workload runs restricted: non-root 10001, read-only root, no capabilities, no escalation, seccomp', () => {
    const rendered = renderChart(FORGE);
    for (const manifest of rendered.manifests.filter((m) => m.kind === 'Deployment')) {
      const pod = (manifest as unknown as DeploymentLike).spec.template.spec;
      assert.deepEqual(pod.securityContext, { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } }, manifest.metadata.name);
      for (const container of pod.containers) {
        assert.deepEqual(container.securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } }, `${manifest.metadata.name}/${container.name}`);
      }
      assert.deepEqual(restrictedViolations({ spec: pod } as unknown as PodLike), [], `${manifest.metadata.name} would be admitted under "restricted"`);
    }
  });

  test('the server has liveness /healthz and readiness /readyz probes; each process runs its own command', () => {
    const rendered = renderChart(FORGE);
    const server = deployment(rendered, 'forgebot-server').spec.template.spec.containers[0];
    assert.equal(server?.livenessProbe?.httpGet?.path, '/healthz');
    assert.equal(server?.readinessProbe?.httpGet?.path, '/readyz');
    for (const command of ['server', 'worker', 'agent-worker']) {
      assert.deepEqual(deployment(rendered, `forgebot-${command}`).spec.template.spec.containers[0]?.args, [command]);
    }
    const pdbs = rendered.manifests.filter((m) => m.kind === 'PodDisruptionBudget').map((m) => m.metadata.name).sort();
    assert.deepEqual(pdbs, ['forgebot-server', 'forgebot-worker']);
  });

  test('server pods are annotated for Prometheus scraping of GET /metrics, unless turned off', () => {
    const annotations = (values: Record<string, unknown>) => deployment(renderChart(values), 'forgebot-server').spec.template.metadata?.annotations ?? {};
    const on = annotations(FORGE);
    assert.deepEqual([on['prometheus.io/scrape'], on['prometheus.io/port'], on['prometheus.io/path']], ['true', '3000', '/metrics']);
    assert.equal(annotations({ ...FORGE, server: { metrics: { scrapeAnnotations: false } } })['prometheus.io/scrape'], undefined);
  });

  test('each process reads only its own keys of the existing Secret', async () => {
    const rendered = renderChart({ ...FORGE, secrets: { existingSecret: 'team-forgebot', all: { GITHUB_APP_ID: 'github-app-id' } } });
    await assertAllValid(rendered);
    const keysOf = (name: string) => secretKeys(deployment(rendered, name).spec.template.spec.containers[0] ?? { name });
    assert.deepEqual(keysOf('forgebot-server'), { GITHUB_APP_ID: 'github-app-id', GITLAB_WEBHOOK_SECRET: 'gitlab-webhook-secret' });
    assert.deepEqual(keysOf('forgebot-worker'), { GITHUB_APP_ID: 'github-app-id', GITLAB_TOKEN: 'gitlab-token' });
    assert.deepEqual(keysOf('forgebot-agent-worker'), { ANTHROPIC_API_KEY: 'anthropic-api-key', GITHUB_APP_ID: 'github-app-id', GITLAB_CLONE_TOKEN: 'gitlab-clone-token' });
    for (const env of rendered.manifests.filter((m) => m.kind === 'Deployment').flatMap((m) => (m as unknown as DeploymentLike).spec.template.spec.containers.flatMap((c) => c.env ?? []))) {
      if (env.valueFrom?.secretKeyRef) assert.equal(env.valueFrom.secretKeyRef.name, 'team-forgebot');
    }
  });

  test('Temporal Cloud: address and namespace in the ConfigMap, the API key only as a Secret reference, extraEnv passed on', async () => {
    const apiKey = 'tc-api-key-should-never-appear-0123456789';
    const rendered = renderChart({
      ...FORGE,
      temporal: { address: 'fb.a1b2c.tmprl.cloud:7233', namespace: 'fb.a1b2c', apiKeySecretKey: 'temporal-api-key', tls: true },
      extraEnv: [{ name: 'GITHUB_APP_ID', value: '12345' }],
      worker: { extraEnv: [{ name: 'LOG_FORMAT', value: 'json' }] },
    });
    await assertAllValid(rendered);
    const config = find(rendered, 'ConfigMap', 'forgebot') as unknown as { data: Record<string, string> };
    assert.equal(config.data.TEMPORAL_ADDRESS, 'fb.a1b2c.tmprl.cloud:7233');
    assert.equal(config.data.TEMPORAL_TLS, 'true');
    assert.equal(config.data.TEMPORAL_API_KEY, undefined);
    for (const name of ['forgebot-server', 'forgebot-worker', 'forgebot-agent-worker']) {
      const container = deployment(rendered, name).spec.template.spec.containers[0] ?? { name };
      assert.equal(secretKeys(container).TEMPORAL_API_KEY, 'temporal-api-key', name);
      assert.equal(container.env?.find((e) => e.name === 'GITHUB_APP_ID')?.value, '12345', name);
    }
    assert.ok(deployment(rendered, 'forgebot-worker').spec.template.spec.containers[0]?.env?.some((e) => e.name === 'LOG_FORMAT'));
    assert.ok(!rendered.text.includes(apiKey));
  });

  test('the ingress exposes only /webhook/ of the server', async () => {
    const rendered = renderChart({ ...FORGE, ingress: { enabled: true, className: 'nginx', host: 'forgebot.example.com', tls: [{ secretName: 'forgebot-tls', hosts: ['forgebot.example.com'] }] } });
    await assertAllValid(rendered);
    const ingress = find(rendered, 'Ingress', 'forgebot-server') as unknown as { spec: { rules: { host: string; http: { paths: { path: string; pathType: string; backend: { service: { name: string } } }[] } }[] } };
    const paths = ingress.spec.rules.flatMap((rule) => rule.http.paths.map((p) => `${rule.host}${p.path} ${p.pathType} → ${p.backend.service.name}`));
    assert.deepEqual(paths, ['forgebot.example.com/webhook/ Prefix → forgebot-server']);
  });

  test('a SealedSecret carries only ciphertext and becomes the Secret the pods read', async () => {
    const rendered = renderChart({ ...FORGE, secrets: { sealedSecret: { enabled: true, encryptedData: { 'gitlab-token': 'AgBciphertext==' } } } });
    await assertAllValid(rendered);
    const sealed = find(rendered, 'SealedSecret', 'forgebot') as unknown as { spec: { encryptedData: Record<string, string> } };
    assert.deepEqual(sealed.spec.encryptedData, { 'gitlab-token': 'AgBciphertext==' });
    assert.throws(() => renderChart({ ...FORGE, secrets: { existingSecret: 'x', sealedSecret: { enabled: true, encryptedData: { a: 'b' } } } }), /exclude each other/);
  });

  test('values.schema.json rejects a mistyped or out-of-range value, naming it', () => {
    assert.throws(() => renderChart({ ...FORGE, agent: { concurrency: 0 } }), /agent\/concurrency/);
    assert.throws(() => renderChart({ ...FORGE, agentWorker: { replicas: 2 } }), /replicas/);
    assert.throws(() => renderChart({ ...FORGE, secrets: { server: { 'bad name': 'k' } } }), /bad name/);
  });

  test('a credential passed as a plain extraEnv value is refused', () => {
    const leak = 'glpat-should-never-render-0123456789';
    assert.throws(() => renderChart({ ...FORGE, worker: { extraEnv: [{ name: 'GITLAB_TOKEN', value: leak }] } }), /GITLAB_TOKEN holds a plain value/);
    assert.throws(() => renderChart({ ...FORGE, extraEnv: [{ name: 'GITHUB_WEBHOOK_SECRET', value: leak }] }), /GITHUB_WEBHOOK_SECRET/);
  });
});

test('the schema check itself rejects an invalid Deployment', async () => {
  const broken = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { replicas: 'one', selector: {}, template: {} } };
  await assert.rejects(validateManifest(broken), /Deployment x: .*replicas/);
  await assert.rejects(validateManifest({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }), /no schema/);
});
