import type { AgentOutput, AgentTask, OutputOf } from '../../domain/agent-task.js';

/**
 * One agent run: its deterministic name (workflow id + run id + activity id: a retry of the activity has the same
 * name, a new run never does), its task and that task's hash (checked before a job is adopted), and its time limit.
 */
export interface AgentJob<Task extends AgentTask = AgentTask> {
  name: string;
  task: Task;
  /** sha256 of the task's JSON: a job made for another task is never adopted. */
  taskHash: string;
  timeoutMs: number;
  /** The workflow that asked for it (labels and annotations of a Kubernetes Job). */
  workflowId?: string;
}

/** Credentials handed to the runner. Never a token that can write to a forge. */
export interface RunnerSecrets {
  anthropicApiKey?: string;
  anthropicBaseUrl?: string;
  /** Read-only clone credential, if the repository is private. */
  cloneToken?: string;
}

export interface SandboxRunOptions {
  /** Aborted when the activity is cancelled: the job must be stopped before `run` settles. */
  signal: AbortSignal;
  /** Called now and then while the job runs (the activity heartbeats with it). */
  onProgress?: (note: string) => void;
  /**
   * Asked when `signal` aborts: true when the job should be left running for a retry of the activity to adopt
   * (the worker is shutting down), rather than stopped. Backends that cannot adopt a job ignore it.
   */
  leaveRunning?: () => boolean;
}

export type SandboxErrorCode =
  | 'ERR_SANDBOX_TIMEOUT'
  | 'ERR_SANDBOX_CANCELLED'
  | 'ERR_RUNNER_FAILED' // the runner exited non-zero; message carries its error
  | 'ERR_RUNNER_OUTPUT' // no valid framed result
  | 'ERR_SANDBOX_IMAGE_PULL' // the runner image cannot be pulled (ErrImagePull, ImagePullBackOff)
  | 'ERR_SANDBOX_OOM_KILLED' // the runner went over its memory limit
  | 'ERR_SANDBOX_DEADLINE_EXCEEDED' // the Job's activeDeadlineSeconds passed
  | 'ERR_SANDBOX_EVICTED' // the node evicted the pod (pressure, drain)
  | 'ERR_SANDBOX_UNSCHEDULABLE' // no node could take the pod in time
  | 'ERR_SANDBOX_API'; // the cluster API kept failing

export class SandboxError extends Error {
  constructor(
    readonly code: SandboxErrorCode,
    message: string,
    /** The runner's own error code, when the runner reported one. */
    readonly runnerCode?: string,
  ) {
    super(message);
    this.name = 'SandboxError';
  }
}

/** Runs the agent runner somewhere isolated: a local process (development) or a Kubernetes Job. */
export interface Sandbox {
  /** The job's output, of the job's own role (a runner answering for another role is ERR_RUNNER_OUTPUT). */
  run<Task extends AgentTask>(job: AgentJob<Task>, secrets: RunnerSecrets, options: SandboxRunOptions): Promise<OutputOf<Task['role']>>;
}

/** The runner's output when it is of the job's role; anything else is a broken runner. */
export function outputForJob<Task extends AgentTask>(job: AgentJob<Task>, output: AgentOutput): OutputOf<Task['role']> {
  if (output.role !== job.task.role) throw new SandboxError('ERR_RUNNER_OUTPUT', `job ${job.name} asked for a ${job.task.role} and the runner answered as ${output.role}`);
  return output as OutputOf<Task['role']>;
}
