import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGit } from './git-plumbing.js';

/** One action of `POST /projects/:id/repository/commits`, contents decoded. */
export type CommitAction =
  | { action: 'create' | 'update'; filePath: string; content: Buffer }
  | { action: 'delete'; filePath: string }
  | { action: 'move'; filePath: string; previousPath: string; content?: Buffer }
  | { action: 'chmod'; filePath: string; executable: boolean };

/** A refusal GitLab answers with 400 and this message. */
export class CommitRefused extends Error {}

export interface Person {
  name: string;
  email: string;
}

interface IndexEntry {
  mode: string;
  blob: string;
}

/** A temporary index file: the parent's tree, changed action by action, never touching the repository's own index. */
class TemporaryIndex {
  private constructor(
    private readonly repoDir: string,
    private readonly env: Record<string, string>,
  ) {}

  static async open(repoDir: string, parent: string | undefined): Promise<{ index: TemporaryIndex; close: () => Promise<void> }> {
    const dir = await mkdtemp(join(tmpdir(), 'fake-gitlab-index-'));
    // An empty work tree of its own: update-index wants one (bare repositories have none), and never reads it here.
    const index = new TemporaryIndex(repoDir, { GIT_INDEX_FILE: join(dir, 'index'), GIT_WORK_TREE: dir });
    await index.git(parent ? ['read-tree', parent] : ['read-tree', '--empty']);
    return { index, close: () => rm(dir, { recursive: true, force: true }) };
  }

  async git(args: string[], input?: Buffer | string): Promise<string> {
    return (await runGit(this.repoDir, args, { env: this.env, ...(input !== undefined ? { input } : {}) })).stdout;
  }

  /** The file at `path`; `directory` when files live under it. */
  async entry(path: string): Promise<IndexEntry | 'directory' | undefined> {
    const listed = await this.git(['--literal-pathspecs', 'ls-files', '--stage', '-z', '--', path]);
    let underneath = false;
    for (const line of listed.split('\0')) {
      const match = /^(\d+) ([0-9a-f]+) \d\t(.*)$/s.exec(line);
      if (match?.[3] === path) return { mode: match[1] ?? '100644', blob: match[2] ?? '' };
      if (match) underneath = true;
    }
    return underneath ? 'directory' : undefined;
  }

  async put(path: string, mode: string, blob: string): Promise<void> {
    await this.git(['update-index', '--add', '--cacheinfo', `${mode},${blob},${path}`]);
  }

  async remove(path: string): Promise<void> {
    await this.git(['update-index', '--force-remove', '--', path]);
  }

  async blob(content: Buffer): Promise<string> {
    return (await this.git(['hash-object', '-w', '--stdin'], content)).trim();
  }
}

async function existing(index: TemporaryIndex, path: string): Promise<IndexEntry> {
  const entry = await index.entry(path);
  if (!entry || entry === 'directory') throw new CommitRefused("A file with this name doesn't exist");
  return entry;
}

async function absent(index: TemporaryIndex, path: string): Promise<void> {
  const entry = await index.entry(path);
  if (entry === 'directory') throw new CommitRefused('A directory with this name already exists');
  if (entry) throw new CommitRefused('A file with this name already exists');
}

/** Applies one action the way GitLab does: create/update/move keep or set 100644, only chmod changes the mode. */
async function apply(index: TemporaryIndex, action: CommitAction): Promise<void> {
  switch (action.action) {
    case 'create':
      await absent(index, action.filePath);
      return index.put(action.filePath, '100644', await index.blob(action.content));
    case 'update': {
      const entry = await existing(index, action.filePath);
      return index.put(action.filePath, entry.mode, await index.blob(action.content));
    }
    case 'delete':
      await existing(index, action.filePath);
      return index.remove(action.filePath);
    case 'move': {
      const entry = await existing(index, action.previousPath);
      await absent(index, action.filePath);
      const blob = action.content ? await index.blob(action.content) : entry.blob;
      await index.remove(action.previousPath);
      return index.put(action.filePath, entry.mode, blob);
    }
    case 'chmod': {
      const entry = await existing(index, action.filePath);
      return index.put(action.filePath, action.executable ? '100755' : '100644', entry.blob);
    }
  }
}

/**
 * Writes a real commit: the parent's tree on a temporary index, the actions applied in order (`hash-object -w`,
 * `update-index`), `write-tree`, `commit-tree`. The branch is not moved here (see moveBranch).
 */
export async function writeCommit(
  repoDir: string,
  input: { parent: string | undefined; actions: CommitAction[]; message: string; author: Person },
): Promise<string> {
  const { index, close } = await TemporaryIndex.open(repoDir, input.parent);
  try {
    for (const action of input.actions) await apply(index, action);
    const tree = (await index.git(['write-tree'])).trim();
    return await commitTree(repoDir, { tree, parents: input.parent ? [input.parent] : [], message: input.message, author: input.author });
  } finally {
    await close();
  }
}

/** `git commit-tree` with the author as author and committer. */
export async function commitTree(repoDir: string, input: { tree: string; parents: string[]; message: string; author: Person }): Promise<string> {
  const env = {
    GIT_AUTHOR_NAME: input.author.name,
    GIT_AUTHOR_EMAIL: input.author.email,
    GIT_COMMITTER_NAME: input.author.name,
    GIT_COMMITTER_EMAIL: input.author.email,
  };
  const parents = input.parents.flatMap((parent) => ['-p', parent]);
  const { stdout } = await runGit(repoDir, ['commit-tree', input.tree, ...parents], { env, input: input.message });
  return stdout.trim();
}
