import type { ChangeRef } from '../domain/change-ref.js';
import type { Finding } from '../domain/finding.js';
import type { ReviewVerdict } from '../domain/review-verdict.js';
import { ForgeError, type Forge, type InlineComment } from './forge.js';

export interface PendingComment extends InlineComment {
  finding: Finding;
}

const refusedPosition = (error: unknown) => error instanceof ForgeError && error.code === 'ERR_FORGE_INVALID';

/**
 * Posts a review's inline comments: as one batch with the verdict when the forge has one (GitHub's single review),
 * else one by one. A comment whose position the forge refuses is returned in `refused` (its finding goes to the
 * summary); when a batch is refused, each comment is tried alone so that only the refused ones are left out.
 */
export async function postInlineComments(forge: Forge, ref: ChangeRef, pending: PendingComment[], verdict: ReviewVerdict): Promise<{ posted: number; refused: Finding[] }> {
  if (forge.postReview) {
    try {
      await forge.postReview(ref, pending.map(({ target, body }) => ({ target, body })), verdict);
      return { posted: pending.length, refused: [] };
    } catch (error) {
      if (!refusedPosition(error) || pending.length === 0) throw error;
    }
  }
  let posted = 0;
  const refused: Finding[] = [];
  for (const comment of pending) {
    try {
      await forge.postInlineComment(ref, comment.target, comment.body);
      posted++;
    } catch (error) {
      if (!refusedPosition(error)) throw error;
      refused.push(comment.finding);
    }
  }
  return { posted, refused };
}
