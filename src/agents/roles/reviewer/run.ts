import { join } from 'node:path';
import type { Logger } from 'pino';
import type { ReviewResult } from '../../../domain/finding.js';
import { redactSecrets } from '../../../domain/redact.js';
import { DEFAULT_REPO_SETTINGS } from '../../../domain/review-settings.js';
import { costOf } from '../../../domain/usage-cost.js';
import { checkoutRepository } from '../../checkout.js';
import { readDiffTool } from '../../context/diff-tool.js';
import { finalizeFindings } from '../../context/finalize-findings.js';
import { planBatches } from '../../context/plan-batches.js';
import { batchTokensFor, reviewBatches } from '../../context/review-batches.js';
import { reviewResultOf, summaryOf } from '../../context/review-result.js';
import { reviewScope } from '../../context/scope.js';
import type { ReviewTask } from '../../../domain/agent-task.js';
import { createModelClient, knownSecrets, type RunnerSecretsEnv } from '../../model-client.js';
import { notRunNotices, routeReview } from '../../specialists/route-review.js';
import { specialistReview } from '../../specialists/specialist-review.js';
import { createWorkspaceTools } from '../../workspace-tools.js';

/**
 * Clones the change at its head, runs the reviewer's tool loop, and returns its result (secrets redacted). When the
 * change routes to more than the general reviewer, the specialists review it instead (specialists/specialist-review.ts).
 */
export async function runReview(task: ReviewTask, secrets: RunnerSecretsEnv, workspace: string, log: Logger, client = createModelClient(secrets)): Promise<ReviewResult> {
  const repoDir = join(workspace, 'repo');
  const review = task.review;
  await checkoutRepository(task.repository, task.request.ref.forge, secrets.cloneToken, repoDir, { log, ...(review?.lastReviewedSha ? { alsoWanted: review.lastReviewedSha } : {}) });
  const settings = review?.settings ?? DEFAULT_REPO_SETTINGS;
  const scope = await reviewScope(repoDir, task, log);
  const route = routeReview(task, scope, settings);
  const redact = (text: string) => redactSecrets(text, knownSecrets(secrets));
  if (route.specialists) return specialistReview({ task, client, repoDir, scope, settings, route: route.plan, redact, log });

  const batchTokens = batchTokensFor(task.limits.tokenBudget);
  const plan = planBatches(scope.files, { batchTokens, ignorePaths: settings.ignore_paths });
  log.info({ files: scope.files.length, batches: plan.batches.length, skipped: plan.skipped.length, incremental: Boolean(scope.incrementalFrom) }, 'review planned');

  const extraTools = plan.batches.length > 1 || scope.incrementalFrom ? [readDiffTool(scope.changeFiles)] : [];
  const run = await reviewBatches({ client, task, plan, scope, tools: createWorkspaceTools(repoDir), extraTools, log });
  const final = await finalizeFindings({
    repoDir,
    findings: run.submitted.flatMap((submitted) => submitted.findings),
    reportedFixed: run.submitted.flatMap((submitted) => submitted.fixed ?? []),
    changeFiles: scope.changeFiles,
    settings: settings.reviewer,
    prior: review?.priorFindings ?? [],
    resolvedFingerprints: review?.resolvedFingerprints ?? [],
  });

  const costUsd = costOf(task.model, run.usage);
  const notices = [...(review?.notices ?? []), ...scope.notices, ...notRunNotices(route.plan)];
  if (task.limits.costBudgetUsd !== undefined && costUsd === undefined) notices.push(`The cost budget was not enforced: there is no price for model ${task.model}.`);
  return reviewResultOf({
    task, scope, final, redact,
    summary: summaryOf(run.submitted, run.stoppedBy, run.usage.turns, plan.batches.length, scope),
    findings: final.findings,
    usage: run.usage,
    costUsd,
    stoppedBy: run.stoppedBy,
    filesReviewed: run.reviewed,
    notReviewed: [...plan.skipped, ...run.notReviewed],
    notices,
  });
}
