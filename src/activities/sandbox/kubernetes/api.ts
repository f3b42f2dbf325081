import { BatchV1Api, CoreV1Api, type KubeConfig, type V1Job, type V1PodList, type V1Secret } from '@kubernetes/client-node';
import type { Logger } from '../../../logger.js';
import { statusOf, withApiRetry } from './api-retry.js';

/**
 * The few calls the Kubernetes sandbox makes, in one namespace, each retried on transient errors. The RBAC they need:
 * jobs get/create/delete, pods list/watch, pods/log get, secrets create.
 */
export interface RunnerJobsApi {
  namespace: string;
  config: KubeConfig;
  /** undefined when there is no such Job. */
  readJob(name: string): Promise<V1Job | undefined>;
  /** undefined when a Job of that name already exists. */
  createJob(job: V1Job): Promise<V1Job | undefined>;
  deleteJob(name: string, propagationPolicy: 'Foreground' | 'Background'): Promise<void>;
  /** false when a Secret of that name already exists. */
  createSecret(secret: V1Secret): Promise<boolean>;
  listPods(labelSelector: string): Promise<V1PodList>;
  /** The last lines of the container's log (stdout and stderr). */
  podLogTail(name: string, container: string, lines: number): Promise<string>;
}

async function unlessStatus<T>(status: number, call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (statusOf(error) === status) return undefined;
    throw error;
  }
}

export function createRunnerJobsApi(config: KubeConfig, namespace: string, logger: Logger): RunnerJobsApi {
  const batch = config.makeApiClient(BatchV1Api);
  const core = config.makeApiClient(CoreV1Api);
  const retried = <T>(what: string, call: () => Promise<T>) =>
    withApiRetry(call, (error, attempt) => logger.warn({ err: error, attempt, call: what }, 'Kubernetes API call failed; retrying'));
  return {
    namespace,
    config,
    readJob: (name) => retried('read job', () => unlessStatus(404, () => batch.readNamespacedJob({ name, namespace }))),
    createJob: (body) => retried('create job', () => unlessStatus(409, () => batch.createNamespacedJob({ namespace, body }))),
    async deleteJob(name, propagationPolicy) {
      await retried('delete job', () => unlessStatus(404, () => batch.deleteNamespacedJob({ name, namespace, propagationPolicy })));
    },
    async createSecret(body) {
      const created = await retried('create secret', () => unlessStatus(409, () => core.createNamespacedSecret({ namespace, body })));
      return created !== undefined;
    },
    listPods: (labelSelector) => retried('list pods', () => core.listNamespacedPod({ namespace, labelSelector })),
    podLogTail: (name, container, tailLines) => retried('read pod log', () => core.readNamespacedPodLog({ name, namespace, container, tailLines })),
  };
}
