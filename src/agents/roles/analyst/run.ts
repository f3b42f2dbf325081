import { realpath } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type Anthropic from '@anthropic-ai/sdk';
import type { Logger } from 'pino';
import type { AnalysisResult, AnalyzeTask } from '../../../domain/agent-task.js';
import { redactSecrets } from '../../../domain/redact.js';
import { checkoutRepository } from '../../checkout.js';
import { confinedPath } from '../../confined-path.js';
import { createModelClient, knownSecrets, type RunnerSecretsEnv } from '../../model-client.js';
import { runToolLoop, type StopReason } from '../../tool-loop.js';
import { loopAccounting, loopLimits } from '../loop-accounting.js';
import { createWorkspaceTools } from '../../workspace-tools.js';
import { analystBrief, analystRole, type SubmittedAnalysis } from './role.js';

/** Why there is no analysis, in a sentence people read on the error's page. */
function whyStopped(stoppedBy: StopReason | undefined, turns: number): string {
  const limit = { turns: 'turn limit', tokens: 'token budget', cost: 'cost budget' } as const;
  if (stoppedBy === 'no-tool-call') return `The model ended its turns without submitting an analysis (${turns} turns)`;
  return `The analysis reached its ${limit[stoppedBy ?? 'turns']} before the analyst submitted it (${turns} turns)`;
}


type Evidence = AnalysisResult['evidence'][number];

/**
 * The evidence that names a file of the checkout, its path as the repository spells it. The schema already refused
 * absolute paths and ".."; an entry whose path is missing, or leads out through a symlink, is dropped here.
 */
async function confinedEvidence(repoDir: string, submitted: SubmittedAnalysis['evidence'], redact: (text: string) => string, log: Logger): Promise<Evidence[]> {
  const root = await realpath(repoDir);
  const kept: Evidence[] = [];
  for (const item of submitted) {
    const real = await confinedPath(repoDir, item.path).catch(() => undefined);
    if (real === undefined || real === root) continue;
    kept.push({
      path: redact(relative(root, real).split(sep).join('/')).slice(0, 1_000),
      ...(item.start_line !== undefined ? { startLine: item.start_line } : {}),
      ...(item.end_line !== undefined ? { endLine: item.end_line } : {}),
      why: redact(item.why).slice(0, 2_000),
    });
  }
  if (kept.length < submitted.length) log.info({ dropped: submitted.length - kept.length }, 'evidence outside the repository dropped');
  return kept;
}

/**
 * Checks the repository out at its default branch's head, lets the model read it with the read-only tools, and
 * returns its analysis of the error (model output redacted). A loop that ends without a submission is an analysis
 * too: not fixable, confidence 0, and why it stopped.
 */
export async function runAnalyst(task: AnalyzeTask, secrets: RunnerSecretsEnv, workspace: string, log: Logger, client: Anthropic = createModelClient(secrets)): Promise<AnalysisResult> {
  const repoDir = join(workspace, 'repo');
  await checkoutRepository(task.repository, task.forge, secrets.cloneToken, repoDir, { log });
  const loop = await runToolLoop({
    client,
    model: task.model,
    role: analystRole,
    brief: analystBrief(task),
    tools: createWorkspaceTools(repoDir),
    limits: loopLimits(task.limits),
    log,
  });
  const redact = (text: string) => redactSecrets(text, knownSecrets(secrets));
  const accounting = loopAccounting(task.model, loop);
  const submitted = loop.submitted;
  if (!submitted) {
    const stopped = whyStopped(loop.stoppedBy, loop.usage.turns);
    log.info({ stoppedBy: loop.stoppedBy, turns: loop.usage.turns }, 'analysis not submitted');
    return {
      rootCause: `Not determined: ${stopped.charAt(0).toLowerCase()}${stopped.slice(1)}.`,
      evidence: [],
      reproduction: '',
      fixable: false,
      confidence: 0,
      reason: `${stopped}: no fix is attempted without an analysis.`,
      ...accounting,
      truncated: true,
    };
  }
  const evidence = await confinedEvidence(repoDir, submitted.evidence, redact, log);
  log.info({ fixable: submitted.fixable, confidence: submitted.confidence, evidence: evidence.length }, 'analysis submitted');
  return {
    rootCause: redact(submitted.root_cause).slice(0, 10_000),
    evidence,
    reproduction: redact(submitted.reproduction).slice(0, 5_000),
    fixable: submitted.fixable,
    confidence: submitted.confidence,
    reason: redact(submitted.reason).slice(0, 3_000),
    ...(submitted.proposed_fix !== undefined ? { proposedFix: redact(submitted.proposed_fix).slice(0, 5_000) } : {}),
    ...accounting,
    truncated: false,
  };
}
