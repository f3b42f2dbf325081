import { readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';

const NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

/** The cluster the agent-worker talks to: the file KUBECONFIG names, else the pod's service account (in-cluster). */
export function loadKubeConfig(kubeconfigPath: string | undefined): KubeConfig {
  const config = new KubeConfig();
  if (kubeconfigPath) config.loadFromFile(kubeconfigPath);
  else config.loadFromCluster();
  if (!config.getCurrentCluster()) throw new Error('no Kubernetes cluster configured: set KUBECONFIG, or run in a cluster');
  return config;
}

/** The namespace runner Jobs go to: the one configured, else the agent-worker's own (in-cluster), else `default`. */
export function runnerNamespace(configured: string | undefined, namespaceFile = NAMESPACE_FILE): string {
  if (configured) return configured;
  try {
    return readFileSync(namespaceFile, 'utf8').trim() || 'default';
  } catch {
    return 'default';
  }
}
