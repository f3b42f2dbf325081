import { log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { AgentOutput } from '../domain/agent-task.js';
import type { ChangeRef, RepositoryRef } from '../domain/change-ref.js';
import type { ClaimRef } from '../domain/claim-ref.js';
import { renderWorkDescription } from '../domain/render-work.js';
import { ClaimCheckError } from './claim-check/claim-check-error.js';
import type { ClaimCheckStore } from './claim-check/claim-check-store.js';
import { getJson } from './claim-check/json-claims.js';
import { withTypedFailures } from './failures.js';
import type { ChangeAuthor, Forge, OpenedChange } from './forge.js';
import type { ForgeRegistry } from './forge-activities.js';

export interface PublishWorkInput {
  repo: RepositoryRef;
  /** runAgent's stored implementer output. */
  claim: ClaimRef;
  /** A new branch, created at `baseSha` (the SHA the agent worked on). */
  branch: string;
  baseSha: string;
  targetBranch: string;
  title: string;
  /** forgebot's own opening line of the description (trusted); the agent's words follow, fenced. */
  intro: string;
  /** A description rendered ahead (e.g. prepareFixDescription) and kept behind a claim: used instead of `intro` + the work. */
  descriptionClaim?: ClaimRef;
  labels?: string[];
  reviewers?: Array<number | string>;
}

export interface PublishedWork {
  branch: string;
  commitSha: string;
  change: OpenedChange;
}

function authorOf(forge: Forge, repo: RepositoryRef): Forge & ChangeAuthor {
  const { createBranch, deleteBranch, commitChanges, openChange, updateDescription, markReady, closeChange, pipelineStatus, merge } = forge;
  if (!createBranch || !deleteBranch || !commitChanges || !openChange || !updateDescription || !markReady || !closeChange || !pipelineStatus || !merge) {
    throw ApplicationFailure.create({ type: 'ERR_FORGE_UNSUPPORTED', message: `the ${repo.forge} connection cannot author changes`, nonRetryable: true });
  }
  return forge as Forge & ChangeAuthor;
}

/**
 * The forge's write side as activities. They hold the write token, outside every sandbox: an agent's patch becomes one
 * commit through the forge API on a new branch, and a draft change. Each step that leaves a trace undoes it when a
 * later step of the same activity fails, so a retry starts clean and a failed run leaves nothing behind.
 */
export function createAuthorActivities(deps: { forges: ForgeRegistry; claims: ClaimCheckStore }) {
  function forgeFor(repo: RepositoryRef): Forge & ChangeAuthor {
    const forge = deps.forges[repo.forge];
    if (!forge) throw ApplicationFailure.create({ type: 'ERR_UNKNOWN_FORGE', message: `no ${repo.forge} connection is configured`, nonRetryable: true });
    return authorOf(forge, repo);
  }

  return {
    /** Commits the agent's patch on a new branch from `baseSha` and opens a draft change for it. */
    async publishWork(input: PublishWorkInput): Promise<PublishedWork> {
      return withTypedFailures(async () => {
        const output = await getJson(deps.claims, input.claim, AgentOutput);
        if (output.role !== 'implementer') throw new ClaimCheckError('ERR_CLAIM_INVALID', `claim ${input.claim.key} holds a ${output.role} output, not work`);
        const { work } = output;
        if (work.patch.baseSha !== input.baseSha) {
          throw ApplicationFailure.create({ type: 'ERR_PATCH_BASE', message: `the patch applies to ${work.patch.baseSha}, not ${input.baseSha}`, nonRetryable: true });
        }
        if (work.patch.files.length === 0) throw ApplicationFailure.create({ type: 'ERR_PATCH_EMPTY', message: 'the agent changed no file', nonRetryable: true });
        const forge = forgeFor(input.repo);
        await forge.createBranch(input.repo, input.branch, input.baseSha);
        try {
          const commit = await forge.commitChanges(input.repo, { branch: input.branch, parentSha: input.baseSha, message: work.commitMessage, changes: work.patch.files });
          const change = await forge.openChange(input.repo, {
            sourceBranch: input.branch,
            targetBranch: input.targetBranch,
            title: input.title,
            description: input.descriptionClaim ? Buffer.from(await deps.claims.get(input.descriptionClaim)).toString('utf8') : renderWorkDescription(work, input.intro),
            draft: true,
            ...(input.labels ? { labels: input.labels } : {}),
            ...(input.reviewers ? { reviewers: input.reviewers } : {}),
          });
          return { branch: input.branch, commitSha: commit.sha, change };
        } catch (error) {
          await forge.deleteBranch(input.repo, input.branch).catch((cleanupError: unknown) => {
            log.warn('could not delete the branch of a failed publish', { branch: input.branch, error: String(cleanupError) });
          });
          throw error;
        }
      });
    },

    /** Compensation: removes a branch forgebot created. */
    async deleteWorkBranch(repo: RepositoryRef, branch: string): Promise<void> {
      return withTypedFailures(() => forgeFor(repo).deleteBranch(repo, branch));
    },

    /** A person approved the work: the draft becomes ready for review (merging stays a person's, unless asked). */
    async markWorkReady(ref: ChangeRef): Promise<void> {
      return withTypedFailures(() => forgeFor(ref).markReady(ref));
    },

    /** Merges the work at `sha` (only when the repository's mapping asks for it, after an approval and a green pipeline). */
    async mergeWork(ref: ChangeRef, sha: string): Promise<{ mergeSha?: string }> {
      return withTypedFailures(() => forgeFor(ref).merge(ref, { sha }));
    },

    /** Compensation: closes a change forgebot opened. */
    async closeWorkChange(ref: ChangeRef): Promise<void> {
      return withTypedFailures(() => forgeFor(ref).closeChange(ref));
    },
  };
}

export type AuthorActivities = ReturnType<typeof createAuthorActivities>;
