import { z } from 'zod';

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

/** What a reviewer run returns. */
export const ReviewResult = z.object({
  headSha: z.string(),
  summary: z.string().min(1).max(20_000),
  findings: z.array(Finding).max(200),
  model: z.string(),
  usage: TokenUsage,
  /** Set when a turn or token cap stopped the run before the model submitted. */
  truncated: z.boolean().default(false),
});
export type ReviewResult = z.infer<typeof ReviewResult>;

export function emptyUsage(): TokenUsage {
  return { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, turns: 0 };
}
