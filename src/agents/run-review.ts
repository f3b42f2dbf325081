import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import type { Logger } from 'pino';
import type { ReviewResult } from '../domain/finding.js';
import { checkoutAt, diffOf } from './checkout.js';
import { REVIEWER_SYSTEM_PROMPT, reviewerBrief } from './reviewer.js';
import { redactSecrets } from '../domain/redact.js';
import type { RunnerTask } from './task.js';
import { runReviewLoop } from './tool-loop.js';
import { createWorkspaceTools } from './workspace-tools.js';

export interface RunnerSecretsEnv {
  anthropicApiKey: string;
  anthropicBaseUrl?: string;
  cloneToken?: string;
}

const stoppedText = {
  turns: 'the turn limit',
  tokens: 'the token budget',
  'no-tool-call': 'the model ending without submitting',
} as const;

/** Clones the change at its head, runs the reviewer's tool loop, and returns its result. */
export async function runReview(task: RunnerTask, secrets: RunnerSecretsEnv, workspace: string, log: Logger): Promise<ReviewResult> {
  const repoDir = join(workspace, 'repo');
  await checkoutAt({
    cloneUrl: task.repository.cloneUrl,
    headSha: task.repository.headSha,
    baseSha: task.repository.baseSha,
    dir: repoDir,
    ...(secrets.cloneToken ? { cloneToken: secrets.cloneToken } : {}),
  });
  const diff = await diffOf(repoDir, task.repository.baseSha, task.repository.headSha);
  log.info({ diffBytes: diff.length, files: task.changedPaths.length }, 'repository checked out');

  const client = new Anthropic({
    apiKey: secrets.anthropicApiKey,
    ...(secrets.anthropicBaseUrl ? { baseURL: secrets.anthropicBaseUrl } : {}),
    maxRetries: 4, // 429, 529 (overloaded) and 5xx, with the SDK's exponential backoff and retry-after
    timeout: 120_000,
  });
  const outcome = await runReviewLoop({
    client,
    model: task.model,
    system: REVIEWER_SYSTEM_PROMPT,
    brief: reviewerBrief(task, diff),
    tools: createWorkspaceTools(repoDir),
    limits: task.limits,
    log,
  });
  const submitted = outcome.submitted;
  const summary = submitted
    ? submitted.summary
    : `The review stopped at ${stoppedText[outcome.stoppedBy ?? 'turns']} before the reviewer submitted its findings.`;
  return {
    headSha: task.repository.headSha,
    summary: redactSecrets(summary),
    findings: (submitted?.findings ?? []).map((finding) => ({
      ...finding,
      title: redactSecrets(finding.title),
      body: redactSecrets(finding.body),
      ...(finding.suggestion !== undefined ? { suggestion: redactSecrets(finding.suggestion) } : {}),
    })),
    model: task.model,
    usage: outcome.usage,
    truncated: submitted === undefined,
  };
}
