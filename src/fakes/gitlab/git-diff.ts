import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs git in `repoDir` (bounded in time and output) and returns its stdout. */
export async function git(repoDir: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd: repoDir, timeout: 30_000, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** One file of a diff, with GitLab's field names. `diff` holds only the hunks, as GitLab returns it. */
export interface GitLabDiffFile {
  old_path: string;
  new_path: string;
  a_mode: string;
  b_mode: string;
  new_file: boolean;
  renamed_file: boolean;
  deleted_file: boolean;
  generated_file: boolean;
  diff: string;
}

/** `git diff base head` of a real repository, split per file the way GitLab's API presents it. */
export async function diffFiles(repoDir: string, base: string, head: string): Promise<GitLabDiffFile[]> {
  const output = await git(repoDir, '-c', 'core.quotePath=false', 'diff', '--no-color', '--no-ext-diff', '-M', '--full-index', base, head);
  const files: GitLabDiffFile[] = [];
  for (const section of output.split(/^(?=diff --git )/m)) {
    if (!section.startsWith('diff --git ')) continue;
    const header = section.slice(0, section.search(/^@@ /m) >= 0 ? section.search(/^@@ /m) : section.length);
    const names = /^diff --git a\/(.+) b\/(.+)$/m.exec(header);
    const file: GitLabDiffFile = {
      old_path: /^rename from (.+)$/m.exec(header)?.[1] ?? /^--- a\/(.+?)\t?$/m.exec(header)?.[1] ?? names?.[1] ?? '',
      new_path: /^rename to (.+)$/m.exec(header)?.[1] ?? /^\+\+\+ b\/(.+?)\t?$/m.exec(header)?.[1] ?? names?.[2] ?? '',
      a_mode: /^(?:old mode|deleted file mode|index \S+) (\d+)$/m.exec(header)?.[1] ?? '100644',
      b_mode: /^(?:new mode|new file mode|index \S+) (\d+)$/m.exec(header)?.[1] ?? '100644',
      new_file: /^new file mode /m.test(header),
      renamed_file: /^rename from /m.test(header),
      deleted_file: /^deleted file mode /m.test(header),
      generated_file: false,
      diff: section.slice(header.length),
    };
    if (file.new_file) file.a_mode = '0';
    if (file.deleted_file) file.b_mode = '0';
    files.push(file);
  }
  return files;
}
