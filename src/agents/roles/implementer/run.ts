import { join } from 'node:path';
import type Anthropic from '@anthropic-ai/sdk';
import type { Logger } from 'pino';
import type { ImplementResult, ImplementTask } from '../../../domain/agent-task.js';
import { MAX_COMMAND_OUTPUT_CHARS, type AgentPatch, type CommandRun } from '../../../domain/patch.js';
import { containsSecret, redactSecrets } from '../../../domain/redact.js';
import { costOf } from '../../../domain/usage-cost.js';
import { checkoutRepository } from '../../checkout.js';
import { collectPatch, createEditTools, patchScopeProblems } from '../../edit-tools/index.js';
import { createModelClient, knownSecrets, type RunnerSecretsEnv } from '../../model-client.js';
import { RunnerError } from '../../runner-error.js';
import { runToolLoop } from '../../tool-loop.js';
import { loopLimits } from '../loop-accounting.js';
import { createWorkspaceTools } from '../../workspace-tools.js';
import { implementerBrief, implementerRoleFor } from './role.js';
import { verifyFix } from './verify-fix.js';

const MAX_SUMMARY_CHARS = 19_000;
/** Runs kept in the result (the last ones: the fix proof's come last). */
const MAX_COMMAND_RUNS = 200;

/** True when any known secret, in any encoding redaction knows, appears in the patch or a changed file. */
function patchCarriesSecret(patch: AgentPatch, secrets: readonly string[]): boolean {
  const texts = [patch.patch, ...patch.files.map((file) => (file.action === 'delete' ? '' : Buffer.from(file.contentBase64, 'base64').toString('utf8')))];
  return texts.some((text) => containsSecret(text, secrets));
}

/**
 * Checks the repository out at its head, lets the model edit it with the write tools (scope limits enforced there)
 * and run the declared commands, and returns the patch against the head with every command's result. A task with
 * `verify` also gets the runner's own proof of the fix (verify-fix.ts).
 */
export async function runImplementer(task: ImplementTask, secrets: RunnerSecretsEnv, workspace: string, log: Logger, client: Anthropic = createModelClient(secrets)): Promise<ImplementResult> {
  const repoDir = join(workspace, 'repo');
  await checkoutRepository(task.repository, task.forge, secrets.cloneToken, repoDir);
  const commandRuns: CommandRun[] = [];
  const editTools = createEditTools(repoDir, { headSha: task.repository.headSha, settings: task.settings, workspaceDir: workspace, onCommandRun: (run) => commandRuns.push(run), log });
  const loop = await runToolLoop({
    client,
    model: task.model,
    role: implementerRoleFor(task),
    brief: implementerBrief(task),
    tools: createWorkspaceTools(repoDir),
    extraTools: editTools,
    limits: loopLimits(task.limits),
    log,
  });
  const patch = await collectPatch(repoDir, task.repository.headSha);
  // The tools refuse edits past the limits; a declared command could still have written past them: checked again here.
  const outOfScope = patchScopeProblems(patch, task.settings.changes);
  if (outOfScope.length > 0) throw new RunnerError('ERR_PATCH_SCOPE', `the work is outside the repository's limits: ${outOfScope.join('; ')}`.slice(0, 2_000));
  const known = knownSecrets(secrets);
  if (patchCarriesSecret(patch, known)) throw new RunnerError('ERR_PATCH_SECRET', 'the patch contains one of the runner\'s credentials: it was not returned');
  const redact = (text: string) => redactSecrets(text, known);
  // The proof runs after the patch is collected: nothing the test command does can change what is returned.
  const verification = task.verify
    ? await verifyFix({
        repoDir,
        workspaceDir: workspace,
        headSha: task.repository.headSha,
        patch,
        testPaths: loop.submitted ? (loop.submitted.test_paths ?? []) : undefined,
        testCommand: task.verify.testCommand,
        settings: task.settings,
        redact,
        log,
      })
    : undefined;
  for (const run of [verification?.before, verification?.after]) if (run) commandRuns.push(run);
  const costUsd = costOf(task.model, loop.usage);
  log.info({ files: patch.filesChanged, added: patch.linesAdded, deleted: patch.linesDeleted, commands: commandRuns.length }, 'work collected');
  return {
    summary: redact(loop.submitted?.summary ?? `The agent stopped (${loop.stoppedBy ?? 'turns'}) before it submitted its work.`).slice(0, MAX_SUMMARY_CHARS),
    commitMessage: redact(loop.submitted?.commit_message ?? task.goal.title).slice(0, 2_000),
    patch,
    commands: commandRuns.slice(-MAX_COMMAND_RUNS).map((run) => ({ ...run, command: redact(run.command).slice(0, 2_000), output: redact(run.output).slice(0, MAX_COMMAND_OUTPUT_CHARS) })),
    model: task.model,
    usage: loop.usage,
    ...(costUsd !== undefined ? { costUsd } : {}),
    ...(loop.stoppedBy ? { stoppedBy: loop.stoppedBy } : {}),
    truncated: loop.submitted === undefined,
    ...(verification ? { verification } : {}),
  };
}
