import type { V1Job, V1Pod } from '@kubernetes/client-node';
import type { AgentOutput } from '../../../domain/agent-task.js';
import type { Logger } from '../../../logger.js';
import { SandboxError } from '../sandbox.js';
import type { RunnerJobsApi } from './api.js';
import { LABEL_CONTROLLER_UID } from './names.js';
import { jobVerdict, podVerdict, type Verdict } from './pod-verdict.js';
import { watchPods } from './pod-watch.js';
import { readPodOutcome } from './read-result.js';

export type JobOutcome = { kind: 'result'; result: AgentOutput } | { kind: 'failed'; error: SandboxError } | { kind: 'aborted' };

export interface FollowJobOptions {
  api: RunnerJobsApi;
  log: Logger;
  name: string;
  job: V1Job;
  signal: AbortSignal;
  unschedulableTimeoutMs: number;
  checkEveryMs: number;
  /** A pod watch silent this long is resumed (client-node's default: 30 s). */
  watchIdleTimeoutMs?: number;
  onProgress: (note: string) => void;
  ensureSecret: () => Promise<void>;
}

/** When a pod was first seen unschedulable (its condition's transition time, else now). */
function unschedulableSince(pod: V1Pod, seen: Map<string, number>): number {
  const name = pod.metadata?.name ?? '';
  const condition = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  if (!condition) {
    seen.delete(name);
    return Date.now();
  }
  const since = seen.get(name) ?? (condition.lastTransitionTime ? new Date(condition.lastTransitionTime).getTime() : Date.now());
  seen.set(name, since);
  return since;
}

/**
 * Follows one Job's pod (watch) and the Job itself (every `checkEveryMs`) until the run has an outcome: the
 * runner's result, a typed failure, or `aborted` when `signal` fires. Observations are evaluated one at a time.
 */
export function followJob(options: FollowJobOptions): Promise<JobOutcome> {
  const { api, log, name } = options;
  const uid = options.job.metadata?.uid ?? '';
  const seen = new Map<string, number>();
  // The Secret was made (or found) just before: give the pod a moment before making sure of it again.
  let secretChecked = Date.now();

  return new Promise<JobOutcome>((resolve) => {
    let settled = false;
    let busy = false;
    let again = false;
    let lastNote = '';
    const finish = (outcome: JobOutcome) => {
      if (settled) return;
      settled = true;
      clearInterval(ticker);
      options.signal.removeEventListener('abort', onAbort);
      pods.stop();
      resolve(outcome);
    };
    const note = (text: string) => {
      if (text === lastNote) return;
      lastNote = text;
      try {
        options.onProgress(text);
      } catch (error) {
        log.warn({ err: error }, 'progress callback failed');
      }
    };

    async function decide(verdict: Verdict, readJob: () => Promise<V1Job | undefined>): Promise<JobOutcome | undefined> {
      switch (verdict.kind) {
        case 'running':
          note(verdict.note);
          return undefined;
        case 'missing-secret':
          note(verdict.note);
          if (Date.now() - secretChecked > 2_000) {
            secretChecked = Date.now();
            await options.ensureSecret();
          }
          return undefined;
        case 'failed':
          return verdict;
        case 'succeeded':
        case 'runner-failed': {
          const exit = verdict.kind === 'runner-failed' ? verdict.exit : undefined;
          // The Job may know better than the pod: its deadline killed it. Any other failure of the Job (BackoffLimitExceeded)
          // only repeats the pod's, and the runner's log says why.
          const fromJob = exit ? jobVerdict((await readJob()) ?? {}) : undefined;
          if (fromJob?.kind === 'failed' && fromJob.error.code === 'ERR_SANDBOX_DEADLINE_EXCEEDED') return fromJob;
          const outcome = await readPodOutcome(api, verdict.pod, exit);
          return 'result' in outcome ? { kind: 'result', result: outcome.result } : { kind: 'failed', error: outcome.error };
        }
      }
    }

    async function evaluate(checkJob: boolean): Promise<void> {
      let job: V1Job | undefined;
      const readJob = async () => (job ??= await api.readJob(name));
      const current = pods.pods().filter((pod) => !pod.metadata?.deletionTimestamp || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed');
      for (const pod of current) {
        const outcome = await decide(podVerdict(pod, Date.now() - unschedulableSince(pod, seen), options.unschedulableTimeoutMs), readJob);
        if (outcome) return finish(outcome);
      }
      if (!checkJob && current.length > 0) return;
      const latest = await readJob();
      if (!latest || latest.metadata?.uid !== uid) {
        return finish({ kind: 'failed', error: new SandboxError('ERR_SANDBOX_CANCELLED', `job ${name} was deleted while it ran`) });
      }
      const verdict = jobVerdict(latest);
      // While its pod is there, a failed Job waits for the pod's own verdict (its runner's error), deadline aside.
      if (verdict?.kind === 'failed' && (current.length === 0 || verdict.error.code === 'ERR_SANDBOX_DEADLINE_EXCEEDED')) return finish(verdict);
      if (current.length === 0) note(`job ${name} is waiting for its pod`);
    }

    /** Runs evaluations one at a time; a change during one runs another after it. */
    const schedule = (checkJob: boolean) => {
      if (settled) return;
      if (busy) {
        again = true;
        return;
      }
      busy = true;
      evaluate(checkJob)
        .catch((error: unknown) => log.warn({ err: error }, 'could not evaluate the job; will look again'))
        .finally(() => {
          busy = false;
          if (again && !settled) {
            again = false;
            schedule(true);
          }
        });
    };

    const onAbort = () => finish({ kind: 'aborted' });
    const pods = watchPods(api, `${LABEL_CONTROLLER_UID}=${uid}`, () => schedule(false), (error) => {
      finish({ kind: 'failed', error: new SandboxError('ERR_SANDBOX_API', `watching the pods of job ${name} kept failing: ${error instanceof Error ? error.message : String(error)}`) });
    }, log, options.watchIdleTimeoutMs);
    const ticker = setInterval(() => schedule(true), options.checkEveryMs);
    options.signal.addEventListener('abort', onAbort, { once: true });
    if (options.signal.aborted) onAbort();
  });
}
