import { join } from 'node:path';
import type { Logger } from 'pino';
import type { NotReviewedFile, ReviewResult } from '../../../domain/finding.js';
import { redactSecrets } from '../../../domain/redact.js';
import { DEFAULT_REPO_SETTINGS } from '../../../domain/review-settings.js';
import { costOf } from '../../../domain/usage-cost.js';
import { checkoutRepository } from '../../checkout.js';
import { readDiffTool } from '../../context/diff-tool.js';
import { finalizeFindings } from '../../context/finalize-findings.js';
import { planBatches } from '../../context/plan-batches.js';
import { reviewBatches } from '../../context/review-batches.js';
import { reviewScope, type ReviewScope } from '../../context/scope.js';
import type { SubmittedReview } from './role.js';
import type { ReviewTask } from '../../../domain/agent-task.js';
import type { StopReason } from '../../tool-loop.js';
import { createModelClient, knownSecrets, type RunnerSecretsEnv } from '../../model-client.js';
import { createWorkspaceTools } from '../../workspace-tools.js';

const stoppedText: Record<StopReason, string> = {
  turns: 'the turn limit',
  tokens: 'the token budget',
  cost: 'the cost budget',
  'no-tool-call': 'the model ending without submitting',
};

/** Share of the token budget one batch's diff may take (the rest: tool results, output, further batches). */
const BATCH_SHARE = 0.25;
const MAX_BATCH_TOKENS = 50_000;
const MAX_SUMMARY_CHARS = 19_000;
/** Files listed by name in the result (it travels through workflow history); the rest are counted in one entry. */
const MAX_LISTED_FILES = 5_000;

function capList(files: NotReviewedFile[]): NotReviewedFile[] {
  if (files.length <= MAX_LISTED_FILES) return files;
  const rest = files.length - MAX_LISTED_FILES;
  return [...files.slice(0, MAX_LISTED_FILES), { path: `… ${rest} more files`, reason: `not reviewed (the list stops at ${MAX_LISTED_FILES} names)` }];
}

/** Clones the change at its head, runs the reviewer's tool loop, and returns its result (secrets redacted). */
export async function runReview(task: ReviewTask, secrets: RunnerSecretsEnv, workspace: string, log: Logger, client = createModelClient(secrets)): Promise<ReviewResult> {
  const repoDir = join(workspace, 'repo');
  const review = task.review;
  await checkoutRepository(task.repository, task.request.ref.forge, secrets.cloneToken, repoDir, { log, ...(review?.lastReviewedSha ? { alsoWanted: review.lastReviewedSha } : {}) });
  const settings = review?.settings ?? DEFAULT_REPO_SETTINGS;
  const scope = await reviewScope(repoDir, task, log);
  const batchTokens = Math.max(1_000, Math.min(MAX_BATCH_TOKENS, Math.floor(task.limits.tokenBudget * BATCH_SHARE)));
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

  const redact = (text: string) => redactSecrets(text, knownSecrets(secrets));
  const costUsd = costOf(task.model, run.usage);
  const notices = [...(review?.notices ?? []), ...scope.notices];
  if (task.limits.costBudgetUsd !== undefined && costUsd === undefined) notices.push(`The cost budget was not enforced: there is no price for model ${task.model}.`);
  return {
    headSha: task.repository.headSha,
    summary: redact(summaryOf(run.submitted, run.stoppedBy, run.usage.turns, plan.batches.length, scope)).slice(0, MAX_SUMMARY_CHARS),
    findings: final.findings.map((finding) => ({
      ...finding,
      title: redact(finding.title),
      body: redact(finding.body),
      ...(finding.suggestion !== undefined ? { suggestion: redact(finding.suggestion) } : {}),
    })),
    model: task.model,
    usage: run.usage,
    truncated: run.stoppedBy !== undefined,
    ...(costUsd !== undefined ? { costUsd } : {}),
    ...(run.stoppedBy ? { stoppedBy: run.stoppedBy } : {}),
    filesReviewed: run.reviewed,
    notReviewed: capList([...plan.skipped, ...run.notReviewed]),
    hidden: final.hidden,
    checks: final.checks,
    ...(scope.incrementalFrom ? { incrementalFrom: scope.incrementalFrom } : {}),
    fixed: final.fixed,
    carriedForward: final.carriedForward,
    notRaisedAgain: final.notRaisedAgain,
    notices: notices.map(redact).slice(0, 50),
  };
}

/** One summary for the whole review: the model's (per batch when there were several), or why there is none. */
function summaryOf(submitted: readonly SubmittedReview[], stoppedBy: StopReason | undefined, turns: number, batches: number, scope: ReviewScope): string {
  if (batches === 0) {
    return scope.incrementalFrom
      ? 'The new commits change nothing this review looks at (see the files listed below, if any).'
      : 'Nothing to review: every changed file is of a kind that is not reviewed (listed below).';
  }
  if (submitted.length === 0) return `The review stopped at ${stoppedText[stoppedBy ?? 'turns']} before the reviewer submitted its findings (${turns} turns).`;
  if (submitted.length === 1) return submitted[0]?.summary ?? '';
  return submitted.map((part, index) => `**Part ${index + 1} of ${batches}.** ${part.summary}`).join('\n\n');
}
