import { activityInfo, Context } from '@temporalio/activity';
import { CancelledFailure } from '@temporalio/common';
import { AgentOutput, AgentTask, AnswerQuestion, type AnalysisResult, type PlanResult, type CheckoutSpec, type WorkGoal } from '../domain/agent-task.js';
import type { ReviewResult } from '../domain/finding.js';
import type { ReviewRequest } from '../domain/review-request.js';
import type { RepoSettings } from '../domain/review-settings.js';
import type { ClaimRef } from '../domain/claim-ref.js';
import type { SubjectRef } from '../domain/subject-ref.js';
import { digestOf, type StoredAgentRun } from './agent-digest.js';
import { agentJobName, taskHash } from './agent-job.js';
import type { ClaimCheckStore } from './claim-check/claim-check-store.js';
import { ClaimCheckError } from './claim-check/claim-check-error.js';
import { getJson, putJson } from './claim-check/json-claims.js';
import { withTypedFailures } from './failures.js';
import type { ChangeState } from './forge-activities.js';
import type { AgentJob, RunnerSecrets, Sandbox } from './sandbox/sandbox.js';
import { SandboxError } from './sandbox/sandbox.js';
import { meterAgentJob } from '../workers/metrics/agent-job-metrics.js';

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
      /** An analyst's stored output the work starts from: added to the context (model output: untrusted data). */
      analysisClaim?: ClaimRef;
    }
  | {
      role: 'analyst';
      subject: SubjectRef;
      forge: 'gitlab' | 'github';
      repositoryPath: string;
      repository: CheckoutSpec;
      goal: WorkGoal;
      contextClaim?: ClaimRef;
    }
  | {
      role: 'planner';
      subject: SubjectRef;
      forge: 'gitlab' | 'github';
      repositoryPath: string;
      repository: CheckoutSpec;
      goal: WorkGoal;
      /** The ticket's requirements (rendered, untrusted) behind a claim check: they replace `goal.context`. */
      contextClaim?: ClaimRef;
      /** The plan revised (behind a claim: a planner output) and what people asked to change. */
      revision?: { version: number; previousPlanClaim: ClaimRef; feedback: string };
      scope: { maxFiles: number; maxLines: number };
    }
  | {
      role: 'answerer';
      forge: 'gitlab' | 'github';
      repositoryPath: string;
      /** The change, base...head. */
      repository: CheckoutSpec;
      changedPaths: string[];
      /** The question (AnswerQuestion, JSON) behind a claim check: a thread's notes stay out of workflow history. */
      questionClaim: ClaimRef;
      asker: string;
    };

/** The answerer's share of the worker's limits: a person waits for it in a thread. */
export const ANSWER_LIMITS = { maxTurns: 12, tokenBudget: 200_000 } as const;

export interface RunAgentInput {
  assignment: AgentAssignment;
  /**
   * The workflow's bound on this job (its activity timeout is this plus a minute); capped by AgentSettings.timeoutMs.
   * A fix proof's time comes on top (fixProofMs): a workflow asking for one allows for it in its activity timeout.
   */
  timeoutMs: number;
}

/** The fix proof's own work besides its two test runs: two clean clones of the checkout, and a kill's grace each. */
const FIX_PROOF_SETUP_MS = 60_000;
/** The longest `command_timeout_seconds` a `.forgebot.yml` may declare (ChangeLimits). */
const MAX_COMMAND_TIMEOUT_MS = 1_800_000;
/** The most a fix proof adds to a job: what a workflow asking for one adds to its activity's timeout. */
export const MAX_FIX_PROOF_MS = 2 * MAX_COMMAND_TIMEOUT_MS + FIX_PROOF_SETUP_MS;

/**
 * The time the runner's fix proof (verify-fix.ts) takes after the agent's own work: the declared test command twice,
 * each up to the repository's command timeout. It comes on top of the job's bound, which is the agent's.
 */
export function fixProofMs(task: AgentTask): number {
  if (task.role !== 'implementer' || !task.verify) return 0;
  return 2 * task.settings.changes.command_timeout_seconds * 1_000 + FIX_PROOF_SETUP_MS;
}

/** WorkGoal.context's bound. */
const MAX_GOAL_CONTEXT_CHARS = 100_000;

/** An earlier analysis as the next agent reads it: plain text, inside the context the brief fences as data. */
function renderAnalysisForAgent(analysis: AnalysisResult): string {
  const evidence = analysis.evidence.map((item) => `- ${item.path}${item.startLine ? `:${item.startLine}${item.endLine ? `-${item.endLine}` : ''}` : ''}: ${item.why}`);
  return [
    'An earlier analysis of this error (written by a model: check it against the code before you rely on it):',
    `Root cause: ${analysis.rootCause}`,
    ...(evidence.length > 0 ? ['Evidence:', ...evidence] : []),
    ...(analysis.reproduction ? [`Reproduction: ${analysis.reproduction}`] : []),
    ...(analysis.proposedFix ? [`Proposed fix: ${analysis.proposedFix}`] : []),
  ].join('\n');
}

