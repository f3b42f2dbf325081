import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs git in `repoDir` with `input` on stdin and extra environment; resolves stdout, rejects with stderr. Bounded in time. */
export function gitWith(repoDir: string, args: string[], options: { input?: Buffer | string; env?: Record<string, string> } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const input = options.input;
    const child = spawn('git', args, { cwd: repoDir, env: { ...process.env, ...options.env }, timeout: 30_000, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out).toString('utf8')) : reject(new Error(`git ${args[0]} failed (${code}): ${Buffer.concat(err).toString('utf8').trim()}`))));
    if (child.stdin) {
      // A git that exits before reading all of stdin is reported by its exit code, not as an EPIPE.
      child.stdin.on('error', () => {});
      child.stdin.end(input);
    }
  });
}

/** The type of an object (`blob`, `tree`, `commit`, `tag`), or undefined when the repository does not have it. */
export async function objectType(repoDir: string, sha: string): Promise<string | undefined> {
  if (!/^[0-9a-f]{40}$/.test(sha)) return undefined;
  return gitWith(repoDir, ['cat-file', '-t', sha]).then((type) => type.trim(), () => undefined);
}

/** The commit a branch points at, or undefined. */
export async function branchSha(repoDir: string, branch: string): Promise<string | undefined> {
  return gitWith(repoDir, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`]).then((sha) => sha.trim() || undefined, () => undefined);
}

/** Whether `name` is a valid branch name (`git check-ref-format --branch`). */
export async function validBranchName(repoDir: string, name: string): Promise<boolean> {
  if (name.startsWith('-')) return false;
  return gitWith(repoDir, ['check-ref-format', `refs/heads/${name}`]).then(() => true, () => false);
}

/** Moves (or creates, or with `to` undefined deletes) a ref only if it still holds `from` (empty: must not exist). */
export async function compareAndSwapRef(repoDir: string, ref: string, to: string | undefined, from: string): Promise<boolean> {
  const args = to === undefined ? ['update-ref', '-d', ref, from] : ['update-ref', ref, to, from || '0'.repeat(40)];
  return gitWith(repoDir, args).then(() => true, () => false);
}

export interface TreeChange {
  path: string;
  mode: string;
  /** null: remove the path. */
  sha: string | null;
}

/**
 * Writes a tree: `baseTree` (or nothing) with `changes` applied, built in a temporary index so the repository's own
 * index and work tree are untouched. Returns the tree SHA, or the path that could not be removed (it was not there).
 */
export async function writeTree(repoDir: string, baseTree: string | undefined, changes: TreeChange[]): Promise<{ sha: string } | { missing: string }> {
  const folder = await mkdtemp(join(tmpdir(), 'fake-github-index-'));
  const env = { GIT_INDEX_FILE: join(folder, 'index') };
  try {
    await gitWith(repoDir, baseTree ? ['read-tree', baseTree] : ['read-tree', '--empty'], { env });
    for (const change of changes) {
      if (change.sha === null) {
        const listed = (await gitWith(repoDir, ['ls-files', '--cached', '-z', '--', change.path], { env })).split('\0');
        if (!listed.includes(change.path)) return { missing: change.path };
        await gitWith(repoDir, ['update-index', '--force-remove', '--', change.path], { env });
      } else {
        await gitWith(repoDir, ['update-index', '--add', '--replace', '--cacheinfo', `${change.mode},${change.sha},${change.path}`], { env });
      }
    }
    return { sha: (await gitWith(repoDir, ['write-tree'], { env })).trim() };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** Who a commit made through the API is by: the caller, with GitHub's noreply address. */
export function identityEnv(user: { login: string; id: number }, when = new Date()): Record<string, string> {
  const email = `${user.id}+${user.login}@users.noreply.github.com`;
  const date = when.toISOString();
  return { GIT_AUTHOR_NAME: user.login, GIT_AUTHOR_EMAIL: email, GIT_AUTHOR_DATE: date, GIT_COMMITTER_NAME: user.login, GIT_COMMITTER_EMAIL: email, GIT_COMMITTER_DATE: date };
}
