import { opendir, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { z } from 'zod';
import type { WorkspaceToolName } from './agent-role.js';
import { confinedPath, ToolInputError } from './confined-path.js';
import { gitGrep } from './git-grep.js';
import { MAX_GLOB_LENGTH, matchPaths } from './glob.js';
import { readLineRange } from './line-range.js';
import { sanitizeCode } from './sanitize.js';

export { confinedPath, ToolInputError } from './confined-path.js';

/** Whole files up to this size; larger ones only by line range, up to MAX_RANGE_FILE_BYTES. */
const MAX_FILE_BYTES = 200_000;
const MAX_RANGE_FILE_BYTES = 5_000_000;
const MAX_LINES = 400;
const MAX_LINE_CHARS = 2_000;
/** Characters of one read_file result: a range of long lines stops earlier, and says where to go on. */
const MAX_READ_CHARS = 100_000;
const MAX_LIST = 500;
const MAX_WALK = 20_000;
const MAX_MATCHES = 100;
/** Matches counted past the shown ones before git grep is stopped. */
const MAX_COUNTED_MATCHES = 10_000;
/** Wall-clock budget of matching one glob against the listed paths (in a worker thread: see glob.ts). */
const MATCH_TIMEOUT_MS = 5_000;

export const ReadFileInput = z.object({
  path: z.string().min(1).max(1_000).describe('Path relative to the repository root.'),
  start_line: z.number().int().positive().optional().describe('First line to read (1-based).'),
  end_line: z.number().int().positive().optional().describe(`Last line to read; at most ${MAX_LINES} lines per call.`),
});
export type ReadFileInput = z.infer<typeof ReadFileInput>;

export const ListFilesInput = z.object({
  directory: z.string().max(1_000).default('.').describe('Directory relative to the repository root; "." for the root.'),
  pattern: z.string().min(1).max(MAX_GLOB_LENGTH).optional().describe('Glob over paths relative to the repository, e.g. "*.ts" or "src/**/*.test.ts".'),
});
export type ListFilesInput = z.infer<typeof ListFilesInput>;

export const SearchCodeInput = z.object({
  pattern: z.string().min(1).max(200).describe('A fixed string (not a regular expression).'),
  path: z.string().max(1_000).optional().describe('Limit the search to this file or directory.'),
});
export type SearchCodeInput = z.infer<typeof SearchCodeInput>;

export interface WorkspaceToolOptions {
  /** Budget of one glob match (default 5 s). */
  matchTimeoutMs?: number;
}

const posix = (path: string) => path.split(sep).join('/');

/** The entries of a directory, sorted by name: at most `max` of them are read, however many it holds. */
async function readEntries(dir: string, max: number) {
  const entries = [];
  for await (const entry of await opendir(dir)) {
    entries.push(entry);
    if (entries.length >= max) break; // leaving the loop closes the directory
  }
  return entries.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
}

/**
 * The read-only tools the agent uses to look around the checked-out repository at `root`. Each takes an optional
 * AbortSignal (the tool loop's time limit) and holds bounded memory whatever the repository holds.
 */
export function createWorkspaceTools(root: string, options: WorkspaceToolOptions = {}) {
  const matchTimeoutMs = options.matchTimeoutMs ?? MATCH_TIMEOUT_MS;
  return {
    async read_file(input: ReadFileInput, signal?: AbortSignal): Promise<string> {
      const path = await confinedPath(root, input.path);
      const info = await stat(path);
      if (!info.isFile()) throw new ToolInputError(`not a file: ${input.path}`);
      const ranged = input.start_line !== undefined || input.end_line !== undefined;
      if (info.size > MAX_RANGE_FILE_BYTES || (!ranged && info.size > MAX_FILE_BYTES)) {
        throw new ToolInputError(`file is ${info.size} bytes: ${ranged ? 'too large to read' : 'read a line range (start_line, end_line); search_code finds the lines'}`);
      }
      const start = input.start_line ?? 1;
      const wanted = Math.min(input.end_line ?? Number.MAX_SAFE_INTEGER, start + MAX_LINES - 1);
      const range = await readLineRange(path, { start, end: wanted, maxLineChars: MAX_LINE_CHARS, maxChars: MAX_READ_CHARS, ...(signal ? { signal } : {}) });
      if (start > range.total) throw new ToolInputError(`${input.path} has ${range.total} lines`);
      if (wanted < start) throw new ToolInputError('end_line is before start_line');
      const end = start + range.numbered.length - 1;
      const cut = end < Math.min(wanted, range.total) ? ' (this result stopped early to stay short)' : '';
      const more = end < range.total ? `\n… ${range.total - end} more lines${cut} (ask for start_line ${end + 1})` : '';
      return sanitizeCode(range.numbered.join('\n') + more);
    },

    async list_files(input: ListFilesInput, signal?: AbortSignal): Promise<string> {
      const start = await confinedPath(root, input.directory);
      const realRoot = await realpath(root);
      // Without a pattern the walk stops at MAX_LIST files; with one it collects up to MAX_WALK entries to match.
      const candidates: string[] = [];
      let seen = 0;
      const enough = () => (input.pattern === undefined && candidates.length >= MAX_LIST) || seen >= MAX_WALK;
      const walk = async (dir: string): Promise<void> => {
        for (const entry of await readEntries(dir, MAX_WALK - seen + 1)) {
          signal?.throwIfAborted();
          if (enough()) return;
          if (entry.name === '.git' || entry.name === 'node_modules') continue;
          seen += 1;
          const full = join(dir, entry.name);
          if (entry.isDirectory()) await walk(full); // a symlink is never followed: isDirectory() is false for it
          else if (entry.isFile() || entry.isSymbolicLink()) candidates.push(posix(relative(realRoot, full)));
        }
      };
      await walk(start);
      const found =
        input.pattern === undefined ? candidates : await matchPaths(input.pattern, candidates, { timeoutMs: matchTimeoutMs, limit: MAX_LIST, ...(signal ? { signal } : {}) });
      const stopped = found.length >= MAX_LIST || seen >= MAX_WALK ? `\n… (listing stopped at ${found.length} files: narrow the directory or pattern)` : '';
      return found.length === 0 ? '(no files)' : sanitizeCode(found.join('\n') + stopped);
    },

    async search_code(input: SearchCodeInput, signal?: AbortSignal): Promise<string> {
      const scope = input.path ? relative(await realpath(root), await confinedPath(root, input.path)) || '.' : '.';
      const grep = await gitGrep(input.pattern, scope, {
        cwd: root,
        maxMatches: MAX_MATCHES,
        maxLineChars: 300,
        maxCounted: MAX_MATCHES + MAX_COUNTED_MATCHES,
        timeoutMs: 20_000,
        ...(signal ? { signal } : {}),
      });
      if (grep.count === 0) return 'no matches';
      const rest = grep.count - grep.matches.length;
      const more = rest > 0 ? `\n… ${grep.more ? 'more than ' : ''}${rest} more matches` : '';
      return sanitizeCode(grep.matches.join('\n') + more);
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
export async function runWorkspaceTool(tools: WorkspaceTools, name: WorkspaceToolName, input: unknown, signal?: AbortSignal): Promise<string> {
  switch (name) {
    case 'read_file':
      return tools.read_file(parseInput(ReadFileInput, input), signal);
    case 'list_files':
      return tools.list_files(parseInput(ListFilesInput, input), signal);
    case 'search_code':
      return tools.search_code(parseInput(SearchCodeInput, input), signal);
  }
}

/** A zod error as one line the model (or a person) can act on. */
export function zodIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(input)'}: ${issue.message}`).join('; ');
}
