import { z } from 'zod';
import { ReviewRequest } from '../domain/review-request.js';

/** The runner's whole input. Validated on both sides of the sandbox boundary. No secrets in here. */
export const RunnerTask = z.object({
  kind: z.literal('review'),
  request: ReviewRequest,
  repository: z.object({
    /** HTTP(S) URL or local path/file URL, without credentials. */
    cloneUrl: z.string().min(1),
    baseSha: z.string().min(7),
    headSha: z.string().min(7),
  }),
  /** Paths of the changed files (new paths), as the forge lists them. */
  changedPaths: z.array(z.string()),
  model: z.string().min(1),
  limits: z.object({
    maxTurns: z.number().int().positive(),
    maxOutputTokens: z.number().int().positive(),
    tokenBudget: z.number().int().positive(),
  }),
});
export type RunnerTask = z.infer<typeof RunnerTask>;
