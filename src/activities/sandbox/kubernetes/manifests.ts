import type { V1EnvVar, V1Job, V1Secret } from '@kubernetes/client-node';
import { taskRepositoryPath } from '../../../domain/agent-task.js';
import type { AgentJob, RunnerSecrets } from '../sandbox.js';
import { ANNOTATION_TASK_HASH, LABEL_AGENT_JOB, LABEL_REPOSITORY, LABEL_WORKFLOW, labelValue, RUNNER_SELECTOR_LABELS } from './names.js';

export interface RunnerPodSettings {
  image: string;
  cpuRequest: string;
  cpuLimit: string;
  memoryRequest: string;
  memoryLimit: string;
  ttlSecondsAfterFinished: number;
}

export const RUNNER_CONTAINER = 'runner';
/** The runner image's non-root user (the runner Dockerfile creates it with this UID/GID). */
export const RUNNER_UID = 10001;

/** Secret keys → the runner's environment variables. Only the ones present are put in the Secret. */
const SECRET_ENV = [
  ['anthropicApiKey', 'ANTHROPIC_API_KEY'],
  ['anthropicBaseUrl', 'ANTHROPIC_BASE_URL'],
  ['cloneToken', 'FORGEBOT_CLONE_TOKEN'],
] as const;

function labelsOf(job: AgentJob): Record<string, string> {
  const labels: Record<string, string> = { ...RUNNER_SELECTOR_LABELS, [LABEL_AGENT_JOB]: labelValue(job.name) };
  const workflow = labelValue(job.workflowId ?? '');
  const repository = labelValue(taskRepositoryPath(job.task));
  if (workflow) labels[LABEL_WORKFLOW] = workflow;
  if (repository) labels[LABEL_REPOSITORY] = repository;
  return labels;
}

/** Where the task file is mounted (from the Secret: a task can outgrow the 128 KiB an environment string may hold). */
const TASK_DIR = '/etc/forgebot';
const TASK_KEY = 'task.json';

/** The runner's environment: every credential by reference to the Secret, the task as a file from it. */
function runnerEnv(name: string, secrets: RunnerSecrets): V1EnvVar[] {
  const fromSecret = SECRET_ENV.filter(([field]) => secrets[field]).map(([, key]) => ({
    name: key,
    valueFrom: { secretKeyRef: { name, key, optional: false } },
  }));
  return [
    { name: 'FORGEBOT_TASK_FILE', value: `${TASK_DIR}/${TASK_KEY}` },
    { name: 'HOME', value: '/workspace' },
    { name: 'TMPDIR', value: '/tmp' },
    { name: 'LANG', value: 'C.UTF-8' },
    ...fromSecret,
  ];
}

/** The hardened Job of one agent run (Pod Security "restricted"; no credential in it). */
export function jobManifest(name: string, job: AgentJob, secrets: RunnerSecrets, pod: RunnerPodSettings): V1Job {
  const labels = labelsOf(job);
  const annotations = { 'forgebot.dev/agent-job-name': job.name, [ANNOTATION_TASK_HASH]: job.taskHash, ...(job.workflowId ? { 'forgebot.dev/workflow-id': job.workflowId } : {}) };
  const restricted = { type: 'RuntimeDefault' };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, labels, annotations },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: Math.max(1, Math.ceil(job.timeoutMs / 1_000)),
      ttlSecondsAfterFinished: pod.ttlSecondsAfterFinished,
      template: {
        metadata: { labels, annotations },
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          terminationGracePeriodSeconds: 10,
          securityContext: { runAsNonRoot: true, runAsUser: RUNNER_UID, runAsGroup: RUNNER_UID, fsGroup: RUNNER_UID, seccompProfile: restricted },
          containers: [
            {
              name: RUNNER_CONTAINER,
              image: pod.image,
              imagePullPolicy: 'IfNotPresent',
              workingDir: '/workspace',
              env: runnerEnv(name, secrets),
              resources: {
                requests: { cpu: pod.cpuRequest, memory: pod.memoryRequest },
                limits: { cpu: pod.cpuLimit, memory: pod.memoryLimit },
              },
              securityContext: {
                runAsNonRoot: true,
                runAsUser: RUNNER_UID,
                runAsGroup: RUNNER_UID,
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                privileged: false,
                capabilities: { drop: ['ALL'] },
                seccompProfile: restricted,
              },
              volumeMounts: [
                { name: 'workspace', mountPath: '/workspace' },
                { name: 'tmp', mountPath: '/tmp' },
                { name: 'task', mountPath: TASK_DIR, readOnly: true },
              ],
            },
          ],
          volumes: [
            { name: 'workspace', emptyDir: { sizeLimit: '2Gi' } },
            { name: 'tmp', emptyDir: { sizeLimit: '512Mi' } },
            { name: 'task', secret: { secretName: name, items: [{ key: TASK_KEY, path: TASK_KEY }], defaultMode: 0o440 } },
          ],
        },
      },
    },
  };
}

/** The run's task and credentials, owned by its Job: the garbage collector deletes it with the Job. */
export function secretManifest(name: string, owner: { name: string; uid: string }, job: AgentJob, secrets: RunnerSecrets): V1Secret {
  const data: Record<string, string> = { [TASK_KEY]: Buffer.from(JSON.stringify(job.task)).toString('base64') };
  for (const [field, key] of SECRET_ENV) {
    const value = secrets[field];
    if (value) data[key] = Buffer.from(value).toString('base64');
  }
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    immutable: true,
    metadata: {
      name,
      labels: labelsOf(job),
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: owner.name, uid: owner.uid, controller: true, blockOwnerDeletion: true }],
    },
    data,
  };
}
