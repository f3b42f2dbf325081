import { RequestError } from '@octokit/request-error';
import type { ChangeRef, RepositoryRef } from '../../domain/change-ref.js';
import type { Logger } from '../../logger.js';
import type { ChangeAuthor, OpenChangeInput } from '../forge.js';
import type { GitHubConnection } from './github-connection.js';
import { ONCE, type Repo, type RunInRepo } from './github-context.js';
import type { GitHubOctokit } from './github-octokit.js';
import { loginOf } from './github-people.js';

const READY = `mutation ForgebotMarkReady($id: ID!) {
  markPullRequestReadyForReview(input: { pullRequestId: $id }) { pullRequest { isDraft } }
}`;

const changeRef = (repo: RepositoryRef, number: number): ChangeRef => ({ forge: repo.forge, projectId: repo.projectId, projectPath: repo.projectPath, number });
const pullOf = (repo: Repo, ref: ChangeRef) => ({ ...repo, pull_number: ref.number });
const alreadyExists = (error: unknown) => error instanceof RequestError && error.status === 422 && /already exists/i.test(JSON.stringify(error.response?.data ?? {}));

/**
 * Opens the pull request, or finds the one forgebot already opened from this branch into this base (an activity retried
 * after GitHub created it but before the answer arrived): GitHub allows one open pull request per head and base.
 */
async function createOrReuse(api: GitHubOctokit, connection: GitHubConnection, repo: Repo, input: OpenChangeInput) {
  try {
    const { data } = await api.rest.pulls.create({ ...repo, head: input.sourceBranch, base: input.targetBranch, title: input.title, body: input.description, draft: input.draft, ...ONCE });
    return data;
  } catch (error) {
    if (!alreadyExists(error)) throw error;
    const [open, bot] = await Promise.all([
      api.rest.pulls.list({ ...repo, head: `${repo.owner}:${input.sourceBranch}`, base: input.targetBranch, state: 'open', per_page: 10 }),
      connection.botLogin(repo.owner, repo.repo),
    ]);
    const ours = open.data.find((pull) => pull.user?.login === bot);
    if (!ours) throw error;
    return ours;
  }
}

/** Reviewers by login; GitHub user ids are looked up (an unknown id is skipped). */
async function reviewerLogins(api: GitHubOctokit, reviewers: Array<number | string>): Promise<string[]> {
  const logins = await Promise.all(reviewers.map((reviewer) => (typeof reviewer === 'number' ? loginOf(api, reviewer) : reviewer)));
  return logins.filter((login): login is string => login !== undefined);
}

type PullAuthor = Pick<ChangeAuthor, 'openChange' | 'updateDescription' | 'markReady' | 'closeChange' | 'merge'>;

/** Pull requests forgebot opens: draft, labels, reviewers, description, ready, close, merge at a SHA. */
export function createGitHubPullAuthor(connection: GitHubConnection, run: RunInRepo, logger?: Logger): PullAuthor {
  return {
    async openChange(repoRef, input) {
      return run(repoRef, `opening a pull request from ${input.sourceBranch} in ${repoRef.projectPath}`, async (api, repo) => {
        const pull = await createOrReuse(api, connection, repo, input);
        const at = { ...repo, issue_number: pull.number };
        if (input.labels && input.labels.length > 0) await api.rest.issues.addLabels({ ...at, labels: input.labels });
        const reviewers = await reviewerLogins(api, input.reviewers ?? []);
        if (reviewers.length > 0) {
          try {
            await api.rest.pulls.requestReviewers({ ...repo, pull_number: pull.number, reviewers });
          } catch (error) {
            // The pull request exists and must be returned (its compensation closes it): a refused reviewer
            // (not a collaborator, the author) is a warning, not a failure that would orphan it.
            if (!(error instanceof RequestError && error.status === 422)) throw error;
            logger?.warn({ repository: repoRef.projectPath, pr: pull.number, reviewers, reason: (error.response?.data as { message?: string } | undefined)?.message }, 'github refused the reviewers');
          }
        }
        return { ref: changeRef(repoRef, pull.number), webUrl: pull.html_url };
      });
    },

    async updateDescription(ref, description) {
      await run(ref, `updating the description of ${ref.projectPath}#${ref.number}`, (api, repo) => api.rest.pulls.update({ ...pullOf(repo, ref), body: description }));
    },

    async markReady(ref) {
      // REST cannot take a pull request out of draft; GraphQL can. Already ready: nothing to do (a retry).
      await run(ref, `marking ${ref.projectPath}#${ref.number} ready for review`, async (api, repo) => {
        const { data: pull } = await api.rest.pulls.get(pullOf(repo, ref));
        if (pull.draft) await api.graphql(READY, { id: pull.node_id });
      });
    },

    async closeChange(ref) {
      await run(ref, `closing ${ref.projectPath}#${ref.number}`, async (api, repo) => {
        const { data: pull } = await api.rest.pulls.get(pullOf(repo, ref));
        if (pull.state !== 'closed') await api.rest.pulls.update({ ...pullOf(repo, ref), state: 'closed' });
      });
    },

    async merge(ref, input) {
      return run(ref, `merging ${ref.projectPath}#${ref.number} at ${input.sha.slice(0, 12)}`, async (api, repo) => {
        const { data } = await api.rest.pulls.merge({
          ...pullOf(repo, ref),
          sha: input.sha,
          merge_method: input.squash ? 'squash' : 'merge',
          ...(input.commitMessage !== undefined ? { commit_message: input.commitMessage } : {}),
          ...ONCE,
        });
        return data.sha ? { mergeSha: data.sha } : {};
      });
    },
  };
}
