import type { Logger } from 'pino';
import type { CommandRun } from '../../domain/patch.js';
import type { RepoSettings } from '../../domain/review-settings.js';
import type { ExtraTool } from '../tool-loop.js';
import { inputSchema } from '../tool-definitions.js';
import { ToolInputError, zodIssues } from '../workspace-tools.js';
import { runCommandTool } from './command-tool.js';
import { DeleteFileInput, ReplaceInFileInput, RunCommandInput, runCommandSchema, WriteFileInput } from './edit-tool-inputs.js';
import { deleteFileTool, replaceInFileTool, writeFileTool, type EditScope } from './file-edits.js';
import { pathGuard } from './protected-paths.js';
import type { z } from 'zod';

export interface EditToolOptions {
  /** The commit the agent starts from: limits count the change against it. */
  headSha: string;
  /** `.forgebot.yml`'s `commands:` and `changes:`. */
  settings: Pick<RepoSettings, 'commands' | 'changes'>;
  /** HOME and TMPDIR of commands are made here; default: the repository's parent folder (the runner's workspace). */
  workspaceDir?: string;
  /** Where a command's PATH and LANG come from; nothing else of it reaches the command. Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** After a timeout's SIGTERM, SIGKILL follows this much later (default 5 s). */
  killGraceMs?: number;
  /** Called with every command run, its output redacted. */
  onCommandRun?: (run: CommandRun) => void;
  log?: Logger;
}

const ALWAYS_PROTECTED = 'anything in a .git folder, CI definitions (.gitlab-ci.yml, .gitlab/ci/**, .github/workflows/**), .forgebot.yml';

function parsed<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (!result.success) throw new ToolInputError(`invalid input: ${zodIssues(result.error)}`);
  return result.data;
}

function protectedText(globs: readonly string[]): string {
  if (globs.length === 0) return ALWAYS_PROTECTED;
  const listed = JSON.stringify(globs);
  return `${ALWAYS_PROTECTED}, and the repository's protected paths ${listed.length <= 1_000 ? listed : `(${globs.length} globs)`}`;
}

/**
 * Tools that change the checked-out repository at `repoDir`: write_file, replace_in_file, delete_file, and
 * run_command when the repository declares commands. Every scope rule is enforced here, whatever the prompt says:
 * paths stay inside the repository and off symlinks, protected paths are never written, and an edit after which
 * the change (against headSha, untracked files included) would pass max_files or max_lines is undone and refused.
 */
export function createEditTools(repoDir: string, options: EditToolOptions): ExtraTool[] {
  const { changes, commands } = options.settings;
  const scope: EditScope = { repoDir, headSha: options.headSha, limits: { maxFiles: changes.max_files, maxLines: changes.max_lines }, guard: pathGuard(changes.protected_paths) };
  const limits = `The whole change may touch at most ${changes.max_files} files and ${changes.max_lines} changed lines (added + deleted, against the starting commit); an edit that would pass a limit is refused and changes nothing.`;
  const refused = `Refused: paths outside the repository, "..", absolute paths, symlinks, files ignored by git, and ${protectedText(changes.protected_paths)}.`;
  const tools: ExtraTool[] = [
    {
      definition: { name: 'write_file', description: `Create or overwrite a file of the repository with its whole new text (missing folders are created). ${limits} ${refused}`, input_schema: inputSchema(WriteFileInput) },
      run: async (input) => writeFileTool(scope, parsed(WriteFileInput, input)),
    },
    {
      definition: {
        name: 'replace_in_file',
        description: `Replace one piece of text in a text file: old_text must occur exactly once (the tool says how often it occurs otherwise). ${limits} ${refused}`,
        input_schema: inputSchema(ReplaceInFileInput),
      },
      run: async (input) => replaceInFileTool(scope, parsed(ReplaceInFileInput, input)),
    },
    {
      definition: { name: 'delete_file', description: `Delete a file of the repository. ${limits} ${refused}`, input_schema: inputSchema(DeleteFileInput) },
      run: async (input) => deleteFileTool(scope, parsed(DeleteFileInput, input)),
    },
  ];
  const names = Object.keys(commands);
  if (names.length === 0) return tools;
  const timeoutMs = changes.command_timeout_seconds * 1_000;
  const list = names.map((name) => `${name}: ${commands[name] ?? ''}`.slice(0, 200)).join('; ');
  tools.push({
    definition: {
      name: 'run_command',
      description: `Run one of the commands the repository declares, by name (${list}), in the repository folder; no other command can be run. It is killed after ${changes.command_timeout_seconds} s; you get its exit code and its output (at most about 20 KB: the middle of a longer output is cut). Its environment holds no keys or tokens (PATH, HOME, TMPDIR, LANG and CI=true only).`,
      input_schema: inputSchema(runCommandSchema(names)),
    },
    // The loop's own limit per call must not cut a command short: the command's timeout, its kill grace, a margin.
    timeoutMs: changes.command_timeout_seconds * 1_000 + (options.killGraceMs ?? 5_000) + 5_000,
    run: async (input) =>
      runCommandTool(
        scope,
        {
          commands,
          timeoutMs,
          killGraceMs: options.killGraceMs ?? 5_000,
          ...(options.workspaceDir !== undefined ? { workspaceDir: options.workspaceDir } : {}),
          ...(options.env !== undefined ? { env: options.env } : {}),
          ...(options.onCommandRun !== undefined ? { onCommandRun: options.onCommandRun } : {}),
          ...(options.log !== undefined ? { log: options.log } : {}),
        },
        parsed(RunCommandInput, input),
      ),
  });
  return tools;
}
