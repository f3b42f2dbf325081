import type { ChangeRef, RepositoryRef } from '../../domain/change-ref.js';
import { ForgeError, type ChangeAuthor } from '../forge.js';
import type { GitLabContext } from './gitlab-context.js';
import { gitlabAnswer, toForgeError } from './gitlab-errors.js';

/** The title prefixes GitLab reads as "draft" (`Draft:`, `[Draft]`, `(Draft)`), any number of them. */
const DRAFT_PREFIXES = /^(?:\s*(?:\[draft\]|\(draft\)|draft:|draft\s-\s))+\s*/i;

export const draftTitle = (title: string) => (DRAFT_PREFIXES.test(title) ? title : `Draft: ${title}`);
export const readyTitle = (title: string) => title.replace(DRAFT_PREFIXES, '');

/**
 * The merge API's refusals (405 draft/closed/not mergeable, 406 and 422 "Branch cannot be merged" — 406 before
 * GitLab 16 —, 409 "SHA does not match HEAD of source branch"): the change cannot be merged as asked.
 */
const MERGE_REFUSALS = new Set([405, 406, 409, 422]);

const refOf = (repo: RepositoryRef, iid: number): ChangeRef => ({ forge: 'gitlab', projectId: repo.projectId, projectPath: repo.projectPath, number: iid });
const where = (ref: ChangeRef) => `${ref.projectPath}!${ref.number}`;

/** Merge requests forgebot opens, edits, closes and merges. */
export function createGitLabChangeAuthor(
  ctx: GitLabContext,
  reviewerIds: (reviewers: ReadonlyArray<number | string>) => Promise<number[]>,
): Pick<ChangeAuthor, 'openChange' | 'updateDescription' | 'markReady' | 'closeChange' | 'merge'> {
  const { api, attempt } = ctx;
  return {
    async openChange(repo, input) {
      return attempt(`opening a merge request from ${input.sourceBranch} in ${repo.projectPath}`, async () => {
        const reviewers = input.reviewers?.length ? await reviewerIds(input.reviewers) : [];
        const mr = await api.MergeRequests.create(repo.projectId, input.sourceBranch, input.targetBranch, input.draft ? draftTitle(input.title) : input.title, {
          description: input.description,
          ...(input.labels?.length ? { labels: input.labels } : {}),
          ...(reviewers.length ? { reviewerIds: reviewers } : {}),
        });
        return { ref: refOf(repo, mr.iid), webUrl: mr.web_url };
      });
    },

    async updateDescription(ref, description) {
      await attempt(`updating the description of ${where(ref)}`, () => api.MergeRequests.edit(ref.projectId, ref.number, { description }));
    },

    async markReady(ref) {
      await attempt(`marking ${where(ref)} ready`, async () => {
        // The REST API has no draft flag: a merge request is a draft while its title carries a draft prefix.
        const mr = await api.MergeRequests.show(ref.projectId, ref.number);
        const title = readyTitle(mr.title);
        if (title !== mr.title) await api.MergeRequests.edit(ref.projectId, ref.number, { title });
      });
    },

    async closeChange(ref) {
      await attempt(`closing ${where(ref)}`, () => api.MergeRequests.edit(ref.projectId, ref.number, { stateEvent: 'close' }));
    },

    async merge(ref, input) {
      const doing = `merging ${where(ref)} at ${input.sha.slice(0, 12)}`;
      try {
        const message = input.commitMessage !== undefined ? (input.squash ? { squashCommitMessage: input.commitMessage } : { mergeCommitMessage: input.commitMessage }) : {};
        const mr = await api.MergeRequests.merge(ref.projectId, ref.number, { sha: input.sha, squash: input.squash ?? false, ...message });
        const mergeSha = (mr.merge_commit_sha as string | null | undefined) ?? (mr.squash_commit_sha as string | null | undefined) ?? undefined;
        return mergeSha ? { mergeSha } : {};
      } catch (error) {
        const failure = toForgeError(error, doing, ctx.secrets);
        const status = gitlabAnswer(error)?.status;
        if (status !== undefined && MERGE_REFUSALS.has(status)) throw new ForgeError('ERR_FORGE_CONFLICT', failure.message);
        throw failure;
      }
    },
  };
}
