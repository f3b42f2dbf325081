import type Anthropic from '@anthropic-ai/sdk';
import type { Logger } from 'pino';
import { emptyUsage, type NotReviewedFile, type StopCause, type TokenUsage } from '../../domain/finding.js';
import { costOf } from '../../domain/usage-cost.js';
import { reviewerRole, type SubmittedReview } from '../roles/reviewer/role.js';
import type { ReviewTask } from '../../domain/agent-task.js';
import { runToolLoop, type ExtraTool } from '../tool-loop.js';
import type { WorkspaceTools } from '../workspace-tools.js';
import { buildReviewBrief } from './brief.js';
import type { ReviewPlan } from './plan-batches.js';
import type { ReviewScope } from './scope.js';
import { estimateTokens } from './tokens.js';

export interface BatchesOutcome {
  submitted: SubmittedReview[];
  usage: TokenUsage;
  stoppedBy?: StopCause;
  reviewed: number;
  notReviewed: NotReviewedFile[];
}

export interface BatchDeps {
  client: Anthropic;
  task: ReviewTask;
  plan: ReviewPlan;
  scope: ReviewScope;
  tools: WorkspaceTools;
  extraTools: readonly ExtraTool[];
  log: Logger;
}

const capText: Record<StopCause, string> = { turns: 'turn limit', tokens: 'token budget', cost: 'cost budget', 'no-tool-call': 'model ending without submitting' };

function add(total: TokenUsage, part: TokenUsage): void {
  total.turns += part.turns;
  total.inputTokens += part.inputTokens;
  total.outputTokens += part.outputTokens;
  total.cacheReadTokens += part.cacheReadTokens;
  total.cacheWriteTokens += part.cacheWriteTokens;
}

/** Which cap leaves no room for another batch of `briefTokens`, if any (the first batch always runs). */
function exhausted(deps: BatchDeps, usage: TokenUsage, briefTokens: number): StopCause | undefined {
  const { limits, model } = deps.task;
  if (limits.maxTurns - usage.turns < 2) return 'turns';
  const spent = usage.inputTokens + usage.cacheWriteTokens + usage.outputTokens;
  if (limits.tokenBudget - spent < briefTokens + 2 * limits.maxOutputTokens) return 'tokens';
  const cost = costOf(model, usage);
  if (limits.costBudgetUsd !== undefined && cost !== undefined && cost >= limits.costBudgetUsd * 0.9) return 'cost';
  return undefined;
}

/** Reviews the planned batches in turn, each in its own conversation, sharing the review's turn, token and cost caps. */
export async function reviewBatches(deps: BatchDeps): Promise<BatchesOutcome> {
  const { task, plan } = deps;
  const usage = emptyUsage();
  const outcome: BatchesOutcome = { submitted: [], usage, reviewed: 0, notReviewed: [] };
  const total = deps.scope.files.length;
  let capHit: StopCause | undefined;
  for (const [index, batch] of plan.batches.entries()) {
    const brief = buildReviewBrief({
      task, batch, batchIndex: index, batchCount: plan.batches.length,
      elsewhere: total - batch.length,
      guidelines: task.review?.guidelines ?? [],
      language: task.review?.settings.reviewer.language ?? 'English',
      priorFindings: task.review?.priorFindings ?? [],
      ...(deps.scope.incrementalFrom ? { incrementalFrom: deps.scope.incrementalFrom } : {}),
    });
    const cause = capHit ?? (index > 0 ? exhausted(deps, usage, estimateTokens(brief)) : undefined);
    if (cause) {
      capHit = cause;
      outcome.stoppedBy = cause;
      outcome.notReviewed.push(...batch.map((planned) => ({ path: planned.file.newPath, reason: `not reached: the review's ${capText[cause]} ran out` })));
      continue;
    }
    const spent = usage.inputTokens + usage.cacheWriteTokens + usage.outputTokens;
    const costSoFar = costOf(task.model, usage) ?? 0;
    const loop = await runToolLoop({
      client: deps.client,
      model: task.model,
      role: reviewerRole,
      brief,
      tools: deps.tools,
      extraTools: deps.extraTools,
      limits: {
        maxTurns: task.limits.maxTurns - usage.turns,
        maxOutputTokens: task.limits.maxOutputTokens,
        tokenBudget: task.limits.tokenBudget - spent,
        ...(task.limits.costBudgetUsd !== undefined ? { costBudgetUsd: task.limits.costBudgetUsd - costSoFar } : {}),
      },
      log: deps.log,
    });
    add(usage, loop.usage);
    deps.log.info({ batch: index + 1, of: plan.batches.length, files: batch.length, submitted: Boolean(loop.submitted), usage: loop.usage }, 'batch reviewed');
    if (loop.submitted) {
      outcome.submitted.push(loop.submitted);
      outcome.reviewed += batch.length;
      continue;
    }
    const stop = loop.stoppedBy ?? 'turns';
    outcome.notReviewed.push(...batch.map((planned) => ({ path: planned.file.newPath, reason: `the review stopped at its ${capText[stop]} before finishing` })));
    if (stop !== 'no-tool-call') capHit = stop;
    outcome.stoppedBy = stop;
  }
  return outcome;
}
