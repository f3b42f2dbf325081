import { commitTree, type Person } from './commit-tree.js';
import { runGit } from './git-plumbing.js';

export interface MergeInput {
  targetSha: string;
  headSha: string;
  squash: boolean;
  mergeMessage: string;
  squashMessage: string;
  author: Person;
}

/**
 * GitLab's default merge method ("merge commit"): always a merge commit of the target and the source (with
 * `squash`, first one commit holding the source's changes on the merge base). `undefined` on conflicts. The
 * target branch is not moved here.
 */
export async function mergeCommit(repoDir: string, input: MergeInput): Promise<{ mergeSha: string; squashSha?: string } | undefined> {
  let source = input.headSha;
  let squashSha: string | undefined;
  if (input.squash) {
    const base = (await runGit(repoDir, ['merge-base', input.targetSha, input.headSha])).stdout.trim();
    const tree = (await runGit(repoDir, ['rev-parse', `${input.headSha}^{tree}`])).stdout.trim();
    squashSha = await commitTree(repoDir, { tree, parents: [base], message: input.squashMessage, author: input.author });
    source = squashSha;
  }
  const merged = await runGit(repoDir, ['merge-tree', '--write-tree', '--no-messages', input.targetSha, source], { okCodes: [1] });
  if (merged.code !== 0) return undefined;
  const tree = merged.stdout.split('\n')[0]?.trim() ?? '';
  const mergeSha = await commitTree(repoDir, { tree, parents: [input.targetSha, source], message: input.mergeMessage, author: input.author });
  return squashSha ? { mergeSha, squashSha } : { mergeSha };
}
