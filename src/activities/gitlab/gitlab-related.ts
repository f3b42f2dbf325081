import type { Forge } from '../forge.js';
import { gatherRelatedWork, relatedInputOf, type RelatedSources } from '../related-work.js';
import type { GitLabContext } from './gitlab-context.js';

/** Commits per path read from the target branch's history (one page, newest first). */
const COMMITS_PER_PATH = 20;

/**
 * Related work on GitLab: the target branch's commits touching each changed path (`GET /projects/:id/repository/commits
 * ?ref_name=&path=&since=`), the merged merge requests each belongs to (`…/commits/:sha/merge_requests`), and the issues
 * the description links (`GET /projects/:id/issues/:iid`, in this project or the one the reference names).
 */
export function createGitLabRelatedWork(ctx: GitLabContext): Required<Pick<Forge, 'relatedWork'>> {
  const { api } = ctx;
  return {
    async relatedWork(ref, snapshot) {
      const doing = `reading work related to ${ref.projectPath}!${ref.number}`;
      const webOrigin = await ctx.attempt(doing, async () => new URL((await api.Projects.show(ref.projectId)).web_url).origin).catch(() => undefined);
      const sources: RelatedSources = {
        commitsTouching: (path, since) =>
          ctx.attempt(doing, async () => {
            const commits = await api.Commits.all(ref.projectId, { refName: snapshot.targetBranch, path, since, perPage: COMMITS_PER_PATH, maxPages: 1 });
            return commits.map((commit) => ({ sha: commit.id, date: String(commit.committed_date ?? commit.created_at ?? ''), path }));
          }),
        changesOfCommit: (sha) =>
          ctx.attempt(doing, async () => {
            const mrs = await api.Commits.allMergeRequests(ref.projectId, sha);
            // Merge requests of this project only (a fork that has the commit may have its own).
            return mrs
              .filter((mr) => mr.project_id === ref.projectId)
              .map((mr) => ({ number: mr.iid, title: mr.title, merged: mr.state === 'merged', url: mr.web_url, ...(mr.merged_at ? { mergedAt: String(mr.merged_at) } : {}) }));
          }),
        issue: (reference) =>
          ctx.attempt(doing, async () => {
            const issue = await api.Issues.show(reference.number, { projectId: reference.project ?? ref.projectId });
            return { title: issue.title, state: issue.state, url: issue.web_url };
          }),
      };
      return gatherRelatedWork(sources, relatedInputOf('gitlab', snapshot, webOrigin));
    },
  };
}