/** An earlier plan as the planner reads it when revising: plain text, fenced as data by its brief. */
export function renderPlanForAgent(plan: PlanResult): string {
  return [
    `Summary: ${plan.summary}`,
    'Steps:', ...plan.steps.map((step, index) => `${index + 1}. ${step}`),
    'Files:', ...plan.files.map((file) => `- ${file.change} ${file.path}: ${file.why}`),
    'Tests:', ...plan.tests.map((test) => `- ${test.path}: ${test.what}`),
    ...(plan.risks.length > 0 ? ['Risks:', ...plan.risks.map((risk) => `- ${risk}`)] : []),
  ].join('\n').slice(0, 50_000);
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

  /**
   * A context claim as the agent reads it: text as stored, or an approved plan (a planner's stored output) rendered
   * as steps and files — never the output's JSON.
   */
  async function contextText(claim: ClaimRef): Promise<string> {
    if (!claim.key.startsWith(`${outputClaimKind('planner')}.`)) return Buffer.from(await deps.claims.get(claim)).toString('utf8');
    const output = await getJson(deps.claims, claim, AgentOutput);
    if (output.role !== 'planner') throw new ClaimCheckError('ERR_CLAIM_INVALID', `claim ${claim.key} holds a ${output.role} output, not a plan`);
    return `The approved plan (written by a model, approved by a person: follow it; the code is the authority on details):\n${renderPlanForAgent(output.plan)}`;
  }

  /** The goal, its context read from the claim store when the workflow kept it there. */
  async function goalOf(goal: WorkGoal, contextClaim: ClaimRef | undefined, analysisClaim?: ClaimRef): Promise<WorkGoal> {
    const context = contextClaim ? await contextText(contextClaim) : goal.context;
    if (!analysisClaim) return { ...goal, context };
    const analysis = await getJson(deps.claims, analysisClaim, AgentOutput);
    if (analysis.role !== 'analyst') throw new ClaimCheckError('ERR_CLAIM_INVALID', `claim ${analysisClaim.key} holds a ${analysis.role} output, not an analysis`);
    return { ...goal, context: `${context}\n\n${renderAnalysisForAgent(analysis.analysis)}`.slice(0, MAX_GOAL_CONTEXT_CHARS) };
  }

  async function taskFor(assignment: AgentAssignment): Promise<AgentTask> {
    if (assignment.role === 'implementer') {
      const { role, subject, forge, repositoryPath, repository, goal, settings: repoSettings, verify, contextClaim, analysisClaim } = assignment;
      return { role, subject, forge, repositoryPath, repository, goal: await goalOf(goal, contextClaim, analysisClaim), settings: repoSettings, model: settings.model, limits, ...(verify ? { verify } : {}) };
    }
    if (assignment.role === 'analyst') {
      const { role, subject, forge, repositoryPath, repository, goal, contextClaim } = assignment;
      return { role, subject, forge, repositoryPath, repository, goal: await goalOf(goal, contextClaim), model: settings.model, limits };
    }
    if (assignment.role === 'planner') {
      const { role, subject, forge, repositoryPath, repository, goal, contextClaim, revision, scope } = assignment;
      const previous = revision ? await getJson(deps.claims, revision.previousPlanClaim, AgentOutput) : undefined;
      if (previous && previous.role !== 'planner') throw new ClaimCheckError('ERR_CLAIM_INVALID', `claim ${revision?.previousPlanClaim.key} holds a ${previous.role} output, not a plan`);
      return {
        role, subject, forge, repositoryPath, repository, goal: await goalOf(goal, contextClaim), scope, model: settings.model, limits,
        ...(revision && previous?.role === 'planner' ? { revision: { version: revision.version, previousPlan: renderPlanForAgent(previous.plan), feedback: revision.feedback.slice(0, 20_000) } } : {}),
      };
    }
    if (assignment.role === 'answerer') {
      const { role, forge, repositoryPath, repository, changedPaths, questionClaim, asker } = assignment;
      const question = await getJson(deps.claims, questionClaim, AnswerQuestion);
      const small = { ...limits, maxTurns: Math.min(limits.maxTurns, ANSWER_LIMITS.maxTurns), tokenBudget: Math.min(limits.tokenBudget, ANSWER_LIMITS.tokenBudget) };
      return { role, forge, repositoryPath, repository, changedPaths, question, asker, model: settings.model, limits: small };
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
      timeoutMs: Math.min(timeoutMs, settings.timeoutMs) + fixProofMs(checked.data),
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
        const task = await taskFor(input.assignment);
        const output = await meterAgentJob(task, () => runJob(task, input.timeoutMs));
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
        const task = await taskFor({ role: 'reviewer', request, change });
        const output = await meterAgentJob(task, () => runJob(task, settings.timeoutMs));
        if (output.role !== 'reviewer') throw new SandboxError('ERR_RUNNER_OUTPUT', `the runner answered as ${output.role}, not reviewer`);
        return output.review;
      });
    },
  };
}

export type AgentActivities = ReturnType<typeof createAgentActivities>;
