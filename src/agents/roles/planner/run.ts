import { join } from 'node:path';
import type Anthropic from '@anthropic-ai/sdk';
import type { Logger } from 'pino';
import type { PlanResult, PlanTask } from '../../../domain/agent-task.js';
import { redactSecrets } from '../../../domain/redact.js';
import { checkoutRepository } from '../../checkout.js';
import { createModelClient, knownSecrets, type RunnerSecretsEnv } from '../../model-client.js';
import { runToolLoop, type StopReason } from '../../tool-loop.js';
import { loopAccounting, loopLimits } from '../loop-accounting.js';
import { createWorkspaceTools } from '../../workspace-tools.js';
import { plannerBrief } from './brief.js';
import { keptPlan } from './kept-plan.js';
import { planProblems, sendBackOnce } from './plan-checks.js';
import { plannerRole } from './role.js';

/** Why there is no plan, as the question the workflow puts to the ticket's people. */
export function unfinishedPlan(stoppedBy: StopReason | undefined, turns: number): string {
  const limit = { turns: 'turn limit', tokens: 'token limit', cost: 'cost limit' } as const;
  const after = `after ${turns} turn${turns === 1 ? '' : 's'}`;
  const why = stoppedBy === 'no-tool-call' ? `the model stopped without submitting a plan ${after}` : `it reached its ${limit[stoppedBy ?? 'turns']} ${after}`;
  return `forgebot could not finish a plan (${why}): can you narrow the ticket down, or say which part to plan first?`;
}

/**
 * Checks the repository out at its default branch's head, lets the model read it with the read-only tools, and
 * returns its plan for the ticket, or its questions. The runner, not the model, decides what of the plan is kept:
 * the first plan that names files the checkout contradicts, or exceeds the scope, goes back to the model once with
 * the reasons; then failing files are dropped and a plan over the scope is marked (kept-plan.ts). A loop that ends
 * without a submission is a question to people, marked truncated.
 */
export async function runPlanner(task: PlanTask, secrets: RunnerSecretsEnv, workspace: string, log: Logger, client: Anthropic = createModelClient(secrets)): Promise<PlanResult> {
  const repoDir = join(workspace, 'repo');
  await checkoutRepository(task.repository, task.forge, secrets.cloneToken, repoDir, { log });
  const review = sendBackOnce((plan) => planProblems(repoDir, task.scope, plan));
  const loop = await runToolLoop({
    client,
    model: task.model,
    role: plannerRole(review.check),
    brief: plannerBrief(task),
    tools: createWorkspaceTools(repoDir),
    limits: loopLimits(task.limits),
    log,
  });
  const redact = (text: string) => redactSecrets(text, knownSecrets(secrets));
  const accounting = loopAccounting(task.model, loop);
  const submitted = loop.submitted;
  if (!submitted) {
    log.info({ stoppedBy: loop.stoppedBy, turns: loop.usage.turns, sentBack: review.sentBack() }, 'plan not submitted');
    const question = unfinishedPlan(loop.stoppedBy, loop.usage.turns);
    return { summary: 'forgebot could not finish a plan.', steps: [], files: [], tests: [], risks: [], size: { files: 0, lines: 0 }, questions: [question], ...accounting, truncated: true };
  }
  const plan = await keptPlan(submitted, { repoDir, scope: task.scope, redact, log });
  log.info({ files: plan.files.length, tests: plan.tests.length, size: plan.size, questions: plan.questions.length, sentBack: review.sentBack() }, 'plan submitted');
  return { ...plan, ...accounting, truncated: false };
}
