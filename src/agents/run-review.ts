import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import type { Logger } from 'pino';
import type { NotReviewedFile, ReviewResult } from '../domain/finding.js';
import { redactSecrets } from '../domain/redact.js';
import { DEFAULT_REPO_SETTINGS } from '../domain/review-settings.js';
import { costOf } from '../domain/usage-cost.js';
import { checkoutAt } from './checkout.js';
import { readDiffTool } from './context/diff-tool.js';
import { finalizeFindings } from './context/finalize-findings.js';
import { planBatches } from './context/plan-batches.js';
import { reviewBatches } from './context/review-batches.js';
import { reviewScope, type ReviewScope } from './context/scope.js';
import type { SubmittedReview } from './reviewer.js';
import { RunnerError } from './runner-error.js';
import type { RunnerTask } from './task.js';
import type { StopReason } from './tool-loop.js';
import { redactingFetch } from './redacting-fetch.js';
import { createWorkspaceTools } from './workspace-tools.js';

export interface RunnerSecretsEnv {
  anthropicApiKey: string;
  anthropicBaseUrl?: string;
  cloneToken?: string;
}

/** The SDK retries 408/409/429/5xx/529 and connection errors with exponential backoff (and retry-after): at most this many times. */
export const MODEL_MAX_RETRIES = 4;
/** Per request; a review turn with a long output takes a minute or two. */
export const MODEL_TIMEOUT_MS = 180_000;

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

/** The values the runner must never send or return, whatever they look like. */
export function knownSecrets(secrets: RunnerSecretsEnv): string[] {
  return [secrets.anthropicApiKey, ...(secrets.cloneToken ? [secrets.cloneToken] : [])];
}

/** The Anthropic client the runner uses, with its retry bound and timeout made explicit. */
export function createModelClient(secrets: RunnerSecretsEnv): Anthropic {
  return new Anthropic({
    apiKey: secrets.anthropicApiKey,
    ...(secrets.anthropicBaseUrl ? { baseURL: secrets.anthropicBaseUrl } : {}),
    maxRetries: MODEL_MAX_RETRIES,
    timeout: MODEL_TIMEOUT_MS,
    fetch: redactingFetch(knownSecrets(secrets)),
  });
}

/** Clones the change at its head, runs the reviewer's tool loop, and returns its result (secrets redacted). */
export async function runReview(task: RunnerTask, secrets: RunnerSecretsEnv, workspace: string, log: Logger, client = createModelClient(secrets)): Promise<ReviewResult> {
  const repoDir = join(workspace, 'repo');
  await checkoutAt({
    cloneUrl: task.repository.cloneUrl,
    headSha: task.repository.headSha,
    baseSha: task.repository.baseSha,
    dir: repoDir,
    ...(secrets.cloneToken ? { cloneToken: secrets.cloneToken, cloneUsername: task.request.ref.forge === 'github' ? 'x-access-token' : 'oauth2' } : {}),
  }).catch((error: unknown) => {
    throw new RunnerError('ERR_CHECKOUT', `could not check out ${task.repository.headSha}: ${error instanceof Error ? error.message : String(error)}`);
  });
  const review = task.review;
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
