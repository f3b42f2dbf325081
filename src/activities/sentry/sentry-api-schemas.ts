import { z } from 'zod';

// What forgebot reads of Sentry's web API answers (`/api/0/…`), as Sentry's API reference and its serializers shape
// them. Lenient where Sentry is (nulls, numbers sent as strings, frames in the API's camelCase or the SDK's
// snake_case); everything here is untrusted text, cut and redacted later (evidence-from-event.ts, issue-summary.ts).

const text = z.string().nullish();

/** `GET /api/0/organizations/{org}/issues/{issue_id}/` (the group serializer). */
export const SentryApiIssue = z.object({
  id: z.string(),
  shortId: z.string(),
  title: z.string(),
  culprit: text,
  permalink: text,
  level: text,
  status: z.string(),
  platform: text,
  project: z.object({ id: z.union([z.string(), z.number()]).nullish(), slug: z.string() }),
  metadata: z.object({ type: text, value: text, title: text, filename: text, function: text }).nullish(),
  /** A string on the issue endpoints, a number on some others. */
  count: z.union([z.string(), z.number()]).nullish(),
  userCount: z.number().nullish(),
  firstSeen: text,
  lastSeen: text,
});
export type SentryApiIssue = z.infer<typeof SentryApiIssue>;

/** One stack frame: the API's camelCase (`absPath`, `lineNo`, `inApp`, `context`) or an SDK's snake_case. */
export const SentryApiFrame = z.object({
  filename: text,
  absPath: text,
  abs_path: text,
  function: text,
  module: text,
  lineNo: z.number().nullish(),
  lineno: z.number().nullish(),
  colNo: z.number().nullish(),
  colno: z.number().nullish(),
  inApp: z.boolean().nullish(),
  in_app: z.boolean().nullish(),
  /** `[[line number, text], …]` around the line. */
  context: z.array(z.tuple([z.number(), z.string().nullable()])).nullish(),
  pre_context: z.array(z.string().nullable()).nullish(),
  context_line: text,
  post_context: z.array(z.string().nullable()).nullish(),
  vars: z.record(z.string(), z.unknown()).nullish(),
});
export type SentryApiFrame = z.infer<typeof SentryApiFrame>;

export const SentryApiExceptionEntry = z.object({
  values: z.array(
    z.object({
      type: text,
      value: text,
      module: text,
      mechanism: z.object({ type: text, handled: z.boolean().nullish() }).nullish(),
      stacktrace: z.object({ frames: z.array(SentryApiFrame).nullish() }).nullish(),
    }),
  ).nullish(),
});
export type SentryApiExceptionEntry = z.infer<typeof SentryApiExceptionEntry>;

export const SentryApiBreadcrumbsEntry = z.object({
  values: z.array(
    z.object({
      /** ISO time from the API; an SDK sends epoch seconds. */
      timestamp: z.union([z.string(), z.number()]).nullish(),
      category: text,
      level: text,
      type: text,
      message: text,
      data: z.record(z.string(), z.unknown()).nullish(),
    }),
  ).nullish(),
});
export type SentryApiBreadcrumbsEntry = z.infer<typeof SentryApiBreadcrumbsEntry>;

/** The request interface; `headers`, `cookies` and `env` are never read (they carry credentials). */
export const SentryApiRequestEntry = z.object({
  method: text,
  url: text,
  /** `[[key, value], …]` from the API; a string or an object from an SDK. */
  query: z.union([z.string(), z.array(z.tuple([z.string(), z.string().nullable()])), z.record(z.string(), z.unknown())]).nullish(),
  data: z.unknown(),
  fragment: text,
});
export type SentryApiRequestEntry = z.infer<typeof SentryApiRequestEntry>;

export const SentryApiMessageEntry = z.object({ formatted: text, message: text });

/** `GET /api/0/organizations/{org}/issues/{issue_id}/events/latest/` (an event with its `entries`). */
export const SentryApiEvent = z.object({
  id: z.string(),
  eventID: z.string().nullish(),
  groupID: z.string().nullish(),
  title: text,
  message: text,
  platform: text,
  dateCreated: text,
  tags: z.array(z.object({ key: z.string(), value: z.string().nullable() })).nullish(),
  release: z.union([z.object({ version: z.string() }), z.string()]).nullish(),
  environment: text,
  entries: z.array(z.object({ type: z.string(), data: z.unknown() })).default([]),
});
export type SentryApiEvent = z.infer<typeof SentryApiEvent>;

/** A comment (an issue activity of type `note`), as `POST`/`GET …/comments/` answer it. */
export const SentryApiComment = z.object({
  id: z.string(),
  type: z.string(),
  data: z.object({ text: z.string().nullish() }).nullish(),
  dateCreated: text,
  user: z.object({ id: z.string().nullish(), name: text, username: text }).nullish(),
});
export type SentryApiComment = z.infer<typeof SentryApiComment>;
