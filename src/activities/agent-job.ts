import { createHash } from 'node:crypto';
import type { AgentTask } from '../domain/agent-task.js';

/**
 * A job name unique per workflow run + activity: stable across retries of the activity (so a retry adopts its job),
 * new for every run (continue-as-new, a reopened change), so a new run never reads an old run's job.
 */
export function agentJobName(workflowId: string, runId: string, activityId: string): string {
  return `${workflowId}-${runId}-${activityId}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
}

/** sha256 of the task as it is sent: a job whose annotation differs was made for another task. */
export function taskHash(task: AgentTask): string {
  return createHash('sha256').update(JSON.stringify(task)).digest('hex');
}
