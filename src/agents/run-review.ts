import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import type { Logger } from 'pino';
import type { ReviewResult } from '../domain/finding.js';
import { redactSecrets } from '../domain/redact.js';
import { checkoutAt, diffOf } from './checkout.js';
import { reviewerRole } from './reviewer.js';
import { RunnerError } from './runner-error.js';
import type { RunnerTask } from './task.js';
import { runToolLoop, type StopReason } from './tool-loop.js';
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
  'no-tool-call': 'the model ending without submitting',
};

/** The Anthropic client the runner uses, with its retry bound and timeout made explicit. */
export function createModelClient(secrets: RunnerSecretsEnv): Anthropic {
  return new Anthropic({
    apiKey: secrets.anthropicApiKey,
    ...(secrets.anthropicBaseUrl ? { baseURL: secrets.anthropicBaseUrl } : {}),
    maxRetries: MODEL_MAX_RETRIES,
    timeout: MODEL_TIMEOUT_MS,
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
    ...(secrets.cloneToken ? { cloneToken: secrets.cloneToken } : {}),
  }).catch((error: unknown) => {
    throw new RunnerError('ERR_CHECKOUT', `could not check out ${task.repository.headSha}: ${error instanceof Error ? error.message : String(error)}`);
  });
  const diff = await diffOf(repoDir, task.repository.baseSha, task.repository.headSha);
  log.info({ diffBytes: diff.length, files: task.changedPaths.length }, 'repository checked out');

  const outcome = await runToolLoop({
    client,
    model: task.model,
    role: reviewerRole,
    brief: reviewerRole.brief({ task, diff }),
    tools: createWorkspaceTools(repoDir),
    limits: task.limits,
    log,
  });
  const known = [secrets.anthropicApiKey, ...(secrets.cloneToken ? [secrets.cloneToken] : [])];
  const redact = (text: string) => redactSecrets(text, known);
  const submitted = outcome.submitted;
  const summary = submitted
    ? submitted.summary
    : `The review stopped at ${stoppedText[outcome.stoppedBy ?? 'turns']} before the reviewer submitted its findings (${outcome.usage.turns} turns).`;
  return {
    headSha: task.repository.headSha,
    summary: redact(summary),
    findings: (submitted?.findings ?? []).map((finding) => ({
      ...finding,
      title: redact(finding.title),
      body: redact(finding.body),
      ...(finding.suggestion !== undefined ? { suggestion: redact(finding.suggestion) } : {}),
    })),
    model: task.model,
    usage: outcome.usage,
    truncated: submitted === undefined,
  };
}
