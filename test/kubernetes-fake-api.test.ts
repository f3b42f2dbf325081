// The fake Kubernetes API answers as the real one does for the calls forgebot makes, through @kubernetes/client-node.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiException, BatchV1Api, CoreV1Api, KubeConfig, Watch, type V1Job } from '@kubernetes/client-node';
import { eventually } from './helpers/forgebot-stack.js';
import { startKubernetes, stubImage, type KubeWorld } from './helpers/kubernetes.js';

const jobBody = (name: string, image = 'stub/forever'): V1Job => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name, labels: { app: 'fake-test' } },
  spec: { backoffLimit: 0, template: { spec: { restartPolicy: 'Never', terminationGracePeriodSeconds: 1, containers: [{ name: 'runner', image }] } } },
});

async function failure(promise: Promise<unknown>): Promise<{ code: number; body: { kind: string; reason: string; code: number } }> {
  const error = await promise.then(() => assert.fail('expected an API error'), (e: unknown) => e);
  assert.ok(error instanceof ApiException, String(error));
  const body = typeof error.body === 'string' ? (JSON.parse(error.body) as unknown) : error.body;
  return { code: error.code, body: body as { kind: string; reason: string; code: number } };
}

describe('fake Kubernetes API', () => {
  let world: KubeWorld;
  let batch: BatchV1Api;
  let core: CoreV1Api;
  let config: KubeConfig;

  before(async () => {
    world = await startKubernetes({ eventWindow: 2, images: { 'stub/forever': stubImage({ ms: 600_000 }) } });
    config = new KubeConfig();
    config.loadFromFile(world.kubeconfigPath);
    batch = config.makeApiClient(BatchV1Api);
    core = config.makeApiClient(CoreV1Api);
  });
  after(async () => world?.stop());

  test('errors are metav1.Status objects: 404 NotFound, 409 AlreadyExists, 422 Invalid, 401 without the token', async () => {
    const missing = await failure(batch.readNamespacedJob({ name: 'nope', namespace: 'default' }));
    assert.deepEqual([missing.code, missing.body.kind, missing.body.reason], [404, 'Status', 'NotFound']);
    await batch.createNamespacedJob({ namespace: 'default', body: jobBody('twice') });
    const again = await failure(batch.createNamespacedJob({ namespace: 'default', body: jobBody('twice') }));
    assert.deepEqual([again.code, again.body.reason], [409, 'AlreadyExists']);
    const invalid = await failure(batch.createNamespacedJob({ namespace: 'default', body: jobBody('Not_Valid') }));
    assert.deepEqual([invalid.code, invalid.body.reason], [422, 'Invalid']);
    const anonymous = new KubeConfig();
    anonymous.loadFromString(world.fake.kubeconfig().replace(/token: .*/, 'token: wrong'));
    const refused = await failure(anonymous.makeApiClient(BatchV1Api).readNamespacedJob({ name: 'twice', namespace: 'default' }));
    assert.equal(refused.code, 401);
    await batch.deleteNamespacedJob({ name: 'twice', namespace: 'default', propagationPolicy: 'Background' });
  });

  test('the Job controller labels its pod as the real one; foreground deletion keeps the Job (finalizer) until the pod is gone', async () => {
    const job = await batch.createNamespacedJob({ namespace: 'default', body: jobBody('fg') });
    const pods = await eventually(async () => {
      const list = await core.listNamespacedPod({ namespace: 'default', labelSelector: `controller-uid=${job.metadata!.uid!}` });
      return list.items.some((p) => p.status?.phase === 'Running') ? list.items : undefined;
    }, 'the pod running');
    assert.equal(pods[0]!.metadata!.labels!['job-name'], 'fg');
    assert.equal(pods[0]!.metadata!.labels!['batch.kubernetes.io/controller-uid'], job.metadata!.uid);
    assert.equal(pods[0]!.metadata!.ownerReferences![0]!.uid, job.metadata!.uid);
    await batch.deleteNamespacedJob({ name: 'fg', namespace: 'default', propagationPolicy: 'Foreground' });
    const deleting = await batch.readNamespacedJob({ name: 'fg', namespace: 'default' });
    assert.ok(deleting.metadata?.deletionTimestamp);
    assert.deepEqual(deleting.metadata?.finalizers, ['foregroundDeletion']);
    await eventually(() => batch.readNamespacedJob({ name: 'fg', namespace: 'default' }).then(() => undefined, (e: unknown) => (e instanceof ApiException && e.code === 404) || undefined), 'the Job gone');
    assert.equal(world.fake.podsOf('fg').length, 0, 'its pod went first');
  });

  test('owned Secrets go with their Job (Background); Orphan (the API default for Jobs) leaves them', async () => {
    for (const [name, policy] of [['bg', 'Background'], ['orphan', undefined]] as const) {
      const job = await batch.createNamespacedJob({ namespace: 'default', body: jobBody(name) });
      const owner = [{ apiVersion: 'batch/v1', kind: 'Job', name, uid: job.metadata!.uid!, controller: true, blockOwnerDeletion: true }];
      await core.createNamespacedSecret({ namespace: 'default', body: { metadata: { name, ownerReferences: owner }, data: { K: 'dg==' } } });
      await batch.deleteNamespacedJob({ name, namespace: 'default', ...(policy ? { propagationPolicy: policy } : {}) });
    }
    await eventually(() => !world.fake.list('secrets').some((s) => s.metadata.name === 'bg') || undefined, 'the owned Secret collected');
    const orphan = await core.readNamespacedSecret({ name: 'orphan', namespace: 'default' });
    assert.deepEqual(orphan.metadata?.ownerReferences ?? [], [], 'orphaned: its owner reference removed');
    await eventually(() => world.fake.podsOf('bg').length === 0 || undefined, 'the Job’s pod collected');
    await core.deleteCollectionNamespacedPod({ namespace: 'default', labelSelector: 'job-name=orphan' }).catch(() => undefined);
  });

  test('a watch from a resourceVersion older than the kept events gets a 410 Expired ERROR event', async () => {
    const old = (await core.listNamespacedSecret({ namespace: 'default' })).metadata!.resourceVersion!;
    for (let i = 0; i < 4; i++) await core.createNamespacedSecret({ namespace: 'default', body: { metadata: { name: `w-${i}` }, data: {} } });
    const events: { type: string; object: { code?: number; reason?: string } }[] = [];
    await new Promise<void>((resolve) => {
      void new Watch(config).watch('/api/v1/namespaces/default/secrets', { resourceVersion: old }, (type, object) => events.push({ type, object: object as { code?: number } }), () => resolve());
    });
    assert.deepEqual(events.map((e) => [e.type, e.object.code, e.object.reason]), [['ERROR', 410, 'Expired']]);
  });
});
