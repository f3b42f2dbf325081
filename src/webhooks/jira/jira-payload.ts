import { z } from 'zod';
import { IssueKey, type JiraUser } from '../../domain/jira/ticket.js';

// The fields of Jira webhook deliveries (developer.atlassian.com → Jira Cloud platform → Webhooks; Jira Server/Data
// Center's are the same shapes) that forgebot reads; every other field is dropped. Cloud and Server differ in two
// places that matter here: people (Cloud: `accountId`; Server: `key` and `name`) and changelog items (Cloud names the
// field by id as well, `fieldId: "status"`; Server only by name, `field: "status"`). All of it is untrusted: the
// receiver only decides from it, and the workflow re-reads the issue through the API before acting.

/** Jira's numeric ids come as strings (`"10040"`); a number is accepted too. */
const numericId = z
  .union([z.string().regex(/^\d{1,20}$/, 'must be a numeric id'), z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)])
  .transform(String);

/** A Jira project key (`TES`): what JIRA_PROJECTS lists. */
export const JiraProjectKey = z.string().regex(/^[A-Z][A-Z0-9_]{0,30}$/, 'must be a Jira project key such as PROJ');

/**
 * A JSON object as its own properties only. A changelog item has a `toString` field, and every object parsed from
 * JSON inherits a `toString` method: an item without the field must read as one without it, not as a function.
 */
const ownProperties = (value: unknown): unknown =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.assign(Object.create(null) as object, value) : value;

/** Every delivery: what happened (`jira:issue_updated`, `comment_created`, …) and, for issue events, Jira's event type. */
export const JiraEnvelope = z.object({
  webhookEvent: z.string().min(1).max(100),
  /** `issue_generic`, `issue_assigned`, `issue_commented`, `issue_work_started`, … (issue events only). */
  issue_event_type_name: z.string().max(100).nullish(),
});
export type JiraEnvelope = z.infer<typeof JiraEnvelope>;

/** The issue a delivery is about, as it names it (a comment event's issue carries only a few fields). */
export const JiraIssuePayload = z.object({
  id: numericId,
  key: IssueKey,
  fields: z.object({ project: z.object({ key: JiraProjectKey }).nullish() }).nullish(),
});
export type JiraIssuePayload = z.infer<typeof JiraIssuePayload>;

/** A value of a changelog item: an id (`from`, `to`) or a display text (`fromString`, `toString`); absent when unset. */
const changeValue = z
  .union([z.string(), z.number().transform(String)])
  .nullish()
  .transform((value) => value ?? undefined);

/**
 * One field's change, with Jira's `fromString`/`toString` read as `fromName`/`toName` (a parsed object that lacks an
 * own `toString` would otherwise answer with the inherited method). Only `status` items are read; the others (a
 * description's full text among them) pass through unlimited.
 */
export const JiraChangelogItem = z.preprocess(
  ownProperties,
  z
    .object({
      /** The field's name: `status` (Cloud also `Status`), `assignee`, a custom field's name. */
      field: z.string().max(1_000),
      /** `jira` for system fields, `custom` for custom fields (which may be named "Status" too). */
      fieldtype: z.string().max(100).nullish(),
      /** Cloud only: the field's id (`status`, `customfield_10010`). */
      fieldId: z.string().max(255).nullish(),
      from: changeValue,
      fromString: changeValue,
      to: changeValue,
      toString: changeValue,
    })
    .transform((item) => ({
      field: item.field,
      fieldtype: item.fieldtype ?? undefined,
      fieldId: item.fieldId ?? undefined,
      from: item.from,
      fromName: item.fromString,
      to: item.to,
      toName: Object.hasOwn(item, 'toString') ? item.toString : undefined,
    })),
);
export type JiraChangelogItem = z.infer<typeof JiraChangelogItem>;

/** The changes of one issue update; `id` is the changelog's (the same update sent twice has the same id). */
export const JiraChangelog = z.object({
  id: numericId,
  items: z.array(JiraChangelogItem).max(1_000),
});
export type JiraChangelog = z.infer<typeof JiraChangelog>;

/**
 * A person in a delivery, as forgebot keeps it (JiraUser): Cloud's `accountId`, or on Server (no account ids) the
 * user `key`, else the `name`.
 */
export const JiraUserPayload = z
  .object({
    accountId: z.string().max(128).nullish(),
    key: z.string().max(128).nullish(),
    name: z.string().max(128).nullish(),
    displayName: z.string().nullish(),
  })
  .refine((user) => Boolean(user.accountId || user.key || user.name), { message: 'names no accountId (Cloud) nor key or name (Server)' })
  .transform((user): JiraUser => ({
    accountId: user.accountId || user.key || user.name || '',
    displayName: (user.displayName ?? '').slice(0, 255),
  }));

/** A comment as a delivery names it: its id and author (its body is read through the API, as ADF). */
export const JiraCommentPayload = z.object({ id: numericId, author: JiraUserPayload });
export type JiraCommentPayload = z.infer<typeof JiraCommentPayload>;

// Parsed from the body's root, so that a problem names its field as sent (`changelog.items.0.to`).

/** `jira:issue_deleted` (and any issue event, before its changelog is read). */
export const IssueDelivery = z.object({ issue: JiraIssuePayload });
/** `jira:issue_updated`: the issue and what changed (no changelog when only a comment was added). */
export const IssueUpdatedDelivery = z.object({ issue: JiraIssuePayload, changelog: JiraChangelog.nullish() });
/** `comment_created`, or a `jira:issue_updated` of type `issue_commented` (how Server, and Cloud's issue events, tell of a comment). */
export const CommentDelivery = z.object({ issue: JiraIssuePayload, comment: JiraCommentPayload });
