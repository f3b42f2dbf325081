import { copyFile, mkdtemp, rm, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { git } from './git.js';

/**
 * Runs `use` with a scratch index that holds the whole working tree (`git add -A` into a copy of the repository's
 * index: untracked files included, ignored ones not), then removes it. The repository's own index is never written.
 */
export async function withWorkingTreeIndex<T>(repoDir: string, headSha: string, use: (indexFile: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'forgebot-index-'));
  const indexFile = join(dir, 'index');
  try {
    const realIndex = (await git(repoDir, ['rev-parse', '--git-path', 'index'])).trim();
    // A copy keeps the index's file stats, so `git add -A` hashes only the files that changed; without one, the
    // head's tree is read in (and every file hashed). Either way `add -A` makes the index match the working tree.
    // The copy keeps the index's mtime too: git trusts an entry's stats only when the file is older than the
    // index (the "racy git" rule), so a fresh mtime would hide a same-size edit made in the checkout's second.
    const copied = await copyIndex(isAbsolute(realIndex) ? realIndex : join(repoDir, realIndex), indexFile);
    if (!copied) await git(repoDir, ['read-tree', headSha], { indexFile });
    await git(repoDir, ['add', '--all', '--', '.'], { indexFile });
    return await use(indexFile);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function copyIndex(from: string, to: string): Promise<boolean> {
  try {
    const info = await stat(from);
    await copyFile(from, to);
    await utimes(to, info.atime, info.mtime);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
