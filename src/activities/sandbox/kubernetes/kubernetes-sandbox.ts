import type { V1Job } from '@kubernetes/client-node';
import { AgentTask } from '../../../domain/agent-task.js';
import type { Logger } from '../../../logger.js';
import { outputForJob, SandboxError, type AgentJob, type RunnerSecrets, type Sandbox, type SandboxRunOptions } from '../sandbox.js';
import type { RunnerJobsApi } from './api.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { followJob } from './follow-job.js';
import { jobManifest, secretManifest, type RunnerPodSettings } from './manifests.js';
import { ANNOTATION_TASK_HASH, kubernetesJobName } from './names.js';

export interface KubernetesSandboxOptions {
  api: RunnerJobsApi;
  logger: Logger;
  pod: RunnerPodSettings;
  /** How long a pod may stay unschedulable before the run fails (RUNNER_UNSCHEDULABLE_TIMEOUT_SECONDS). */
  unschedulableTimeoutMs: number;
  /** How often the Job is re-read and progress reported, besides watch events. */
  checkEveryMs?: number;
  /** How long a pod watch may hear nothing before it is resumed (default: client-node's 30 s). */
  watchIdleTimeoutMs?: number;
  /** Bound on waiting for a deleted Job's pods to be gone. */
  deleteWaitMs?: number;
}

/**
 * Runs each agent job as a hardened Kubernetes Job named after the run, so a retried activity adopts the Job its
 * earlier attempt started (or reads the result of one that already succeeded) instead of starting a second one.
 */
export function createKubernetesSandbox(options: KubernetesSandboxOptions): Sandbox {
  const { api } = options;
  const deleteWaitMs = options.deleteWaitMs ?? 60_000;

  /** Waits until no Job `name` (with that uid, if given) exists: a foreground deletion ends when its pods are gone. */
  async function waitGone(name: string, uid: string | undefined): Promise<boolean> {
    const deadline = Date.now() + deleteWaitMs;
    while (Date.now() < deadline) {
      const job = await api.readJob(name);
      if (!job || (uid && job.metadata?.uid !== uid)) return true;
      await sleep(250);
    }
    return false;
  }

  async function ensureSecret(name: string, owner: V1Job, job: AgentJob, secrets: RunnerSecrets): Promise<void> {
    const uid = owner.metadata?.uid;
    if (!uid) throw new SandboxError('ERR_SANDBOX_API', `job ${name} has no uid`);
    if (await api.createSecret(secretManifest(name, { name, uid }, job, secrets))) options.logger.debug({ job: name }, 'runner secret created');
  }

  /** The Job of this run: the one already there (adopted), or a new one with its Secret. */
  async function startOrAdopt(name: string, job: AgentJob, secrets: RunnerSecrets, log: Logger): Promise<V1Job> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const existing = await api.readJob(name);
      if (existing?.metadata?.deletionTimestamp) {
        log.info('a job of this name is being deleted; waiting for it to go');
        await waitGone(name, existing.metadata.uid);
        continue;
      }
      if (existing && existing.metadata?.annotations?.[ANNOTATION_TASK_HASH] !== job.taskHash) {
        // Same name, another task (never expected: names carry the run id): never adopt it, replace it.
        log.warn({ uid: existing.metadata?.uid }, 'a job of this name was made for another task; deleting it');
        await stop(name, existing.metadata?.uid, log);
        continue;
      }
      if (existing) {
        log.info({ uid: existing.metadata?.uid }, 'adopting the job an earlier attempt started');
        return existing;
      }
      // Job first, then its Secret owned by it: the pod waits for the Secret, and the Secret dies with the Job.
      const created = await api.createJob(jobManifest(name, job, secrets, options.pod));
      if (!created) continue; // another attempt created it a moment ago: adopt it
      await ensureSecret(name, created, job, secrets);
      log.info({ uid: created.metadata?.uid }, 'runner job created');
      return created;
    }
    throw new SandboxError('ERR_SANDBOX_API', `job ${name} could not be created or adopted`);
  }

  async function stop(name: string, uid: string | undefined, log: Logger): Promise<void> {
    await api.deleteJob(name, 'Foreground');
    if (await waitGone(name, uid)) log.info('job deleted and its pod is gone');
    else log.warn({ waitedMs: deleteWaitMs }, 'job deletion did not finish in time');
  }

  return {
    async run<Task extends AgentTask>(job: AgentJob<Task>, secrets: RunnerSecrets, run: SandboxRunOptions) {
      if (run.signal.aborted) throw new SandboxError('ERR_SANDBOX_CANCELLED', `job ${job.name} was cancelled before it started`);
      const task = AgentTask.safeParse(job.task);
      if (!task.success) throw new SandboxError('ERR_RUNNER_FAILED', `job ${job.name} has an invalid task: ${task.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, 'ERR_RUNNER_INPUT');
      const name = kubernetesJobName(job.name);
      const log = options.logger.child({ job: name, namespace: api.namespace });
      const checked = { ...job, task: task.data };
      try {
        const started = await startOrAdopt(name, checked, secrets, log);
        const outcome = await followJob({
          api, log, name, job: started, signal: run.signal,
          unschedulableTimeoutMs: options.unschedulableTimeoutMs,
          checkEveryMs: options.checkEveryMs ?? 5_000,
          ...(options.watchIdleTimeoutMs !== undefined ? { watchIdleTimeoutMs: options.watchIdleTimeoutMs } : {}),
          onProgress: run.onProgress ?? (() => undefined),
          ensureSecret: () => ensureSecret(name, started, checked, secrets),
        });
        if (outcome.kind === 'result') return outputForJob(job, outcome.result);
        if (outcome.kind === 'aborted') {
          if (run.leaveRunning?.()) {
            log.info('worker shutting down: the job is left running for the next attempt to adopt');
            throw new SandboxError('ERR_SANDBOX_CANCELLED', `job ${name} was left running: the worker is shutting down`);
          }
          await stop(name, started.metadata?.uid, log);
          throw new SandboxError('ERR_SANDBOX_CANCELLED', `job ${name} was cancelled and deleted`);
        }
        // Failed for good: remove it now so the next attempt (if any) starts afresh; its Secret goes with it.
        log.warn({ code: outcome.error.code, reason: outcome.error.message }, 'runner job failed');
        await api.deleteJob(name, 'Background').catch((error: unknown) => log.warn({ err: error }, 'failed job not deleted; its TTL will'));
        throw outcome.error;
      } catch (error) {
        if (error instanceof SandboxError) throw error;
        throw new SandboxError('ERR_SANDBOX_API', `the Kubernetes API failed for job ${name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
  };
}
