import { createHash } from 'node:crypto';

const MAX_NAME = 63;
const HASH_CHARS = 10;

/**
 * The Job (and Secret) name of an agent run: a DNS-1123 label of at most 63 characters, a readable prefix of the
 * run's name and a hash of the whole name, so two runs whose names differ only where they were cut never collide.
 */
export function kubernetesJobName(agentJobName: string): string {
  const hash = createHash('sha256').update(agentJobName).digest('hex').slice(0, HASH_CHARS);
  const readable = agentJobName
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .slice(0, MAX_NAME - HASH_CHARS - 4)
    .replace(/^-+|-+$/g, '');
  return `fb-${readable ? `${readable}-` : ''}${hash}`;
}

/** Any text as a label value: at most 63 of [A-Za-z0-9._-], beginning and ending alphanumeric (empty if none). */
export function labelValue(text: string): string {
  return text
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}

/** The labels the deploy chart's NetworkPolicy selects runner pods by. Keep both. */
export const RUNNER_SELECTOR_LABELS = { 'app.kubernetes.io/name': 'forgebot', 'app.kubernetes.io/component': 'runner' } as const;

export const LABEL_WORKFLOW = 'forgebot.dev/workflow';
export const LABEL_REPOSITORY = 'forgebot.dev/repository';
export const LABEL_AGENT_JOB = 'forgebot.dev/agent-job';
/** sha256 of the Job's task: a retry adopts a Job only when its task is the same. */
export const ANNOTATION_TASK_HASH = 'forgebot.dev/task-hash';
/** Set by the Job controller on the pods of a Job (Kubernetes ≥ 1.27; older ones set `controller-uid`). */
export const LABEL_CONTROLLER_UID = 'batch.kubernetes.io/controller-uid';
