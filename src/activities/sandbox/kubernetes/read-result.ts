import { MAX_FRAME_BYTES, parseFramedResult } from '../../../agents/result-frame.js';
import type { AgentOutput } from '../../../domain/agent-task.js';
import { SandboxError } from '../sandbox.js';
import type { RunnerJobsApi } from './api.js';
import { RUNNER_CONTAINER } from './manifests.js';

/** The framed block is printed last; its JSON is one line, so the last lines of the log always hold it whole. */
const TAIL_LINES = 200;
const MAX_TAIL_BYTES = MAX_FRAME_BYTES + 256 * 1024;

export type PodOutcome = { result: AgentOutput } | { error: SandboxError };

/** Reads the runner's framed result (or its own error) from the end of the pod's log, size-checked. */
export async function readPodOutcome(api: RunnerJobsApi, pod: string, exit: string | undefined): Promise<PodOutcome> {
  const log = await api.podLogTail(pod, RUNNER_CONTAINER, TAIL_LINES);
  const exited = exit ? ` (${exit})` : '';
  if (Buffer.byteLength(log) > MAX_TAIL_BYTES) {
    return { error: new SandboxError('ERR_RUNNER_OUTPUT', `the runner in pod ${pod} printed a result larger than ${MAX_FRAME_BYTES} bytes${exited}`) };
  }
  let frame;
  try {
    frame = parseFramedResult(log);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { error: new SandboxError(exit ? 'ERR_RUNNER_FAILED' : 'ERR_RUNNER_OUTPUT', `the runner in pod ${pod}${exited}: ${reason}`) };
  }
  if ('error' in frame) return { error: new SandboxError('ERR_RUNNER_FAILED', `${frame.error.code}: ${frame.error.message}`, frame.error.code) };
  if (exit) return { error: new SandboxError('ERR_RUNNER_FAILED', `the runner in pod ${pod} failed${exited} after printing a result`) };
  return { result: frame.result };
}
