import { log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ReviewMemoryStore } from '../audit/memory/review-memory-store.js';
import { AgentOutput, type ReviewContext } from '../domain/agent-task.js';
import type { ClaimRef } from '../domain/claim-ref.js';
import { ClaimCheckError } from './claim-check/claim-check-error.js';
import type { ClaimCheckStore } from './claim-check/claim-check-store.js';
import { getJson } from './claim-check/json-claims.js';
import type { ChangeRef } from '../domain/change-ref.js';
import type { ReviewResult } from '../domain/finding.js';
import { renderFailure } from '../domain/render.js';
import { withTypedFailures } from './failures.js';
import type { Forge } from './forge.js';
import { publishReview, type PublishOutcome } from './publish-review.js';
import { readReviewContext } from './review-context.js';

/** A change as the workflow needs it: small enough for workflow history (no diffs). */
export interface ChangeState {
  state: 'opened' | 'closed' | 'merged' | 'locked';
  draft: boolean;
  headSha: string;
  baseSha: string;
  cloneUrl: string;
  changedPaths: string[];
  /** Settings, guidelines and earlier findings for the review (read for an open change). */
  review?: ReviewContext;
}

export type ForgeRegistry = Partial<Record<ChangeRef['forge'], Forge>>;

export function createForgeActivities(deps: { forges: ForgeRegistry; claims: ClaimCheckStore; memory?: Pick<ReviewMemoryStore, 'briefLearnings'> }) {
  const { memory } = deps;
  // Review memory being down costs a review its learnings, not the review.
  const learnings = memory
    ? (repository: string) =>
        memory.briefLearnings(repository).catch((error: unknown) => {
          log.warn("the repository's learnings could not be read: reviewing without them", { repository, error: String(error) });
          return [];
        })
    : undefined;
  function forgeFor(ref: ChangeRef): Forge {
    const forge = deps.forges[ref.forge];
    if (!forge) {
      throw ApplicationFailure.create({
        type: 'ERR_UNKNOWN_FORGE',
        message: `no ${ref.forge} connection is configured`,
        nonRetryable: true,
      });
    }
    return forge;
  }

  return {
    /** The change as it is now; for an open one also its review context (`lastReviewedSha`: review incrementally). */
    async fetchChange(ref: ChangeRef, lastReviewedSha?: string): Promise<ChangeState> {
      return withTypedFailures(async () => {
        const forge = forgeFor(ref);
        const snapshot = await forge.getChange(ref);
        return {
          ...(snapshot.state === 'opened' ? { review: await readReviewContext(forge, snapshot, lastReviewedSha, learnings) } : {}),
          state: snapshot.state,
          draft: snapshot.draft,
          headSha: snapshot.headSha,
          baseSha: snapshot.baseSha,
          cloneUrl: snapshot.cloneUrl,
          changedPaths: snapshot.files.filter((file) => !file.deletedFile).map((file) => file.newPath),
        };
      });
    },

    /** The change's state as the forge says it now: a webhook's word that it closed is never taken alone. */
    async readChangeState(ref: ChangeRef): Promise<ChangeState['state']> {
      return withTypedFailures(async () => (await forgeFor(ref).getChange(ref)).state);
    },

    async publishReview(ref: ChangeRef, result: ReviewResult): Promise<PublishOutcome> {
      return withTypedFailures(async () => {
        const forge = forgeFor(ref);
        return publishReview(forge, await forge.getChange(ref), result);
      });
    },

    /** Publishes a review kept behind a claim check (runAgent's output): the result never enters workflow history. */
    async publishStoredReview(ref: ChangeRef, claim: ClaimRef): Promise<PublishOutcome> {
      return withTypedFailures(async () => {
        const output = await getJson(deps.claims, claim, AgentOutput);
        if (output.role !== 'reviewer') throw new ClaimCheckError('ERR_CLAIM_INVALID', `claim ${claim.key} holds a ${output.role} output, not a review`);
        const forge = forgeFor(ref);
        return publishReview(forge, await forge.getChange(ref), output.review);
      });
    },

    /** Tells the people on the change why it could not be reviewed (in the summary note). */
    async reportFailure(ref: ChangeRef, headSha: string, reason: string): Promise<void> {
      return withTypedFailures(async () => {
        await forgeFor(ref).upsertSummary(ref, renderFailure(headSha, reason));
      });
    },
  };
}

export type ForgeActivities = ReturnType<typeof createForgeActivities>;
