import { AuthorizationV1Api, Observable, type ObservableMiddleware } from '@kubernetes/client-node';
import type { Config } from '../../config.js';
import { loadKubeConfig, runnerNamespace } from '../../activities/sandbox/kubernetes/kube-config.js';
import { SANDBOX_PERMISSIONS } from '../../activities/sandbox/kubernetes/permissions.js';
import { fail, ok, skip, type Check } from './check.js';

/** `batch/jobs` → group batch, resource jobs; `core/pods/log` → the core group (''), pods, subresource log. */
function attributesOf(permission: string): { group: string; resource: string; subresource?: string } {
  const [group = '', resource = '', subresource] = permission.split('/');
  return { group: group === 'core' ? '' : group, resource, ...(subresource ? { subresource } : {}) };
}

/** Ends each API request when the check's signal aborts (its timeout). */
function abortWith(signal: AbortSignal): ObservableMiddleware {
  return {
    pre: (context) => {
      context.setSignal(signal);
      return new Observable(Promise.resolve(context));
    },
    post: (context) => new Observable(Promise.resolve(context)),
  };
}

/**
 * With SANDBOX=kubernetes: the agent-worker's identity may do every call the sandbox makes (SANDBOX_PERMISSIONS, the
 * chart's Role) in the runner namespace, asked with one SelfSubjectAccessReview per verb.
 */
export function kubernetesCheck(config: Pick<Config, 'SANDBOX' | 'KUBECONFIG' | 'KUBERNETES_NAMESPACE'>): Check {
  const namespace = runnerNamespace(config.KUBERNETES_NAMESPACE);
  return {
    name: 'Kubernetes',
    hint: 'check KUBECONFIG (in a cluster: the agent-worker\'s service account) and that the API server answers',
    async run(signal) {
      if (config.SANDBOX !== 'kubernetes') return skip(`SANDBOX=${config.SANDBOX}: agent jobs run as local processes`);
      const api = loadKubeConfig(config.KUBECONFIG).makeApiClient(AuthorizationV1Api);
      const options = { middleware: [abortWith(signal)], middlewareMergeStrategy: 'append' as const };
      const asked = Object.entries(SANDBOX_PERMISSIONS).flatMap(([permission, verbs]) => verbs.map((verb) => ({ permission, verb })));
      const answers = await Promise.all(
        asked.map(async ({ permission, verb }) => {
          const review = await api.createSelfSubjectAccessReview(
            { body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { namespace, verb, ...attributesOf(permission) } } } },
            options,
          );
          return { permission, verb, allowed: review.status?.allowed === true };
        }),
      );
      const denied = answers.filter((answer) => !answer.allowed).map((answer) => `${answer.permission} ${answer.verb}`);
      if (denied.length > 0) {
        return fail(`denied in namespace ${namespace}: ${denied.join(', ')}`, `bind the chart's Role (deploy/helm/forgebot/templates/rbac.yaml) to the agent-worker's identity in namespace ${namespace}`);
      }
      return ok(`all ${answers.length} permissions of the sandbox in namespace ${namespace} (jobs, pods, pods/log, secrets)`);
    },
  };
}
