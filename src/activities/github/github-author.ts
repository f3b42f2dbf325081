import { RequestError } from '@octokit/request-error';
import type { Logger } from '../../logger.js';
import type { ChangeAuthor } from '../forge.js';
import { commitFileChanges, headsRef } from './github-commit.js';
import type { GitHubConnection } from './github-connection.js';
import { ONCE, type RunInRepo } from './github-context.js';
import { commitPipelineStatus } from './github-pipeline.js';
import { createGitHubPullAuthor } from './github-pull-author.js';

/** GitHub answers a missing ref with 422 (or 404) "Reference does not exist"; a plain 404 is a repository we cannot see. */
const missingRef = (error: unknown) =>
  error instanceof RequestError && (error.status === 404 || error.status === 422) && /reference does not exist/i.test(String((error.response?.data as { message?: unknown } | undefined)?.message));

/**
 * ChangeAuthor on GitHub, through the Git data API: branches are refs made at a SHA, a patch is blobs + a tree + a
 * commit + a fast-forward ref update, so nothing is pushed with git and the write token never leaves this process.
 */
export function createGitHubAuthor(connection: GitHubConnection, run: RunInRepo, logger?: Logger): ChangeAuthor {
  return {
    async createBranch(repoRef, branch, fromSha) {
      await run(repoRef, `creating branch ${branch} in ${repoRef.projectPath}`, (api, repo) =>
        api.rest.git.createRef({ ...repo, ref: `refs/${headsRef(branch)}`, sha: fromSha, ...ONCE }),
      );
    },

    async deleteBranch(repoRef, branch) {
      await run(repoRef, `deleting branch ${branch} in ${repoRef.projectPath}`, async (api, repo) => {
        try {
          await api.rest.git.deleteRef({ ...repo, ref: headsRef(branch) });
        } catch (error) {
          if (!missingRef(error)) throw error;
        }
      });
    },

    async commitChanges(repoRef, input) {
      return run(repoRef, `committing ${input.changes.length} file(s) on ${input.branch} in ${repoRef.projectPath}`, (api, repo) => commitFileChanges(api, repo, input));
    },

    async pipelineStatus(repoRef, sha) {
      return run(repoRef, `reading checks of ${sha.slice(0, 12)} in ${repoRef.projectPath}`, (api, repo) => commitPipelineStatus(api, repo, sha));
    },

    ...createGitHubPullAuthor(connection, run, logger),
  };
}
