import type Anthropic from '@anthropic-ai/sdk';
import type { Logger } from 'pino';
import type { ReviewTask } from '../../domain/agent-task.js';
import { emptyUsage, type ReviewResult, type TokenUsage } from '../../domain/finding.js';
import type { RepoSettings } from '../../domain/review-settings.js';
import { costOf } from '../../domain/usage-cost.js';
import { readDiffTool } from '../context/diff-tool.js';
import { finalizeFindings } from '../context/finalize-findings.js';
import { planBatches } from '../context/plan-batches.js';
import { batchTokensFor } from '../context/review-batches.js';
import { reviewResultOf } from '../context/review-result.js';
import type { ReviewScope } from '../context/scope.js';
import { loopLimits } from '../roles/loop-accounting.js';
import { validateFindings, type Validation } from '../roles/validator/run.js';
import { createWorkspaceTools } from '../workspace-tools.js';
import { aggregateFindings } from './aggregate.js';
import { shareOfLimits } from './budget-share.js';
import type { RoutePlan } from './contracts.js';
import { runSpecialists } from './run-specialists.js';
import { coverageOf, specialistNotices, specialistReports, specialistsSummary } from './specialist-results.js';

/** The validation pass's share of the review's budget (the specialists share the rest). */
export const VALIDATION_SHARE = 0.1;

export interface SpecialistReviewInput {
  task: ReviewTask;
  client: Anthropic;
  repoDir: string;
  scope: ReviewScope;
  settings: RepoSettings;
  route: RoutePlan;
  redact: (text: string) => string;
  log: Logger;
  /** Each batch's first conversation writes the shared prefix before the others start it (default true; the bench turns it off). */
  warmCacheFirst?: boolean;
}

function add(total: TokenUsage, part: TokenUsage): TokenUsage {
  return {
    turns: total.turns + part.turns,
    inputTokens: total.inputTokens + part.inputTokens,
    outputTokens: total.outputTokens + part.outputTokens,
    cacheReadTokens: total.cacheReadTokens + part.cacheReadTokens,
    cacheWriteTokens: total.cacheWriteTokens + part.cacheWriteTokens,
  };
}

/**
 * A multi-specialist review inside this one job: the routed specialists review the planned batches as concurrent
 * conversations (run-specialists.ts), their findings are merged (aggregate.ts), checked and placed on the diff
 * (finalize-findings.ts), and the shown blocker and major ones re-checked against the code (roles/validator).
 */
export async function specialistReview(input: SpecialistReviewInput): Promise<ReviewResult> {
  const { task, scope, settings, route, redact, log } = input;
  const { pipeline } = settings;
  const review = task.review;
  const fanOut = pipeline.validate ? shareOfLimits(task.limits, 1 - VALIDATION_SHARE) : task.limits;
  // Every specialist reads the same batches (one cached prefix each): sized for the smallest budget among them.
  const smallest = Math.min(...route.run.map((routed) => shareOfLimits(fanOut, routed.share).tokenBudget));
  const plan = planBatches(scope.files, { batchTokens: batchTokensFor(smallest), ignorePaths: settings.ignore_paths });
  log.info({ files: scope.files.length, batches: plan.batches.length, skipped: plan.skipped.length, specialists: route.run.map((routed) => routed.name) }, 'review planned');

  const tools = createWorkspaceTools(input.repoDir);
  const extraTools = plan.batches.length > 1 || scope.incrementalFrom ? [readDiffTool(scope.changeFiles)] : [];
  const runs = await runSpecialists(
    { client: input.client, task, plan, scope, tools, extraTools, log, limits: fanOut, maxParallel: pipeline.max_parallel, ...(input.warmCacheFirst !== undefined ? { warmCacheFirst: input.warmCacheFirst } : {}) },
    route,
  );
  const aggregated = aggregateFindings(runs.map((run) => ({ specialist: run.routed.name, findings: run.outcome.submitted.flatMap((submitted) => submitted.findings) })));
  const final = await finalizeFindings({
    repoDir: input.repoDir,
    findings: aggregated.findings,
    reportedFixed: runs.flatMap((run) => run.outcome.submitted.flatMap((submitted) => submitted.fixed ?? [])),
    changeFiles: scope.changeFiles,
    settings: settings.reviewer,
    prior: review?.priorFindings ?? [],
    resolvedFingerprints: review?.resolvedFingerprints ?? [],
  });

  // The validator re-checks the shown blocker and major findings and keeps the rest as they are, in their order.
  const checked: Validation = pipeline.validate
    ? await validateFindings({ client: input.client, model: task.model, tools, repoDir: input.repoDir, headSha: task.repository.headSha, limits: loopLimits(shareOfLimits(task.limits, VALIDATION_SHARE)), log: log.child({ role: 'validator' }) }, final.findings)
    : { kept: final.findings, dropped: [], validated: 0, usage: emptyUsage() };
  const findings = checked.kept;

  const usage = runs.reduce((total, run) => add(total, run.outcome.usage), checked.usage);
  const costs = [...runs.map((run) => costOf(run.routed.model, run.outcome.usage)), checked.usage.turns > 0 ? costOf(task.model, checked.usage) : 0];
  const costUsd = costs.every((cost) => cost !== undefined) ? costs.reduce((sum: number, cost) => sum + cost, 0) : undefined;
  const coverage = coverageOf(runs, plan);
  const notices = [...(review?.notices ?? []), ...scope.notices, ...specialistNotices(runs), ...(checked.notice ? [checked.notice] : [])];
  if (task.limits.costBudgetUsd !== undefined && costUsd === undefined) notices.push(`The cost budget was not enforced for every reviewer: a model of this review has no price (${[...new Set(runs.map((run) => run.routed.model))].join(', ')}).`);
  const dropped = [...aggregated.dropped, ...checked.dropped].map((entry) => ({ ...entry, title: redact(entry.title), reason: redact(entry.reason) }));

  return {
    ...reviewResultOf({
      task, scope, final, redact,
      summary: specialistsSummary(runs, plan.batches.length, scope),
      findings,
      usage,
      costUsd,
      stoppedBy: coverage.stoppedBy,
      filesReviewed: coverage.reviewed,
      notReviewed: [...plan.skipped, ...coverage.notReviewed],
      notices,
    }),
    specialists: specialistReports(runs, plan.batches.length, scope, redact),
    aggregation: {
      duplicatesMerged: aggregated.duplicatesMerged,
      conflictsResolved: aggregated.conflictsResolved,
      conflictRule: aggregated.conflictRule.slice(0, 500),
      validated: checked.validated,
      dropped: dropped.slice(0, 200),
      notRun: route.notRun,
    },
  };
}
