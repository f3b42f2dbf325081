import { activityInfo, Context } from '@temporalio/activity';
import { CancelledFailure } from '@temporalio/common';
import { AgentTask, type CheckoutSpec, type WorkGoal } from '../domain/agent-task.js';
import type { ReviewResult } from '../domain/finding.js';
import type { ReviewRequest } from '../domain/review-request.js';
import type { RepoSettings } from '../domain/review-settings.js';
import type { ClaimRef } from '../domain/claim-ref.js';
import type { SubjectRef } from '../domain/subject-ref.js';
import { digestOf, type StoredAgentRun } from './agent-digest.js';
import { agentJobName, taskHash } from './agent-job.js';
import type { ClaimCheckStore } from './claim-check/claim-check-store.js';
import { putJson } from './claim-check/json-claims.js';
import { withTypedFailures } from './failures.js';
import type { ChangeState } from './forge-activities.js';
import type { AgentJob, RunnerSecrets, Sandbox } from './sandbox/sandbox.js';
import { SandboxError } from './sandbox/sandbox.js';

/** The agent-worker's own settings: every job's model and limits come from here, read when the job runs. */
export interface AgentSettings {
  model: string;
  /** The agent-worker's own bound on a job; a workflow may ask for less, never more. */
  timeoutMs: number;
  maxTurns: number;
  maxOutputTokens: number;
  tokenBudget: number;
  /** US dollars per run (AGENT_COST_BUDGET_USD). */
  costBudgetUsd?: number;
  heartbeatEveryMs: number;
}

/** Which repository a job clones: its forge decides the read-only clone credential. */
export interface RunnerRepository {
  forge: 'gitlab' | 'github';
  projectPath: string;
}

/** The runner's secrets: the same for every job, or chosen per repository (each forge's own read-only clone credential). */
export type RunnerSecretsSource = RunnerSecrets | ((repo: RunnerRepository) => Promise<RunnerSecrets>);

/** What a workflow asks an agent to do, keyed by role; the activity adds the model and limits of this worker. */
export type AgentAssignment =
  | { role: 'reviewer'; request: ReviewRequest; change: ChangeState }
  | {
      role: 'implementer';
      subject: SubjectRef;
      forge: 'gitlab' | 'github';
      repositoryPath: string;
      repository: CheckoutSpec;
      goal: WorkGoal;
      settings: RepoSettings;
      verify?: { testCommand: string };
      /** The goal's untrusted context kept behind a claim check (e.g. a Sentry event): it replaces `goal.context`. */
      contextClaim?: ClaimRef;
    }
  | {
      role: 'analyst';
      subject: SubjectRef;
      forge: 'gitlab' | 'github';
      repositoryPath: string;
      repository: CheckoutSpec;
      goal: WorkGoal;
      contextClaim?: ClaimRef;
    };

export interface RunAgentInput {
  assignment: AgentAssignment;
  /** The workflow's bound on this job (its activity timeout is this plus a minute); capped by AgentSettings.timeoutMs. */
  timeoutMs: number;
}

/** The claim kind of an agent's output: `agent-reviewer`, `agent-implementer`. */
export const outputClaimKind = (role: AgentTask['role']) => `agent-${role}`;

