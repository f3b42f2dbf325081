import { z } from 'zod';
import { RelatedWork } from './review-memory.js';
import { SpecialistName } from './specialist-name.js';

export const Severity = z.enum(['blocker', 'major', 'minor', 'nit']);
export type Severity = z.infer<typeof Severity>;

export const Category = z.enum(['bug', 'security', 'performance', 'maintainability', 'style', 'docs', 'tests']);
export type Category = z.infer<typeof Category>;

/** `new` = a line of the head version; `old` = a line of the base version (a removed line). */
export const Side = z.enum(['new', 'old']);
export type Side = z.infer<typeof Side>;

/** One issue the reviewer found, anchored to one line of the diff. */
export const Finding = z.object({
  path: z.string().min(1),
  line: z.number().int().positive(),
  /** First line of a multi-line finding that ends at `line` (same side); a suggestion then replaces the whole range. */
  startLine: z.number().int().positive().optional(),
  side: Side.default('new'),
  severity: Severity,
  category: Category,
  confidence: z.number().min(0).max(1),
  title: z.string().min(1).max(200),
  body: z.string().min(1).max(4000),
  /** Replacement text for the line, rendered as a suggestion block. */
  suggestion: z.string().max(4000).optional(),
});
export type Finding = z.infer<typeof Finding>;

export const TokenUsage = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  cacheReadTokens: z.number().int().nonnegative(),
  cacheWriteTokens: z.number().int().nonnegative(),
  turns: z.number().int().nonnegative(),
});
export type TokenUsage = z.infer<typeof TokenUsage>;

/** A finding forgebot posted on the change earlier (from its thread), as the next review is told about it. */
export const PriorFinding = z.object({
  fingerprint: z.string().regex(/^[0-9a-f]{8}$/),
  path: z.string().min(1),
  line: z.number().int().positive(),
  severity: Severity,
  category: Category,
  title: z.string().min(1).max(200),
});
export type PriorFinding = z.infer<typeof PriorFinding>;

/** A changed file the review did not look at, and why (listed in the summary: nothing is dropped silently). */
export const NotReviewedFile = z.object({ path: z.string(), reason: z.string().min(1).max(300) });
export type NotReviewedFile = z.infer<typeof NotReviewedFile>;

const count = z.number().int().nonnegative();

/** Findings held back by the repository's thresholds (counted in the summary). */
export const HiddenFindings = z.object({ lowConfidence: count, nits: count, overCap: count });
export type HiddenFindings = z.infer<typeof HiddenFindings>;

/** What the checks before posting changed (see finding-validation.ts). */
export const FindingChecks = z.object({ merged: count, moved: count, outsideDiff: count, suggestionsDropped: count });
export type FindingChecks = z.infer<typeof FindingChecks>;

/** Why a run stopped before the model finished everything it was asked. */
export const StopCause = z.enum(['turns', 'tokens', 'cost', 'no-tool-call']);
export type StopCause = z.infer<typeof StopCause>;

/** A finding as a review returns it: which reviewers raised it (absent: the single reviewer). */
export const ReviewedFinding = Finding.extend({ raisedBy: z.array(SpecialistName).min(1).max(9).optional() });
export type ReviewedFinding = z.infer<typeof ReviewedFinding>;

/** One reviewer of a multi-specialist review: why it ran, what it cost, what it found (before aggregation). */
export const SpecialistReport = z.object({
  name: SpecialistName,
  model: z.string(),
  /** Why it ran: `default`, `label security-review`, `12 changed .ts files`, `always (.forgebot.yml)` … */
  reason: z.string().max(300),
  findings: count,
  usage: TokenUsage,
  costUsd: z.number().nonnegative().optional(),
  stoppedBy: StopCause.optional(),
  durationMs: count,
  /** Its own summary of the change, from its point of view. */
  summary: z.string().max(4_000).optional(),
});
export type SpecialistReport = z.infer<typeof SpecialistReport>;

/** A finding left out of the review by aggregation or validation, and why (counted and listed in the summary). */
export const DroppedFinding = z.object({
  path: z.string(),
  line: z.number().int().positive(),
  title: z.string().max(200),
  raisedBy: z.array(SpecialistName).max(9),
  reason: z.string().max(500),
});
export type DroppedFinding = z.infer<typeof DroppedFinding>;

/** How the specialists' findings became one review. */
export const AggregationReport = z.object({
  /** Findings that duplicated another specialist's and were merged into it. */
  duplicatesMerged: count,
  /** Conflicting suggestions on the same lines, and the rule (or judge) that settled them. */
  conflictsResolved: count,
  conflictRule: z.string().max(500),
  /** Blocker/major findings re-checked against the code, and those the check could not confirm (dropped). */
  validated: count,
  dropped: z.array(DroppedFinding).max(200),
  /** Specialists routed but not run (over max_specialists, budget), with the reason. */
  notRun: z.array(z.object({ name: SpecialistName, reason: z.string().max(300) })).max(9),
});
export type AggregationReport = z.infer<typeof AggregationReport>;

/** What a reviewer run returns. */
export const ReviewResult = z.object({
  headSha: z.string(),
  summary: z.string().min(1).max(20_000),
  findings: z.array(ReviewedFinding).max(200),
  model: z.string(),
  usage: TokenUsage,
  /** Set when a turn or token cap stopped the run before the model submitted. */
  truncated: z.boolean().default(false),
  /** US dollars, from the model price table; absent when the model has no known price. */
  costUsd: z.number().nonnegative().optional(),
  stoppedBy: StopCause.optional(),
  filesReviewed: count.optional(),
  notReviewed: z.array(NotReviewedFile).max(5_001).optional(),
  hidden: HiddenFindings.optional(),
  checks: FindingChecks.optional(),
  /** Set when only the commits after this SHA were reviewed. */
  incrementalFrom: z.string().optional(),
  /** Fingerprints of earlier findings this revision fixed: their threads are resolved. */
  fixed: z.array(z.string().regex(/^[0-9a-f]{8}$/)).max(500).optional(),
  /** Earlier findings still open (not fixed, not raised again by this review). */
  carriedForward: z.array(PriorFinding).max(500).optional(),
  /** Findings of this review that a person had already resolved or dismissed: not raised again. */
  notRaisedAgain: count.optional(),
  /** Things the people on the change should know (settings errors, a full review after a force push …). */
  notices: z.array(z.string().max(2_000)).max(50).optional(),
  /** Set when more than the general reviewer ran: each reviewer, and how their findings were combined. */
  specialists: z.array(SpecialistReport).max(9).optional(),
  aggregation: AggregationReport.optional(),
  /** Recent merged changes touching the same files, and the issues the description links (the review context's). */
  related: RelatedWork.optional(),
});
export type ReviewResult = z.infer<typeof ReviewResult>;

export function emptyUsage(): TokenUsage {
  return { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, turns: 0 };
}
