import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { CommandRun } from '../../domain/patch.js';
import { redactSecrets } from '../../domain/redact.js';
import { ToolInputError } from '../confined-path.js';
import { sanitizeCode } from '../sanitize.js';
import { summarizeChanges } from './change-summary.js';
import { commandEnvironment } from './command-environment.js';
import type { RunCommandInput } from './edit-tool-inputs.js';
import type { EditScope } from './file-edits.js';
import { runShellCommand } from './run-command.js';
import { scopeProblems } from './scope-limits.js';

export interface CommandToolOptions {
  /** Name → shell command, from `.forgebot.yml` `commands:`. */
  commands: Readonly<Record<string, string>>;
  timeoutMs: number;
  killGraceMs: number;
  /** HOME and TMPDIR of a command are made here; default: the repository's parent folder (the runner's workspace). */
  workspaceDir?: string;
  /** Where a command's PATH and LANG come from (nothing else is passed on); default: this process's environment. */
  env?: NodeJS.ProcessEnv;
  /** Called with every run, its output redacted (for the result the runner returns). */
  onCommandRun?: (run: CommandRun) => void;
  log?: Logger;
}

const seconds = (ms: number) => `${(ms / 1_000).toFixed(1)} s`;

function describeEnd(run: CommandRun, timeoutMs: number): string {
  if (run.timedOut) return `ran past its timeout of ${seconds(timeoutMs)} and was killed with its process group`;
  if (run.exitCode !== null) return `exited with code ${run.exitCode} after ${seconds(run.durationMs)}`;
  return `was ended by ${run.signal ?? 'a signal'} after ${seconds(run.durationMs)}`;
}

/** Runs a declared command by name and tells the model how it ended, what it printed, and whether it broke the scope. */
export async function runCommandTool(scope: EditScope, options: CommandToolOptions, input: RunCommandInput): Promise<string> {
  const names = Object.keys(options.commands);
  const command = Object.hasOwn(options.commands, input.name) ? options.commands[input.name] : undefined;
  if (command === undefined) throw new ToolInputError(`${JSON.stringify(input.name)} is not a command this repository declares; the declared ones are: ${names.join(', ')}.`);
  const env = await commandEnvironment(options.workspaceDir ?? dirname(scope.repoDir), scope.repoDir, options.env ?? process.env);
  const run = await runShellCommand(input.name, command, { cwd: scope.repoDir, env, timeoutMs: options.timeoutMs, killGraceMs: options.killGraceMs });
  options.log?.info({ command: run.name, exitCode: run.exitCode, signal: run.signal, timedOut: run.timedOut, durationMs: run.durationMs }, 'declared command ran');
  options.onCommandRun?.({ ...run, output: redactSecrets(run.output) });
  const after = await summarizeChanges(scope.repoDir, scope.headSha);
  const problems = scopeProblems(after, scope.limits, scope.guard);
  const warning = problems.length === 0 ? '' : `\n\nWarning: after this command the working tree breaks the scope limits, and the patch will be refused unless you undo it: ${problems.slice(0, 5).join(' ')}${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ''}`;
  const cut = run.outputTruncated ? ' (its middle cut: see the note in it)' : '';
  const body = run.output === '' ? '(no output)' : sanitizeCode(run.output);
  return `\`${run.name}\` (${run.command}) ${describeEnd(run, options.timeoutMs)}.\nOutput${cut}:\n${body}${warning}`;
}