export function createAgentActivities(deps: { sandbox: Sandbox; secrets: RunnerSecretsSource; settings: AgentSettings; claims: ClaimCheckStore }) {
  const { settings } = deps;
  const secretsFor = (repo: RunnerRepository) => (typeof deps.secrets === 'function' ? deps.secrets(repo) : Promise.resolve(deps.secrets));
  const limits = {
    maxTurns: settings.maxTurns,
    maxOutputTokens: settings.maxOutputTokens,
    tokenBudget: settings.tokenBudget,
    ...(settings.costBudgetUsd !== undefined ? { costBudgetUsd: settings.costBudgetUsd } : {}),
  };

  /** The goal, its context read from the claim store when the workflow kept it there. */
  async function goalOf(goal: WorkGoal, contextClaim: ClaimRef | undefined): Promise<WorkGoal> {
    if (!contextClaim) return goal;
    return { ...goal, context: Buffer.from(await deps.claims.get(contextClaim)).toString('utf8') };
  }

  async function taskFor(assignment: AgentAssignment): Promise<AgentTask> {
    if (assignment.role === 'implementer') {
      const { role, subject, forge, repositoryPath, repository, goal, settings: repoSettings, verify, contextClaim } = assignment;
      return { role, subject, forge, repositoryPath, repository, goal: await goalOf(goal, contextClaim), settings: repoSettings, model: settings.model, limits, ...(verify ? { verify } : {}) };
    }
    if (assignment.role === 'analyst') {
      const { role, subject, forge, repositoryPath, repository, goal, contextClaim } = assignment;
      return { role, subject, forge, repositoryPath, repository, goal: await goalOf(goal, contextClaim), model: settings.model, limits };
    }
    const { request, change } = assignment;
    return {
      role: 'reviewer',
      request: { ...request, headSha: change.headSha },
      repository: { cloneUrl: change.cloneUrl, baseSha: change.baseSha, headSha: change.headSha },
      changedPaths: change.changedPaths,
      model: settings.model,
      limits,
      ...(change.review ? { review: change.review } : {}),
    };
  }

  function repositoryOf(task: AgentTask): RunnerRepository {
    return task.role === 'reviewer' ? task.request.ref : { forge: task.forge, projectPath: task.repositoryPath };
  }

  /** Runs one job in the sandbox, heartbeating; cancellation stops it (or leaves it for adoption on worker shutdown). */
  async function runJob(task: AgentTask, timeoutMs: number) {
    const context = Context.current();
    const info = activityInfo();
    const workflowId = info.workflowExecution?.workflowId ?? 'adhoc';
    const runId = info.workflowExecution?.runId ?? 'adhoc';
    const checked = AgentTask.safeParse(task);
    if (!checked.success) {
      throw new SandboxError('ERR_RUNNER_FAILED', `invalid agent task: ${checked.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, 'ERR_RUNNER_INPUT');
    }
    const job: AgentJob = {
      name: agentJobName(workflowId, runId, info.activityId),
      task: checked.data,
      taskHash: taskHash(checked.data),
      timeoutMs: Math.min(timeoutMs, settings.timeoutMs),
      workflowId,
    };
    context.heartbeat({ job: job.name, note: 'starting' });
    const beat = setInterval(() => context.heartbeat({ job: job.name, note: 'running' }), settings.heartbeatEveryMs);
    try {
      return await deps.sandbox.run(job, await secretsFor(repositoryOf(job.task)), {
        signal: context.cancellationSignal,
        onProgress: (note) => context.heartbeat({ job: job.name, note }),
        // A worker going away (rollout, drain) leaves the job running: the retry on the next worker adopts it.
        leaveRunning: () => context.cancellationDetails?.workerShutdown === true,
      });
    } catch (error) {
      if (context.cancellationSignal.aborted) throw new CancelledFailure(`agent job ${job.name} stopped: the work was cancelled`);
      throw error;
    } finally {
      clearInterval(beat);
    }
  }

  return {
    /**
     * Runs any role's agent in the sandbox and keeps its whole output behind a claim check: workflow history holds
     * only the reference and a digest. Runs on the agent task queue (its concurrency is the sequential scheduler).
     */
    async runAgent(input: RunAgentInput): Promise<StoredAgentRun> {
      return withTypedFailures(async () => {
        const output = await runJob(await taskFor(input.assignment), input.timeoutMs);
        const claim = await putJson(deps.claims, outputClaimKind(output.role), output);
        return { claim, digest: digestOf(output) };
      });
    },

    /**
     * The review step of workflows recorded before runAgent (kept so that their histories and in-flight tasks still
     * complete): the result travels through history. New workflow code calls runAgent.
     */
    async runReviewAgent(request: ReviewRequest, change: ChangeState): Promise<ReviewResult> {
      return withTypedFailures(async () => {
        const output = await runJob(await taskFor({ role: 'reviewer', request, change }), settings.timeoutMs);
        if (output.role !== 'reviewer') throw new SandboxError('ERR_RUNNER_OUTPUT', `the runner answered as ${output.role}, not reviewer`);
        return output.review;
      });
    },
  };
}

export type AgentActivities = ReturnType<typeof createAgentActivities>;
