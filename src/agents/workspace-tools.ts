import { execFile } from 'node:child_process';
import { open, readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import type { WorkspaceToolName } from './agent-role.js';
import { confinedPath, ToolInputError } from './confined-path.js';
import { globToRegExp } from './glob.js';
import { sanitizeCode } from './sanitize.js';

export { confinedPath, ToolInputError } from './confined-path.js';

const run = promisify(execFile);
/** Whole files up to this size; larger ones only by line range, up to MAX_RANGE_FILE_BYTES. */
const MAX_FILE_BYTES = 200_000;
const MAX_RANGE_FILE_BYTES = 5_000_000;
const MAX_LINES = 400;
const MAX_LINE_CHARS = 2_000;
const MAX_LIST = 500;
const MAX_WALK = 20_000;
const MAX_MATCHES = 100;

export const ReadFileInput = z.object({
  path: z.string().min(1).max(1_000).describe('Path relative to the repository root.'),
  start_line: z.number().int().positive().optional().describe('First line to read (1-based).'),
  end_line: z.number().int().positive().optional().describe(`Last line to read; at most ${MAX_LINES} lines per call.`),
});
export type ReadFileInput = z.infer<typeof ReadFileInput>;

export const ListFilesInput = z.object({
  directory: z.string().max(1_000).default('.').describe('Directory relative to the repository root; "." for the root.'),
  pattern: z.string().min(1).max(200).optional().describe('Glob over paths relative to the repository, e.g. "*.ts" or "src/**/*.test.ts".'),
});
export type ListFilesInput = z.infer<typeof ListFilesInput>;

export const SearchCodeInput = z.object({
  pattern: z.string().min(1).max(200).describe('A fixed string (not a regular expression).'),
  path: z.string().max(1_000).optional().describe('Limit the search to this file or directory.'),
});
export type SearchCodeInput = z.infer<typeof SearchCodeInput>;

const clip = (line: string) => (line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)} … (line clipped)` : line);
const posix = (path: string) => path.split(sep).join('/');

async function readText(path: string, size: number): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(size);
    const { bytesRead } = await handle.read(buffer, 0, size, 0);
    const bytes = buffer.subarray(0, bytesRead);
    if (bytes.subarray(0, 8_000).includes(0)) throw new ToolInputError('binary file: not shown');
    return bytes.toString('utf8');
  } finally {
    await handle.close();
  }
}

/** The read-only tools the agent uses to look around the checked-out repository at `root`. */
export function createWorkspaceTools(root: string) {
  return {
    async read_file(input: ReadFileInput): Promise<string> {
      const path = await confinedPath(root, input.path);
      const info = await stat(path);
      if (!info.isFile()) throw new ToolInputError(`not a file: ${input.path}`);
      const ranged = input.start_line !== undefined || input.end_line !== undefined;
      if (info.size > MAX_RANGE_FILE_BYTES || (!ranged && info.size > MAX_FILE_BYTES)) {
        throw new ToolInputError(`file is ${info.size} bytes: ${ranged ? 'too large to read' : 'read a line range (start_line, end_line); search_code finds the lines'}`);
      }
      const lines = (await readText(path, info.size)).split('\n');
      if (lines.at(-1) === '') lines.pop();
      const start = input.start_line ?? 1;
      if (start > lines.length) throw new ToolInputError(`${input.path} has ${lines.length} lines`);
      const end = Math.min(input.end_line ?? start + MAX_LINES - 1, start + MAX_LINES - 1, lines.length);
      if (end < start) throw new ToolInputError('end_line is before start_line');
      const numbered = lines.slice(start - 1, end).map((line, index) => `${String(start + index).padStart(5)}  ${clip(line)}`);
      const more = end < lines.length ? `\n… ${lines.length - end} more lines (ask for start_line ${end + 1})` : '';
      return sanitizeCode(numbered.join('\n') + more);
    },

    async list_files(input: ListFilesInput): Promise<string> {
      const start = await confinedPath(root, input.directory);
      const realRoot = await realpath(root);
      const matcher = input.pattern === undefined ? undefined : globToRegExp(input.pattern);
      const found: string[] = [];
      let seen = 0;
      const walk = async (dir: string): Promise<void> => {
        const entries = await readdir(dir, { withFileTypes: true });
        entries.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
        for (const entry of entries) {
          if (found.length >= MAX_LIST || seen >= MAX_WALK) return;
          if (entry.name === '.git' || entry.name === 'node_modules') continue;
          seen += 1;
          const full = join(dir, entry.name);
          if (entry.isDirectory()) await walk(full); // a symlink is never followed: isDirectory() is false for it
          else if (entry.isFile() || entry.isSymbolicLink()) {
            const path = posix(relative(realRoot, full));
            if (!matcher || matcher.test(path)) found.push(path);
          }
        }
      };
      await walk(start);
      const stopped = found.length >= MAX_LIST || seen >= MAX_WALK ? `\n… (listing stopped at ${found.length} files: narrow the directory or pattern)` : '';
      return found.length === 0 ? '(no files)' : sanitizeCode(found.join('\n') + stopped);
    },

    async search_code(input: SearchCodeInput): Promise<string> {
      const scope = input.path ? relative(await realpath(root), await confinedPath(root, input.path)) || '.' : '.';
      try {
        const { stdout } = await run('git', ['grep', '-n', '-I', '--no-color', '--fixed-strings', '-e', input.pattern, '--', scope], {
          cwd: root,
          timeout: 20_000,
          maxBuffer: 8 * 1024 * 1024,
        });
        const matches = stdout.split('\n').filter(Boolean);
        const shown = matches.slice(0, MAX_MATCHES).map((line) => line.slice(0, 300));
        const more = matches.length > MAX_MATCHES ? `\n… ${matches.length - MAX_MATCHES} more matches` : '';
        return sanitizeCode(shown.join('\n') + more);
      } catch (error) {
        if ((error as { code?: unknown }).code === 1) return 'no matches';
        if ((error as { code?: unknown }).code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') throw new ToolInputError('too many matches: use a longer pattern or a path');
        throw error;
      }
    },
  };
}
export type WorkspaceTools = ReturnType<typeof createWorkspaceTools>;

function parseInput<T>(schema: z.ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new ToolInputError(`invalid input: ${zodIssues(parsed.error)}`);
  return parsed.data;
}

/** Validates a tool call's input and runs it; a ToolInputError is for the model to fix. */
export async function runWorkspaceTool(tools: WorkspaceTools, name: WorkspaceToolName, input: unknown): Promise<string> {
  switch (name) {
    case 'read_file':
      return tools.read_file(parseInput(ReadFileInput, input));
    case 'list_files':
      return tools.list_files(parseInput(ListFilesInput, input));
    case 'search_code':
      return tools.search_code(parseInput(SearchCodeInput, input));
  }
}

/** A zod error as one line the model (or a person) can act on. */
export function zodIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(input)'}: ${issue.message}`).join('; ');
}
