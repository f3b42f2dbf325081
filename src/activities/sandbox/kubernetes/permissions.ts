/**
 * Every Kubernetes API permission the sandbox uses, all in one namespace. The agent-worker's Role in deploy/helm grants
 * exactly these (a test renders the chart and compares), and the sandbox's tests check that each request it made is
 * covered. Secrets are only created: they are garbage-collected with the Job that owns them.
 */
export const SANDBOX_PERMISSIONS: Readonly<Record<string, readonly string[]>> = {
  'batch/jobs': ['create', 'delete', 'get'],
  'core/pods': ['list', 'watch'],
  'core/pods/log': ['get'],
  'core/secrets': ['create'],
};
