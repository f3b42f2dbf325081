import { activityInfo, Context } from '@temporalio/activity';
import { CancelledFailure } from '@temporalio/common';
import type { ReviewResult } from '../domain/finding.js';
import type { ReviewRequest } from '../domain/review-request.js';
import type { RunnerTask } from '../agents/task.js';
import { withTypedFailures } from './failures.js';
import type { ChangeState } from './forge-activities.js';
import type { RunnerSecrets, Sandbox } from './sandbox/sandbox.js';

export interface AgentSettings {
  model: string;
  timeoutMs: number;
  maxTurns: number;
  maxOutputTokens: number;
  tokenBudget: number;
  /** US dollars per review (AGENT_COST_BUDGET_USD). */
  costBudgetUsd?: number;
  heartbeatEveryMs: number;
}

/** A job name unique per workflow + activity, stable across retries of the activity (so a retry can adopt it). */
export function agentJobName(workflowId: string, activityId: string): string {
  return `${workflowId}-${activityId}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
}

/** The runner's secrets: the same for every job, or chosen per change (each forge's own read-only clone credential). */
export type RunnerSecretsSource = RunnerSecrets | ((request: ReviewRequest) => Promise<RunnerSecrets>);

export function createAgentActivities(deps: { sandbox: Sandbox; secrets: RunnerSecretsSource; settings: AgentSettings }) {
  const { settings } = deps;
  const secretsFor = (request: ReviewRequest) => (typeof deps.secrets === 'function' ? deps.secrets(request) : Promise.resolve(deps.secrets));
  return {
    /** Runs the reviewer agent in the sandbox and waits for its result. Runs on the agent task queue. */
    async runReviewAgent(request: ReviewRequest, change: ChangeState): Promise<ReviewResult> {
      const context = Context.current();
      const info = activityInfo();
      const task: RunnerTask = {
        kind: 'review',
        request: { ...request, headSha: change.headSha },
        repository: { cloneUrl: change.cloneUrl, baseSha: change.baseSha, headSha: change.headSha },
        changedPaths: change.changedPaths,
        model: settings.model,
        limits: {
          maxTurns: settings.maxTurns,
          maxOutputTokens: settings.maxOutputTokens,
          tokenBudget: settings.tokenBudget,
          ...(settings.costBudgetUsd !== undefined ? { costBudgetUsd: settings.costBudgetUsd } : {}),
        },
        ...(change.review ? { review: change.review } : {}),
      };
      const workflowId = info.workflowExecution?.workflowId ?? 'adhoc';
      const job = { name: agentJobName(workflowId, info.activityId), task, timeoutMs: settings.timeoutMs, workflowId };

      context.heartbeat({ job: job.name, note: 'starting' });
      const beat = setInterval(() => context.heartbeat({ job: job.name, note: 'running' }), settings.heartbeatEveryMs);
      try {
        return await withTypedFailures(async () =>
          deps.sandbox.run(job, await secretsFor(request), {
            signal: context.cancellationSignal,
            onProgress: (note) => context.heartbeat({ job: job.name, note }),
            // A worker going away (rollout, drain) leaves the job running: the retry on the next worker adopts it.
            leaveRunning: () => context.cancellationDetails?.workerShutdown === true,
          }),
        );
      } catch (error) {
        if (context.cancellationSignal.aborted) {
          throw new CancelledFailure(`agent job ${job.name} stopped: the review was cancelled`);
        }
        throw error;
      } finally {
        clearInterval(beat);
      }
    },
  };
}

export type AgentActivities = ReturnType<typeof createAgentActivities>;
