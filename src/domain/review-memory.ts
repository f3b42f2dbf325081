import { z } from 'zod';
import { SpecialistName } from './specialist-name.js';

/**
 * What became of one posted finding when its change was merged or closed: fixed by a later commit (forgebot resolved
 * its thread), resolved by a person, marked won't fix or false positive in its thread, or left open (ignored).
 */
export const FindingOutcome = z.enum(['fixed', 'resolved', 'wont-fix', 'false-positive', 'ignored']);
export type FindingOutcome = z.infer<typeof FindingOutcome>;

/** Outcomes that count as the finding having been worth raising (the acceptance rate's numerator). */
export const ACCEPTED_OUTCOMES: readonly FindingOutcome[] = ['fixed', 'resolved'];

/**
 * A learning a maintainer accepted for one repository ("this repository does X on purpose"), as a review's brief
 * is given it. Proposed learnings are never given to a review.
 */
export const BriefLearning = z.object({
  id: z.string().regex(/^[a-z0-9-]{4,40}$/),
  text: z.string().min(1).max(500),
  /** Only this specialist is told (absent: every reviewer). */
  specialist: SpecialistName.optional(),
});
export type BriefLearning = z.infer<typeof BriefLearning>;

/** A merged change that touched some of the same files recently (named in the summary). */
export const RelatedChange = z.object({
  number: z.number().int().positive(),
  title: z.string().max(300),
  url: z.string().max(2_000).optional(),
  mergedAt: z.string().max(40).optional(),
  /** The changed files this one shares with it (a few). */
  paths: z.array(z.string().max(1_000)).max(10),
});
export type RelatedChange = z.infer<typeof RelatedChange>;

/** An issue the change's description links (`#12`, `Closes group/project#3`, `PROJ-123`, an issue URL). */
export const LinkedIssue = z.object({
  reference: z.string().min(1).max(200),
  title: z.string().max(300).optional(),
  url: z.string().max(2_000).optional(),
  state: z.string().max(40).optional(),
});
export type LinkedIssue = z.infer<typeof LinkedIssue>;

export const RelatedWork = z.object({
  changes: z.array(RelatedChange).max(10),
  issues: z.array(LinkedIssue).max(10),
});
export type RelatedWork = z.infer<typeof RelatedWork>;
