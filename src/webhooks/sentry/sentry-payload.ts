import { z } from 'zod';

// The fields of Sentry integration-platform webhooks (docs.sentry.io → Integration Platform → Webhooks) that forgebot
// reads; every other field is dropped. All of it is untrusted text, signed by Sentry but written by the monitored app.

const slug = z.string().regex(/^[\w.-]{1,100}$/, 'must be a Sentry slug');
/** Sentry's numeric ids come as strings (`"123"`); a number is accepted too. */
const numericId = z.union([z.string().regex(/^\d{1,20}$/, 'must be a numeric id'), z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)]).transform(String);
const httpUrl = z.url({ protocol: /^https?$/ }).max(2_000);
const text = z.string().nullish();

/** Every delivery: `action`, `data`, and who sent it (`installation`, `actor`). */
export const SentryEnvelope = z.object({
  action: z.string().min(1).max(100),
  data: z.record(z.string(), z.unknown()),
  /** Sentry itself sends `{ uuid }`; Sentry's integration examples also name the organization. */
  installation: z.object({ organization: z.object({ slug }).nullish() }).nullish(),
  /** A user, or Sentry itself (`application`) for automatic changes. */
  actor: z.object({ type: text, name: text }).nullish(),
});
export type SentryEnvelope = z.infer<typeof SentryEnvelope>;

const Metadata = z.object({ type: text, value: text }).nullish();

/** `Sentry-Hook-Resource: issue`: `data.issue`, the issue as Sentry's API serializes it (plus its URLs). */
export const SentryIssuePayload = z.object({
  issue: z.object({
    id: numericId,
    shortId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'must be a Sentry short id such as PROJ-1'),
    title: z.string(),
    culprit: text,
    level: text,
    platform: text,
    status: z.string().min(1).max(40),
    /** `new`, `regressed`, `escalating`, `ongoing`, `archived_…` (absent before Sentry had substatuses). */
    substatus: text,
    /** `error`, `feedback`, `outage` (cron and uptime monitors), `performance`, … (absent on older Sentry). */
    issueCategory: text,
    project: z.object({ id: numericId.optional(), slug }),
    metadata: Metadata,
    count: z.union([z.string().regex(/^\d{1,15}$/, 'must be a count'), z.number().int().nonnegative()]).transform(Number).optional(),
    userCount: z.number().int().nonnegative().optional(),
    firstSeen: text,
    lastSeen: text,
    /** The issue's API URL (`/api/0/organizations/<org>/issues/<id>/`), its page, and its permalink. */
    url: httpUrl.optional(),
    web_url: httpUrl.optional(),
    permalink: httpUrl.nullish(),
  }),
});
export type SentryIssuePayload = z.infer<typeof SentryIssuePayload>;

/** `Sentry-Hook-Resource: event_alert`: an issue alert rule whose action is this integration fired for `data.event`. */
export const SentryEventAlertPayload = z.object({
  event: z.object({
    event_id: z.string().max(64).nullish(),
    issue_id: numericId,
    title: text,
    culprit: text,
    level: text,
    platform: text,
    datetime: text,
    /** Sentry's numeric project id (the slug is only in `url`). */
    project: numericId.optional(),
    metadata: Metadata,
    /** The event's API URL (`/api/0/projects/<org>/<project>/events/<id>/`), its page, the issue's API URL. */
    url: httpUrl.optional(),
    web_url: httpUrl.optional(),
    issue_url: httpUrl.optional(),
    /** Present for issues that are not errors (cron, uptime, metric issues). */
    occurrence: z.unknown().optional(),
  }),
  triggered_rule: text,
});
export type SentryEventAlertPayload = z.infer<typeof SentryEventAlertPayload>;
