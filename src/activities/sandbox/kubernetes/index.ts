import type { Config } from '../../../config.js';
import type { Logger } from '../../../logger.js';
import type { Sandbox } from '../sandbox.js';
import { createRunnerJobsApi } from './api.js';
import { loadKubeConfig, runnerNamespace } from './kube-config.js';
import { createKubernetesSandbox } from './kubernetes-sandbox.js';

export { createKubernetesSandbox, type KubernetesSandboxOptions } from './kubernetes-sandbox.js';
export { createRunnerJobsApi, type RunnerJobsApi } from './api.js';
export { kubernetesJobName } from './names.js';

/** The Kubernetes sandbox as configured by SANDBOX=kubernetes and the RUNNER_* / KUBERNETES_* variables. */
export function createKubernetesSandboxFromConfig(config: Config, logger: Logger): Sandbox {
  if (!config.RUNNER_IMAGE) throw new Error('RUNNER_IMAGE is required when SANDBOX=kubernetes');
  const namespace = runnerNamespace(config.KUBERNETES_NAMESPACE);
  const api = createRunnerJobsApi(loadKubeConfig(config.KUBECONFIG), namespace, logger);
  return createKubernetesSandbox({
    api,
    logger,
    pod: {
      image: config.RUNNER_IMAGE,
      cpuRequest: config.RUNNER_CPU_REQUEST,
      cpuLimit: config.RUNNER_CPU_LIMIT,
      memoryRequest: config.RUNNER_MEMORY_REQUEST,
      memoryLimit: config.RUNNER_MEMORY_LIMIT,
      ttlSecondsAfterFinished: config.RUNNER_JOB_TTL_SECONDS,
    },
    unschedulableTimeoutMs: config.RUNNER_UNSCHEDULABLE_TIMEOUT_SECONDS * 1_000,
  });
}
