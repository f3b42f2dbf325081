import { CancelledFailure } from '@temporalio/common';
import type { AgentOutput, AgentTask } from '../../domain/agent-task.js';
import type { TokenUsage } from '../../domain/finding.js';
import { SandboxError } from '../../activities/sandbox/sandbox.js';
import { recordAgentJob, recordApiCall, recordSandboxFailure, type ApiStatus } from './forgebot-metrics.js';
import { OTHER_REPOSITORY, type RepositoryLabeler } from './repository-label.js';

let labelRepository: RepositoryLabeler = ({ forge }) => ({ forge, repository: OTHER_REPOSITORY });

/** How this process labels repositories (wireWorkerMetrics sets it from the configuration; until then: `other`). */
export function setRepositoryLabeler(labeler: RepositoryLabeler): void {
  labelRepository = labeler;
}

/** The usage and cost an output reports, whatever its role. */
function resultOf(output: AgentOutput): { usage: TokenUsage; costUsd?: number | undefined } {
  switch (output.role) {
    case 'reviewer': return output.review;
    case 'implementer': return output.work;
    case 'analyst': return output.analysis;
    case 'answerer': return output.answer;
    case 'planner': return output.plan;
  }
}

/**
 * The model API's answer class for a runner that stopped on a model error (after the SDK's own retries). The runner
 * makes the model calls, out of the worker's sight: each finished turn is one 2xx call, and a job that ended on a model
 * error adds one call of its class. Retries inside the runner (a 429 the SDK waited out) are not seen.
 */
function modelStatusOf(runnerCode: string | undefined): ApiStatus | undefined {
  if (runnerCode === 'ERR_MODEL_UNAUTHORIZED' || runnerCode === 'ERR_MODEL_INVALID_REQUEST') return '4xx';
  if (runnerCode === 'ERR_MODEL_UNAVAILABLE') return 'error';
  return undefined;
}

const cancelled = (error: unknown) => error instanceof CancelledFailure || (error instanceof SandboxError && error.code === 'ERR_SANDBOX_CANCELLED');

/**
 * Runs one agent job and records it: its outcome and duration by role, a finished job's tokens and cost (by the
 * repository's bounded label), the model calls the runner reports, and a sandbox failure's reason. Rethrows.
 */
export async function meterAgentJob<Output extends AgentOutput>(task: AgentTask, run: () => Promise<Output>, now: () => number = Date.now): Promise<Output> {
  const started = now();
  const forge = task.role === 'reviewer' ? task.request.ref.forge : task.forge;
  const projectPath = task.role === 'reviewer' ? task.request.ref.projectPath : task.repositoryPath;
  const repository = labelRepository({ forge, projectPath });
  try {
    const output = await run();
    const { usage, costUsd } = resultOf(output);
    recordAgentJob({ role: task.role, outcome: 'succeeded', durationMs: now() - started, usage, ...(costUsd !== undefined ? { costUsd } : {}), repository });
    recordApiCall({ service: 'anthropic', status: '2xx' }, usage.turns);
    return output;
  } catch (error) {
    recordAgentJob({ role: task.role, outcome: cancelled(error) ? 'cancelled' : 'failed', durationMs: now() - started, repository });
    if (error instanceof SandboxError && error.code !== 'ERR_SANDBOX_CANCELLED') {
      recordSandboxFailure(error.code);
      const modelStatus = modelStatusOf(error.runnerCode);
      if (modelStatus) recordApiCall({ service: 'anthropic', status: modelStatus });
    }
    throw error;
  }
}
