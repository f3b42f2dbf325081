import { spawn } from 'node:child_process';

export interface GitRun {
  stdout: string;
  code: number;
}

export interface GitRunOptions {
  /** Bytes written to git's stdin (blob contents, commit messages). */
  input?: Buffer | string;
  /** Extra environment, e.g. `GIT_INDEX_FILE` for a temporary index. */
  env?: Record<string, string>;
  /** Exit codes that are answers rather than failures (e.g. 1 from `merge-tree` on conflicts). */
  okCodes?: number[];
}

/** Runs git in `repoDir` with stdin and environment, bounded in time and output; rejects on other exit codes. */
export function runGit(repoDir: string, args: string[], options: GitRunOptions = {}): Promise<GitRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd: repoDir,
      env: { ...process.env, ...options.env },
      timeout: 30_000,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > 64 * 1024 * 1024) child.kill();
      else out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const exit = code ?? -1;
      if (exit === 0 || options.okCodes?.includes(exit)) return resolve({ stdout: Buffer.concat(out).toString('utf8'), code: exit });
      reject(new Error(`git ${args[0] ?? ''} failed (${exit}): ${Buffer.concat(err).toString('utf8').trim()}`));
    });
    child.stdin.on('error', () => {}); // git may exit before reading everything; its exit code tells
    child.stdin.end(options.input ?? '');
  });
}

/** The commit a branch points at, or undefined. */
export async function branchHead(repoDir: string, branch: string): Promise<string | undefined> {
  const { stdout } = await runGit(repoDir, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`], { okCodes: [1] });
  return stdout.trim() || undefined;
}

/** Every branch: its name, the commit it points at and that commit's committer date (Unix seconds). */
export async function listBranches(repoDir: string): Promise<Array<{ name: string; sha: string; committedAt: number }>> {
  const { stdout } = await runGit(repoDir, ['for-each-ref', '--format=%(refname:strip=2)%00%(objectname)%00%(committerdate:unix)', 'refs/heads']);
  return stdout.split('\n').filter(Boolean).map((line) => {
    const [name = '', sha = '', committedAt = '0'] = line.split('\0');
    return { name, sha, committedAt: Number(committedAt) };
  });
}

/** A branch, tag or SHA resolved to a commit, or undefined. */
export async function resolveCommit(repoDir: string, ref: string): Promise<string | undefined> {
  if (ref.startsWith('-')) return undefined;
  const { stdout } = await runGit(repoDir, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], { okCodes: [1, 128] });
  return stdout.trim() || undefined;
}

/** True when `name` is a valid branch name for git. */
export async function validBranchName(repoDir: string, name: string): Promise<boolean> {
  if (name.startsWith('-')) return false;
  const { code } = await runGit(repoDir, ['check-ref-format', '--branch', name], { okCodes: [1, 128] });
  return code === 0;
}

/** Moves `refs/heads/<branch>` from `oldSha` (empty: the branch must not exist) to `newSha`, atomically. */
export async function moveBranch(repoDir: string, branch: string, newSha: string, oldSha: string): Promise<boolean> {
  const { code } = await runGit(repoDir, ['update-ref', `refs/heads/${branch}`, newSha, oldSha || '0'.repeat(40)], { okCodes: [1, 128] });
  return code === 0;
}

/** The last commit at or before `ref` that touched `path` (`git log -1 -- path`), or undefined. */
export async function lastCommitForPath(repoDir: string, ref: string, path: string): Promise<string | undefined> {
  const commit = await resolveCommit(repoDir, ref);
  if (!commit) return undefined;
  const { stdout } = await runGit(repoDir, ['--literal-pathspecs', 'log', '-1', '--format=%H', commit, '--', path]);
  return stdout.trim() || undefined;
}

/** Deletes `refs/heads/<branch>` if it still points at `oldSha`. */
export async function deleteBranchRef(repoDir: string, branch: string, oldSha: string): Promise<boolean> {
  const { code } = await runGit(repoDir, ['update-ref', '-d', `refs/heads/${branch}`, oldSha], { okCodes: [1, 128] });
  return code === 0;
}
