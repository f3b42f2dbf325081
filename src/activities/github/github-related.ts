import type { Forge } from '../forge.js';
import { gatherRelatedWork, relatedInputOf, type RelatedSources } from '../related-work.js';
import type { RunInRepo } from './github-context.js';

/** Commits per path read from the base branch's history (one page, newest first). */
const COMMITS_PER_PATH = 20;

/**
 * Related work on GitHub: the base branch's commits touching each changed path (`GET /repos/{o}/{r}/commits?sha=&path=
 * &since=`), the merged pull requests each belongs to (`…/commits/{sha}/pulls`), and the issues the description links
 * (`GET /repos/{o}/{r}/issues/{n}`, in this repository or the one the reference names).
 */
export function createGitHubRelatedWork(run: RunInRepo): Required<Pick<Forge, 'relatedWork'>> {
  return {
    async relatedWork(ref, snapshot) {
      const doing = `reading work related to ${ref.projectPath}#${ref.number}`;
      const webOrigin = await run(ref, doing, async (api, repo) => new URL((await api.rest.repos.get(repo)).data.html_url).origin).catch(() => undefined);
      const sources: RelatedSources = {
        commitsTouching: (path, since) =>
          run(ref, doing, async (api, repo) => {
            const { data } = await api.rest.repos.listCommits({ ...repo, sha: snapshot.targetBranch, path, since, per_page: COMMITS_PER_PATH });
            return data.map((commit) => ({ sha: commit.sha, date: commit.commit.committer?.date ?? commit.commit.author?.date ?? '', path }));
          }),
        changesOfCommit: (sha) =>
          run(ref, doing, async (api, repo) => {
            const { data } = await api.rest.repos.listPullRequestsAssociatedWithCommit({ ...repo, commit_sha: sha, per_page: 10 });
            // Pull requests into this repository only (a fork's own pull requests may hold the commit too).
            return data
              .filter((pull) => pull.base.repo.full_name.toLowerCase() === ref.projectPath.toLowerCase())
              .map((pull) => ({ number: pull.number, title: pull.title, merged: pull.merged_at !== null, url: pull.html_url, ...(pull.merged_at ? { mergedAt: pull.merged_at } : {}) }));
          }),
        issue: (reference) =>
          run({ ...ref, projectPath: reference.project ?? ref.projectPath }, doing, async (api, repo) => {
            const { data } = await api.rest.issues.get({ ...repo, issue_number: reference.number });
            return { title: data.title, state: data.state, url: data.html_url };
          }),
      };
      return gatherRelatedWork(sources, relatedInputOf('github', snapshot, webOrigin));
    },
  };
}
