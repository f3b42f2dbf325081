import { z } from 'zod';
import { ChangeRef } from './change-ref.js';

/** One revision of a change that should be reviewed: the unified payload for every forge. */
export const ReviewRequest = z.object({
  ref: ChangeRef,
  headSha: z.string().regex(/^[0-9a-f]{7,64}$/),
  title: z.string(),
  author: z.string(),
  sourceBranch: z.string(),
  targetBranch: z.string(),
  webUrl: z.string(),
  draft: z.boolean(),
  /** The delivery that asked for this revision (for tracing), when it came from a webhook. */
  deliveryId: z.string().optional(),
});
export type ReviewRequest = z.infer<typeof ReviewRequest>;

/** Why a change stopped being reviewed. */
export const ChangeClosed = z.object({ reason: z.enum(['closed', 'merged']) });
export type ChangeClosed = z.infer<typeof ChangeClosed>;
