import { z } from 'zod';

/** The Sentry issue as a webhook or the API describes it: what forgebot keeps of it (all of it untrusted text). */
export const SentryIssueSummary = z.object({
  /** Organization slug. */
  org: z.string().regex(/^[\w.-]{1,100}$/),
  /** Sentry's numeric issue id, as a string. */
  issueId: z.string().regex(/^\d{1,20}$/),
  /** e.g. `IPE-1`: branch names and `Fixes SENTRY-IPE-1`. */
  shortId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/),
  projectSlug: z.string().regex(/^[\w.-]{1,100}$/),
  projectId: z.string().max(40).optional(),
  title: z.string().max(1_000),
  culprit: z.string().max(1_000).optional(),
  level: z.string().max(40).optional(),
  platform: z.string().max(60).optional(),
  /** `unresolved`, `resolved`, `ignored`, … */
  status: z.string().max(40),
  /** The exception type and value from the issue's metadata, when it has them. */
  errorType: z.string().max(500).optional(),
  errorValue: z.string().max(2_000).optional(),
  /** Events of the issue so far, and the users they affected. */
  count: z.number().int().min(0),
  userCount: z.number().int().min(0),
  firstSeen: z.string().max(40).optional(),
  lastSeen: z.string().max(40).optional(),
  /** The issue's page on Sentry. */
  webUrl: z.string().url().max(2_000).optional(),
});
export type SentryIssueSummary = z.infer<typeof SentryIssueSummary>;

/**
 * Why a fix attempt starts: a new issue, an issue that became unresolved again (regression), or an alert rule that
 * names this integration (it carries the event).
 */
export const SentryTriggerReason = z.enum(['created', 'regressed', 'alert']);
export type SentryTriggerReason = z.infer<typeof SentryTriggerReason>;

/** The signal the webhook receiver delivers to `sentry-fix:<org>:<issue id>` (signal-with-start). */
export const SentryTrigger = z.object({
  reason: SentryTriggerReason,
  issue: SentryIssueSummary,
  /** The event an alert carried (its id), when there was one. */
  eventId: z.string().regex(/^[0-9a-f]{32}$/).optional(),
  /** Sentry's `Request-ID` of the delivery (logs). */
  deliveryId: z.string().max(200).optional(),
});
export type SentryTrigger = z.infer<typeof SentryTrigger>;

/** The issue was resolved, ignored (archived) in Sentry: the workflow stops what it is doing and ends. */
export const SentryIssueSettled = z.object({
  status: z.enum(['resolved', 'ignored', 'archived']),
  /** Who did it, as Sentry's `actor` names them (untrusted, for the status). */
  by: z.string().max(200).optional(),
});
export type SentryIssueSettled = z.infer<typeof SentryIssueSettled>;
