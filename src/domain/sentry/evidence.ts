import { z } from 'zod';

/** Caps of what is kept from one Sentry event (all of it untrusted text: fenced, sanitized, redacted before use). */
export const EVIDENCE_LIMITS = {
  frames: 30,
  contextLines: 11,
  lineChars: 500,
  vars: 20,
  varChars: 300,
  breadcrumbs: 30,
  breadcrumbChars: 500,
  tags: 40,
  renderedChars: 40_000,
} as const;

/** One stack frame, innermost last (Sentry's order). */
export const SentryFrame = z.object({
  /** The frame's file as the SDK reported it (`abs_path`, else `filename`). */
  file: z.string().max(1_000),
  /** The repository path the project mapping rewrites it to, when it maps to one (set by the evidence activity). */
  repositoryPath: z.string().max(1_000).optional(),
  function: z.string().max(500).optional(),
  module: z.string().max(500).optional(),
  lineNo: z.number().int().min(0).optional(),
  colNo: z.number().int().min(0).optional(),
  inApp: z.boolean(),
  /** Source lines around `lineNo`: [line number, text]. */
  context: z.array(z.tuple([z.number().int(), z.string().max(EVIDENCE_LIMITS.lineChars)])).max(EVIDENCE_LIMITS.contextLines),
  /** Local variables, each value cut to a short string. */
  vars: z.record(z.string().max(200), z.string().max(EVIDENCE_LIMITS.varChars)).optional(),
});
export type SentryFrame = z.infer<typeof SentryFrame>;

export const SentryException = z.object({
  type: z.string().max(500),
  value: z.string().max(2_000),
  module: z.string().max(500).optional(),
  /** Handled or not (the mechanism). */
  handled: z.boolean().optional(),
  frames: z.array(SentryFrame).max(EVIDENCE_LIMITS.frames),
});
export type SentryException = z.infer<typeof SentryException>;

export const SentryBreadcrumb = z.object({
  timestamp: z.string().max(40).optional(),
  category: z.string().max(200).optional(),
  level: z.string().max(40).optional(),
  message: z.string().max(EVIDENCE_LIMITS.breadcrumbChars),
});
export type SentryBreadcrumb = z.infer<typeof SentryBreadcrumb>;

/** The request of the event, without headers, cookies or environment (they carry credentials). */
export const SentryRequest = z.object({
  method: z.string().max(20).optional(),
  url: z.string().max(2_000).optional(),
  query: z.string().max(2_000).optional(),
  data: z.string().max(2_000).optional(),
});
export type SentryRequest = z.infer<typeof SentryRequest>;

/** What the analysis and the fix are given about the error: the latest event of the issue, trimmed and capped. */
export const SentryEvidence = z.object({
  eventId: z.string().max(64),
  /** Chained exceptions, the outermost (the one reported) last, as Sentry lists them. */
  exceptions: z.array(SentryException).max(5),
  /** The event's message when it has no exception (a captured message). */
  message: z.string().max(2_000).optional(),
  breadcrumbs: z.array(SentryBreadcrumb).max(EVIDENCE_LIMITS.breadcrumbs),
  tags: z.array(z.tuple([z.string().max(200), z.string().max(200)])).max(EVIDENCE_LIMITS.tags),
  release: z.string().max(250).optional(),
  environment: z.string().max(100).optional(),
  platform: z.string().max(60).optional(),
  request: SentryRequest.optional(),
  /** When the event happened. */
  dateCreated: z.string().max(40).optional(),
  /** Set when anything was cut (frames, lines, breadcrumbs): said in the analysis. */
  truncated: z.boolean(),
});
export type SentryEvidence = z.infer<typeof SentryEvidence>;

/** The in-app frames, innermost first. */
export function inAppFrames(evidence: SentryEvidence): SentryFrame[] {
  return evidence.exceptions.flatMap((exception) => exception.frames.filter((frame) => frame.inApp)).reverse();
}

/** The exception the issue is about (the last one Sentry lists), if any. */
export function primaryException(evidence: SentryEvidence): SentryException | undefined {
  return evidence.exceptions.at(-1);
}
