import type { CommitAction } from '@gitbeaker/rest';
import type { FileChange } from '../../domain/file-change.js';
import { ForgeError, type ChangeAuthor } from '../forge.js';
import type { GitLabContext } from './gitlab-context.js';
import { gitlabAnswer, toForgeError } from './gitlab-errors.js';

const short = (sha: string) => sha.slice(0, 12);

/**
 * GitLab commit actions for a patch. The contents go base64 (binary files survive). GitLab only changes a file's
 * mode on `chmod`: an executable new file gets a chmod after its create, and an update states its mode with a
 * chmod, so the file ends up exactly as the patch says. Updates and deletes carry `last_commit_id = parentSha`:
 * GitLab refuses them ("The file has changed since you started editing it") when the file's last commit on the
 * branch is not its last commit as of the parent.
 */
export function commitActions(changes: readonly FileChange[], parentSha: string): CommitAction[] {
  return changes.flatMap((change): CommitAction[] => {
    if (change.action === 'delete') return [{ action: 'delete', filePath: change.path, lastCommitId: parentSha }];
    const write: CommitAction = {
      action: change.action,
      filePath: change.path,
      content: change.contentBase64,
      encoding: 'base64',
      ...(change.action === 'update' ? { lastCommitId: parentSha } : {}),
    };
    const mode: CommitAction = { action: 'chmod', filePath: change.path, execute_filemode: change.executable };
    return change.action === 'update' || change.executable ? [write, mode] : [write];
  });
}

/** Branches and commits through GitLab's API: the write token never reaches git or the sandbox. */
export function createGitLabBranchAuthor(ctx: GitLabContext): Pick<ChangeAuthor, 'createBranch' | 'deleteBranch' | 'commitChanges'> {
  const { api, attempt } = ctx;
  return {
    async createBranch(repo, branch, fromSha) {
      await attempt(`creating branch ${branch} at ${short(fromSha)} in ${repo.projectPath}`, () => api.Branches.create(repo.projectId, branch, fromSha));
    },

    async deleteBranch(repo, branch) {
      try {
        await api.Branches.remove(repo.projectId, branch);
      } catch (error) {
        if (gitlabAnswer(error)?.status === 404) return; // already gone: compensation is done
        throw toForgeError(error, `deleting branch ${branch} in ${repo.projectPath}`, ctx.secrets);
      }
    },

    async commitChanges(repo, { branch, parentSha, message, changes }) {
      const doing = `committing ${changes.length} file(s) on ${branch} in ${repo.projectPath}`;
      if (changes.length === 0) throw new ForgeError('ERR_FORGE_INVALID', `${doing}: the patch changes nothing`);
      return attempt(doing, async () => {
        // GitLab's commits API has no "expected parent": check the head first, and let last_commit_id guard the files.
        const head = (await api.Branches.show(repo.projectId, branch)).commit.id;
        if (head !== parentSha) {
          throw new ForgeError('ERR_FORGE_CONFLICT', `${doing}: the branch is at ${short(head)}, not at the expected parent ${short(parentSha)}`);
        }
        const commit = await api.Commits.create(repo.projectId, branch, message, commitActions(changes, parentSha));
        if (commit.parent_ids?.[0] !== parentSha) {
          // The branch moved between the check and the commit, without touching these files.
          throw new ForgeError('ERR_FORGE_CONFLICT', `${doing}: commit ${short(commit.id)} landed on ${short(commit.parent_ids?.[0] ?? '?')}, not on ${short(parentSha)}`);
        }
        return { sha: commit.id };
      });
    },
  };
}
