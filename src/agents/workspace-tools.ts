import { execFile } from 'node:child_process';
import { lstat, readdir, readFile, realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { sanitizeUntrusted } from './sanitize.js';

const run = promisify(execFile);
const MAX_FILE_BYTES = 200_000;
const MAX_LINES = 400;
const MAX_LIST = 500;
const MAX_MATCHES = 100;

export class ToolInputError extends Error {}

/** Resolves `path` inside `root`, refusing anything (`..`, absolute paths, symlinks) that leads outside it. */
export async function confinedPath(root: string, path: string): Promise<string> {
  if (isAbsolute(path)) throw new ToolInputError(`path must be relative to the repository: ${path}`);
  const realRoot = await realpath(root);
  const candidate = resolve(realRoot, path);
  const inside = (target: string) => target === realRoot || target.startsWith(realRoot + sep);
  if (!inside(candidate)) throw new ToolInputError(`path leaves the repository: ${path}`);
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    throw new ToolInputError(`no such file or directory: ${path}`);
  }
  if (!inside(real)) throw new ToolInputError(`path leads outside the repository (symlink): ${path}`);
  if (relative(realRoot, real).split(sep).includes('.git')) throw new ToolInputError('the .git folder is not readable');
  return real;
}

export const ReadFileInput = z.object({
  path: z.string().min(1),
  start_line: z.number().int().positive().optional(),
  end_line: z.number().int().positive().optional(),
});

export const ListFilesInput = z.object({ directory: z.string().default('.') });

export const SearchCodeInput = z.object({ pattern: z.string().min(1).max(200), path: z.string().optional() });

/** The read-only tools the agent uses to look around the checked-out repository. */
export function createWorkspaceTools(root: string) {
  return {
    async read_file(input: z.infer<typeof ReadFileInput>): Promise<string> {
      const path = await confinedPath(root, input.path);
      const info = await lstat(path);
      if (!info.isFile()) throw new ToolInputError(`not a file: ${input.path}`);
      if (info.size > MAX_FILE_BYTES) throw new ToolInputError(`file is larger than ${MAX_FILE_BYTES} bytes: read a line range with search_code first`);
      const lines = (await readFile(path, 'utf8')).split('\n');
      const start = input.start_line ?? 1;
      const end = Math.min(input.end_line ?? start + MAX_LINES - 1, start + MAX_LINES - 1, lines.length);
      const numbered = lines.slice(start - 1, end).map((line, index) => `${String(start + index).padStart(5)}  ${line}`);
      const more = end < lines.length ? `\n… ${lines.length - end} more lines (ask for start_line ${end + 1})` : '';
      return sanitizeUntrusted(numbered.join('\n') + more);
    },

    async list_files(input: z.infer<typeof ListFilesInput>): Promise<string> {
      const start = await confinedPath(root, input.directory);
      const realRoot = await realpath(root);
      const found: string[] = [];
      const walk = async (dir: string): Promise<void> => {
        for (const entry of await readdir(dir, { withFileTypes: true })) {
          if (found.length >= MAX_LIST) return;
          if (entry.name === '.git' || entry.name === 'node_modules') continue;
          const full = join(dir, entry.name);
          if (entry.isDirectory()) await walk(full);
          else if (entry.isFile()) found.push(relative(realRoot, full));
        }
      };
      await walk(start);
      found.sort();
      return found.length >= MAX_LIST ? `${found.join('\n')}\n… (listing stopped at ${MAX_LIST} files)` : found.join('\n') || '(empty)';
    },

    async search_code(input: z.infer<typeof SearchCodeInput>): Promise<string> {
      const scope = input.path ? relative(await realpath(root), await confinedPath(root, input.path)) || '.' : '.';
      try {
        const { stdout } = await run('git', ['grep', '-n', '-I', '--fixed-strings', '-e', input.pattern, '--', scope], {
          cwd: root,
          timeout: 20_000,
          maxBuffer: 4 * 1024 * 1024,
        });
        const matches = stdout.split('\n').filter(Boolean);
        const shown = matches.slice(0, MAX_MATCHES).map((line) => line.slice(0, 300));
        const more = matches.length > MAX_MATCHES ? `\n… ${matches.length - MAX_MATCHES} more matches` : '';
        return sanitizeUntrusted(shown.join('\n') + more);
      } catch (error) {
        if ((error as { code?: number }).code === 1) return 'no matches';
        throw error;
      }
    },
  };
}
export type WorkspaceTools = ReturnType<typeof createWorkspaceTools>;
