import { compareAndSwapRef, gitWith, identityEnv } from './git-objects.js';
import type { FakeGitHubUser, FakePull } from './state.js';
import { iso } from './serialize.js';

export type MergeOutcome = { sha: string } | { status: number; message: string };

export interface MergeInput {
  method: 'merge' | 'squash';
  sha?: string;
  title?: string;
  message?: string;
  who: FakeGitHubUser;
}

/**
 * Merges a pull request the way GitHub's merge button does, in the real repository: refused while draft (405), when
 * closed or conflicting (405), when the head is not `sha` (409); a merge commit (base, head) or a squash commit (base),
 * then the base branch moves only if it did not move meanwhile (405 "Base branch was modified").
 */
export async function mergePull(pull: FakePull, input: MergeInput): Promise<MergeOutcome> {
  if (pull.state !== 'open') return { status: 405, message: 'Pull Request is not mergeable' };
  if (pull.draft) return { status: 405, message: 'Pull Request is still a draft' };
  if (input.sha !== undefined && input.sha !== pull.headSha) return { status: 409, message: 'Head branch was modified. Review and try the merge again.' };
  const dir = pull.repo.repoDir;
  const tree = await gitWith(dir, ['merge-tree', '--write-tree', pull.baseSha, pull.headSha]).then((out) => out.split('\n')[0]?.trim(), () => undefined);
  if (!tree) return { status: 405, message: 'Pull Request is not mergeable' };
  const squash = input.method === 'squash';
  const title = input.title ?? (squash ? `${pull.title} (#${pull.number})` : `Merge pull request #${pull.number} from ${pull.repo.owner}/${pull.headRef}`);
  const message = `${title}\n\n${input.message ?? (squash ? '' : pull.title)}`.trimEnd() + '\n';
  const parents = squash ? [pull.baseSha] : [pull.baseSha, pull.headSha];
  const sha = (await gitWith(dir, ['commit-tree', tree, ...parents.flatMap((parent) => ['-p', parent])], { input: message, env: identityEnv(input.who) })).trim();
  if (!(await compareAndSwapRef(dir, `refs/heads/${pull.baseRef}`, sha, pull.baseSha))) return { status: 405, message: 'Base branch was modified. Review and try the merge again.' };
  const now = iso(Date.now());
  Object.assign(pull, { state: 'closed', merged: true, mergedAt: now, closedAt: now, mergeCommitSha: sha } satisfies Partial<FakePull>);
  return { sha };
}
