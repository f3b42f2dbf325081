import { randomBytes } from 'node:crypto';
import type { FakeKubelet } from './kubelet.js';
import { ApiError, type KubeObject, type Resource } from './objects.js';
import type { ObjectStore } from './store.js';

export type PropagationPolicy = 'Foreground' | 'Background' | 'Orphan';

type Condition = { type: string; status: string; reason?: string; message?: string; lastTransitionTime: string; lastProbeTime: string };

/**
 * The Job controller (one pod per Job, conditions from its pod, activeDeadlineSeconds), the TTL-after-finished
 * controller and the garbage collector (ownerReferences; Foreground, Background and Orphan deletion).
 */
export class Controllers {
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Once stopped, nothing new is scheduled: a pod that ends during shutdown must not leave a TTL timer behind. */
  private stopped = false;

  constructor(
    private readonly store: ObjectStore,
    private readonly kubelet: () => FakeKubelet,
  ) {}

  private later(ms: number, work: () => void | Promise<void>): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void Promise.resolve(work()).catch(() => undefined);
    }, ms);
    this.timers.add(timer);
  }

  jobCreated(job: KubeObject): void {
    const { namespace, name, uid } = job.metadata;
    const template = (job.spec as { template: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec: Record<string, unknown> } }).template;
    const startTime = new Date().toISOString();
    this.store.update('jobs', namespace, name, (object) => (object.status = { active: 1, startTime, ready: 0, terminating: 0 }));
    const pod = this.store.create('pods', namespace, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${name.slice(0, 57)}-${randomBytes(3).toString('hex').slice(0, 5)}`,
        generateName: `${name}-`,
        namespace, uid: '', resourceVersion: '', creationTimestamp: '',
        labels: { ...template.metadata?.labels, 'job-name': name, 'controller-uid': uid, 'batch.kubernetes.io/job-name': name, 'batch.kubernetes.io/controller-uid': uid },
        ...(template.metadata?.annotations ? { annotations: template.metadata.annotations } : {}),
        ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name, uid, controller: true, blockOwnerDeletion: true }],
      },
      spec: { ...template.spec, nodeName: 'fake-node' },
      status: { phase: 'Pending', qosClass: 'Burstable' },
    });
    const deadline = (job.spec as { activeDeadlineSeconds?: number }).activeDeadlineSeconds;
    if (deadline) this.later(deadline * 1_000, () => this.deadlineExceeded(namespace, name, uid));
    void this.kubelet().start(pod);
  }

  private finished(job: KubeObject): boolean {
    return ((job.status?.conditions as Condition[] | undefined) ?? []).some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
  }

  private finish(namespace: string, name: string, uid: string, succeeded: boolean, reason: string, message: string): void {
    const now = new Date().toISOString();
    const job = this.store.update('jobs', namespace, name, (object) => {
      if (object.metadata.uid !== uid || this.finished(object)) return;
      const conditions: Condition[] = succeeded
        ? [{ type: 'SuccessCriteriaMet', status: 'True', reason, message, lastTransitionTime: now, lastProbeTime: now }, { type: 'Complete', status: 'True', reason, message, lastTransitionTime: now, lastProbeTime: now }]
        : [{ type: 'FailureTarget', status: 'True', reason, message, lastTransitionTime: now, lastProbeTime: now }, { type: 'Failed', status: 'True', reason, message, lastTransitionTime: now, lastProbeTime: now }];
      object.status = { ...object.status, active: 0, ready: 0, [succeeded ? 'succeeded' : 'failed']: 1, conditions, ...(succeeded ? { completionTime: now } : {}) };
    });
    const ttl = (job?.spec as { ttlSecondsAfterFinished?: number } | undefined)?.ttlSecondsAfterFinished;
    if (job && job.metadata.uid === uid && ttl !== undefined) {
      this.later(ttl * 1_000, () => {
        if (this.store.get('jobs', namespace, name)?.metadata.uid === uid) this.delete('jobs', namespace, name, 'Background');
      });
    }
  }

  /** The kubelet saw a pod end: its Job completes or fails (backoffLimit 0: no second pod). */
  podFinished(pod: KubeObject): void {
    const owner = pod.metadata.ownerReferences?.find((ref) => ref.kind === 'Job');
    if (!owner) return;
    const succeeded = (pod.status as { phase?: string }).phase === 'Succeeded';
    if (succeeded) this.finish(pod.metadata.namespace, owner.name, owner.uid, true, 'CompletionsReached', 'Reached expected number of succeeded pods');
    else this.finish(pod.metadata.namespace, owner.name, owner.uid, false, 'BackoffLimitExceeded', 'Job has reached the specified backoff limit');
  }

  private deadlineExceeded(namespace: string, name: string, uid: string): void {
    const job = this.store.get('jobs', namespace, name);
    if (!job || job.metadata.uid !== uid || this.finished(job)) return;
    this.finish(namespace, name, uid, false, 'DeadlineExceeded', 'Job was active longer than specified deadline');
    for (const { resource, object } of this.store.dependents(uid)) if (resource === 'pods') this.delete('pods', namespace, object.metadata.name, 'Background');
  }

  /** DELETE: a pod ends its container first; a Job (or anything owning objects) cascades as `policy` says. */
  delete(resource: Resource, namespace: string, name: string, policy: PropagationPolicy): KubeObject {
    const object = this.store.mustGet(resource, namespace, name);
    if (object.metadata.deletionTimestamp) return object;
    if (resource === 'pods') return this.deletePod(object);
    const dependents = this.store.dependents(object.metadata.uid);
    if (policy === 'Orphan') {
      for (const { resource: kind, object: dependent } of dependents) {
        this.store.update(kind, namespace, dependent.metadata.name, (o) => (o.metadata.ownerReferences = (o.metadata.ownerReferences ?? []).filter((ref) => ref.uid !== object.metadata.uid)));
      }
      return this.store.remove(resource, namespace, name) ?? object;
    }
    if (policy === 'Background') {
      const removed = this.store.remove(resource, namespace, name) ?? object;
      for (const { resource: kind, object: dependent } of dependents) this.later(50, () => void this.deleteQuietly(kind, namespace, dependent.metadata.name));
      return removed;
    }
    const marked = this.store.update(resource, namespace, name, (o) => {
      o.metadata.deletionTimestamp = new Date().toISOString();
      o.metadata.finalizers = [...(o.metadata.finalizers ?? []), 'foregroundDeletion'];
    })!;
    void Promise.all(dependents.map(({ resource: kind, object: dependent }) => this.deleteAndWait(kind, namespace, dependent.metadata.name))).then(() => {
      if (this.store.get(resource, namespace, name)?.metadata.uid === object.metadata.uid) this.store.remove(resource, namespace, name);
    });
    return marked;
  }

  private deleteQuietly(resource: Resource, namespace: string, name: string): void {
    try {
      this.delete(resource, namespace, name, 'Background');
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 404)) throw error;
    }
  }

  private async deleteAndWait(resource: Resource, namespace: string, name: string): Promise<void> {
    this.deleteQuietly(resource, namespace, name);
    while (this.store.get(resource, namespace, name)) await new Promise((resolve) => setTimeout(resolve, 50));
  }

  private deletePod(pod: KubeObject): KubeObject {
    const { namespace, name } = pod.metadata;
    const grace = ((pod.spec as { terminationGracePeriodSeconds?: number }).terminationGracePeriodSeconds ?? 30) * 1_000;
    const marked = this.store.update('pods', namespace, name, (o) => (o.metadata.deletionTimestamp = new Date().toISOString()))!;
    void this.kubelet().stop(namespace, name, 'deleted', grace).then(() => {
      this.kubelet().forget(namespace, name);
      this.store.remove('pods', namespace, name);
    });
    return marked;
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
