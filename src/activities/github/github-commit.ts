import type { FileChange } from '../../domain/file-change.js';
import { ForgeError } from '../forge.js';
import { ONCE, type Repo } from './github-context.js';
import type { GitHubOctokit } from './github-octokit.js';

export interface CommitInput {
  branch: string;
  parentSha: string;
  message: string;
  changes: FileChange[];
}

/** A `POST /git/trees` entry: a blob at a path with its mode, or `sha: null` to delete the path from the base tree. */
type TreeEntry = { path: string; mode: '100644' | '100755'; type: 'blob'; sha: string | null };

/** `refs/heads/<branch>` as the refs endpoints address it (`heads/<branch>`). */
export const headsRef = (branch: string) => `heads/${branch}`;

/** The branch's head commit (GET /git/ref/heads/<branch>). */
export async function branchHead(api: GitHubOctokit, repo: Repo, branch: string): Promise<string> {
  const { data } = await api.rest.git.getRef({ ...repo, ref: headsRef(branch) });
  return data.object.sha;
}

/**
 * One commit through the Git data API, nothing pushed: the branch must still be at `parentSha`; each created or updated
 * file becomes a blob (base64, so binary bytes survive); one tree on the parent's tree (mode 100755 for executables,
 * `sha: null` deletes); one commit with the parent; the branch moves to it only as a fast forward (`force: false`), so a
 * push in between fails with ERR_FORGE_CONFLICT instead of being overwritten. No changes make an empty commit (the
 * parent's tree), which a pull request opened before any work needs. Blobs, trees and commits are
 * content-addressed: repeating them is harmless; the ref update is the one step that publishes.
 */
export async function commitFileChanges(api: GitHubOctokit, repo: Repo, input: CommitInput): Promise<{ sha: string }> {
  const head = await branchHead(api, repo, input.branch);
  if (head !== input.parentSha) {
    throw new ForgeError('ERR_FORGE_CONFLICT', `branch ${input.branch} is at ${head.slice(0, 12)}, not at the parent ${input.parentSha.slice(0, 12)}`);
  }
  const { data: parent } = await api.rest.git.getCommit({ ...repo, commit_sha: input.parentSha });
  const tree: TreeEntry[] = [];
  for (const change of input.changes) {
    if (change.action === 'delete') {
      tree.push({ path: change.path, mode: '100644', type: 'blob', sha: null });
      continue;
    }
    const { data: blob } = await api.rest.git.createBlob({ ...repo, content: change.contentBase64, encoding: 'base64' });
    tree.push({ path: change.path, mode: change.executable ? '100755' : '100644', type: 'blob', sha: blob.sha });
  }
  // No changes: an empty commit on the parent's own tree (a pull request needs a commit to open), no tree made.
  const treeSha = tree.length === 0 ? parent.tree.sha : (await api.rest.git.createTree({ ...repo, base_tree: parent.tree.sha, tree })).data.sha;
  const { data: commit } = await api.rest.git.createCommit({ ...repo, message: input.message, tree: treeSha, parents: [input.parentSha] });
  await api.rest.git.updateRef({ ...repo, ref: headsRef(input.branch), sha: commit.sha, force: false, ...ONCE });
  return { sha: commit.sha };
}
