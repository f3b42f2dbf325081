import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { SandboxError } from '../sandbox.js';

/** What one observation of a runner pod (and its Job) means for the run. */
export type Verdict =
  | { kind: 'running'; note: string }
  | { kind: 'missing-secret'; note: string }
  | { kind: 'succeeded'; pod: string }
  /** The container ended badly without a cause Kubernetes names: its log says why. */
  | { kind: 'runner-failed'; pod: string; exit: string }
  | { kind: 'failed'; error: SandboxError };

const IMAGE_PULL = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull']);

function fail(code: SandboxError['code'], message: string): Verdict {
  return { kind: 'failed', error: new SandboxError(code, message) };
}

/** The Job's own verdict from its conditions: deadline, or a failure whose pod is gone. */
export function jobVerdict(job: V1Job): Verdict | undefined {
  const name = job.metadata?.name ?? '?';
  const conditions = (job.status?.conditions ?? []).filter((c) => c.status === 'True');
  const failed = conditions.find((c) => c.type === 'Failed' || c.type === 'FailureTarget');
  if (failed?.reason === 'DeadlineExceeded') {
    return fail('ERR_SANDBOX_DEADLINE_EXCEEDED', `job ${name} ran longer than its ${job.spec?.activeDeadlineSeconds ?? '?'} s deadline and was stopped`);
  }
  if (failed) return fail('ERR_RUNNER_FAILED', `job ${name} failed: ${failed.reason ?? 'no reason'}${failed.message ? ` (${failed.message})` : ''}`);
  return undefined;
}

/** A pod's verdict; `unschedulableForMs` is how long it has been unschedulable, `limitMs` how long that may last. */
export function podVerdict(pod: V1Pod, unschedulableForMs: number, limitMs: number): Verdict {
  const name = pod.metadata?.name ?? '?';
  const status = pod.status;
  const container = status?.containerStatuses?.[0];
  const terminated = container?.state?.terminated;
  const waiting = container?.state?.waiting;
  if (status?.phase === 'Succeeded') return { kind: 'succeeded', pod: name };
  if (status?.reason === 'Evicted') return fail('ERR_SANDBOX_EVICTED', `pod ${name} was evicted: ${status.message ?? 'no message'}`);
  if (status?.reason === 'DeadlineExceeded') return fail('ERR_SANDBOX_DEADLINE_EXCEEDED', `pod ${name} ran past its deadline`);
  if (terminated?.reason === 'OOMKilled') {
    const limit = pod.spec?.containers[0]?.resources?.limits?.memory;
    return fail('ERR_SANDBOX_OOM_KILLED', `the runner in pod ${name} was killed for using more than its memory limit${limit ? ` (${limit})` : ''}`);
  }
  if (waiting?.reason && IMAGE_PULL.has(waiting.reason)) {
    return fail('ERR_SANDBOX_IMAGE_PULL', `pod ${name} cannot pull image ${container?.image ?? '?'}: ${waiting.reason}${waiting.message ? ` (${waiting.message})` : ''}`);
  }
  if (status?.phase === 'Failed' || terminated) {
    const exit = terminated ? `exit code ${terminated.exitCode}${terminated.reason ? ` (${terminated.reason})` : ''}` : (status?.reason ?? 'failed');
    return { kind: 'runner-failed', pod: name, exit };
  }
  // Waiting for its Secret (env: CreateContainerConfigError; volume: ContainerCreating with FailedMount), or just starting.
  if (waiting?.reason === 'CreateContainerConfigError' || waiting?.reason === 'ContainerCreating') {
    return { kind: 'missing-secret', note: `pod ${name}: ${waiting.message ?? waiting.reason}` };
  }
  const scheduled = status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
    if (unschedulableForMs >= limitMs) {
      return fail('ERR_SANDBOX_UNSCHEDULABLE', `pod ${name} could not be scheduled for ${Math.round(unschedulableForMs / 1_000)} s: ${scheduled.message ?? 'no message'}`);
    }
    return { kind: 'running', note: `pod ${name} is waiting for a node: ${scheduled.message ?? 'unschedulable'}` };
  }
  return { kind: 'running', note: `pod ${name} is ${waiting?.reason ?? status?.phase ?? 'pending'}` };
}
