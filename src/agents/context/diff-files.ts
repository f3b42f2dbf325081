import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { gitEnvironment } from '../checkout.js';
import { gitLinePaths, headerPath, unquoteGitPath } from './git-path.js';

const run = promisify(execFile);

/** One file's section of a `git diff`. */
export interface DiffFile {
  oldPath: string;
  newPath: string;
  status: 'added' | 'deleted' | 'renamed' | 'modified';
  binary: boolean;
  /** The whole section, `diff --git` header included (what the model reads). */
  text: string;
  /** From the first `@@` on: the part comments anchor on. Empty for binary files and pure renames. */
  hunks: string;
  added: number;
  removed: number;
  /** Set when the file is too large to review: why (its size). `text` is then only its header, `hunks` empty. */
  tooLarge?: string;
}

/** The path of a `--- a/x` / `+++ b/x` line, or undefined for /dev/null. */
function sidePath(line: string | undefined): string | undefined {
  return line === undefined ? undefined : headerPath(line.slice(4));
}

/** One file's section of a `git diff` (from its `diff --git` line, without the final newline). */
export function parseDiffSection(text: string): DiffFile {
  const lines = text.split('\n');
  const hunkStart = text.search(/^@@ /m);
  const header = hunkStart < 0 ? lines : text.slice(0, hunkStart).split('\n');
  const field = (prefix: string) => header.find((line) => line.startsWith(prefix))?.slice(prefix.length);
  const fromGitLine = gitLinePaths(lines[0] ?? '');
  const oldPath = unquoteGitPath(field('rename from ')) ?? sidePath(header.find((line) => line.startsWith('--- '))) ?? fromGitLine?.[0] ?? '';
  const newPath = unquoteGitPath(field('rename to ')) ?? sidePath(header.find((line) => line.startsWith('+++ '))) ?? fromGitLine?.[1] ?? oldPath;
  const hunks = hunkStart < 0 ? '' : text.slice(hunkStart);
  const body = hunks.split('\n');
  const status = field('new file mode') !== undefined ? 'added' : field('deleted file mode') !== undefined ? 'deleted' : field('rename from ') !== undefined ? 'renamed' : 'modified';
  return {
    oldPath: oldPath || newPath,
    newPath: status === 'deleted' ? oldPath || newPath : newPath,
    status,
    binary: header.some((line) => line.startsWith('Binary files ') || line === 'GIT binary patch'),
    text,
    hunks,
    added: body.filter((line) => line.startsWith('+')).length,
    removed: body.filter((line) => line.startsWith('-')).length,
  };
}

/** Splits `git diff` output into its files. */
export function parseDiffFiles(diff: string): DiffFile[] {
  return diff
    .split(/^(?=diff --git )/m)
    .filter((section) => section.startsWith('diff --git '))
    .map((section) => parseDiffSection(section.replace(/\n$/, '')));
}

/**
 * `git diff` of a range (`base...head` or `last..head`) with `context` lines around each change, read whole: for
 * small repositories (tests, benches). The runner reads diffs through readDiffFiles (read-diff.ts), bounded.
 */
export async function gitDiff(dir: string, range: string, context: number): Promise<string> {
  const { stdout } = await run('git', ['-c', 'core.quotePath=false', 'diff', '--no-color', '--no-ext-diff', '--no-textconv', '-M', `-U${context}`, range], {
    cwd: dir,
    env: gitEnvironment(process.env, undefined),
    timeout: 60_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  return stdout;
}

/** True when `ancestor` is in the repository and an ancestor of `head` (false after a force push that dropped it). */
export async function isAncestor(dir: string, ancestor: string, head: string): Promise<boolean> {
  return run('git', ['merge-base', '--is-ancestor', ancestor, head], { cwd: dir, env: gitEnvironment(process.env, undefined), timeout: 30_000 }).then(
    () => true,
    () => false,
  );
}
