import type Anthropic from '@anthropic-ai/sdk';
import type { Logger } from 'pino';
import { emptyUsage, type NotReviewedFile, type StopCause, type TokenUsage } from '../../domain/finding.js';
import { costOf } from '../../domain/usage-cost.js';
import { reviewerRole, type SubmittedReview } from '../roles/reviewer/role.js';
import type { AgentLimits, ReviewTask } from '../../domain/agent-task.js';
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
  /** A specialist's model (default: the task's). */
  model?: string;
  /** A specialist's share of the task's limits (default: all of them). */
  limits?: AgentLimits;
  /** A specialist's focus, sent after each batch's brief (see LoopDeps.focus). */
  focus?: string;
  /**
   * Conversations that review the same batches at once: called before a batch's conversation starts; resolves when
   * it may (after another conversation's first turn on that batch wrote the shared prefix to the cache) with a
   * function to call once this conversation's first turn has answered.
   */
  sharedPrefix?: (batchIndex: number) => Promise<() => void>;
}

/** Share of the token budget one batch's diff may take (the rest: tool results, output, further batches). */
const BATCH_SHARE = 0.25;
const MAX_BATCH_TOKENS = 50_000;

/** The largest batch (tokens of diff) a review with this token budget plans. */
export function batchTokensFor(tokenBudget: number): number {
  return Math.max(1_000, Math.min(MAX_BATCH_TOKENS, Math.floor(tokenBudget * BATCH_SHARE)));
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
function exhausted(limits: AgentLimits, model: string, usage: TokenUsage, briefTokens: number): StopCause | undefined {
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
  const model = deps.model ?? task.model;
  const limits = deps.limits ?? task.limits;
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
    const cause = capHit ?? (index > 0 ? exhausted(limits, model, usage, estimateTokens(brief)) : undefined);
    if (cause) {
      capHit = cause;
      outcome.stoppedBy = cause;
      outcome.notReviewed.push(...batch.map((planned) => ({ path: planned.file.newPath, reason: `not reached: the review's ${capText[cause]} ran out` })));
      continue;
    }
    const spent = usage.inputTokens + usage.cacheWriteTokens + usage.outputTokens;
    const costSoFar = costOf(model, usage) ?? 0;
    const firstTurn = deps.sharedPrefix ? await deps.sharedPrefix(index) : undefined;
    const loop = await runToolLoop({
      client: deps.client,
      model,
      role: reviewerRole,
      brief,
      ...(deps.focus ? { focus: deps.focus } : {}),
      ...(firstTurn ? { onFirstTurn: firstTurn } : {}),
      tools: deps.tools,
      extraTools: deps.extraTools,
      limits: {
        maxTurns: limits.maxTurns - usage.turns,
        maxOutputTokens: limits.maxOutputTokens,
        tokenBudget: limits.tokenBudget - spent,
        ...(limits.costBudgetUsd !== undefined ? { costBudgetUsd: limits.costBudgetUsd - costSoFar } : {}),
      },
      log: deps.log,
    }).finally(firstTurn);
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
