import { z } from 'zod';
import { PriorFinding } from '../domain/finding.js';
import { Guideline } from '../domain/guidelines.js';
import { ReviewRequest } from '../domain/review-request.js';
import { RepoSettings } from '../domain/review-settings.js';

const fingerprint = z.string().regex(/^[0-9a-f]{8}$/);

/** What the forge told the review beyond the change itself: settings, guidelines and the earlier reviews' threads. */
export const ReviewContext = z.object({
  /** From `.forgebot.yml` on the target branch (defaults when it is absent or invalid). */
  settings: RepoSettings,
  /** `.claude/review.md`, `CLAUDE.md`, `AGENTS.md` from the target branch, size-capped. */
  guidelines: z.array(Guideline).max(5),
  /** The last head forgebot published a review for: only what changed since is reviewed. */
  lastReviewedSha: z.string().min(7).optional(),
  /** forgebot's findings whose threads are still open. */
  priorFindings: z.array(PriorFinding).max(500),
  /** Fingerprints of forgebot's findings whose threads were resolved (by a person, or as fixed): never raised again. */
  resolvedFingerprints: z.array(fingerprint).max(5_000),
  /** Shown on the change (e.g. `.forgebot.yml` errors). */
  notices: z.array(z.string().max(2_000)).max(20),
});
export type ReviewContext = z.infer<typeof ReviewContext>;

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
    /** US dollars per review (needs a known model price). */
    costBudgetUsd: z.number().positive().optional(),
  }),
  /** Absent: default settings, no guidelines, a full review. */
  review: ReviewContext.optional(),
});
export type RunnerTask = z.infer<typeof RunnerTask>;
