import { z } from 'zod';

// Jira's REST API answers, as far as forgebot reads them (fields it does not read are let through unchecked). Cloud
// names users by `accountId`; Server/DC by `key` and `name`. Rich text (`description`, a comment's `body`, rich-text
// custom fields) is ADF on Cloud's v3 and wiki text on Server/DC: it stays `unknown` here and is read defensively.

/** A user as the API embeds it (reporter, assignee, a comment's author, `myself`, a permission search result). */
export const JiraApiUser = z.looseObject({
  accountId: z.string().min(1).optional(),
  key: z.string().min(1).optional(),
  name: z.string().min(1).optional(),
  displayName: z.string().optional(),
});
export type JiraApiUser = z.infer<typeof JiraApiUser>;

const Named = z.looseObject({ id: z.string().optional(), name: z.string() });

const LinkedIssue = z.looseObject({ key: z.string(), fields: z.looseObject({ summary: z.string().optional() }).optional() });

/** An entry of `fields.issuelinks`: the link type words the relation both ways; one side is the other issue. */
export const JiraApiIssueLink = z.looseObject({
  type: z.looseObject({ name: z.string().optional(), inward: z.string().optional(), outward: z.string().optional() }),
  inwardIssue: LinkedIssue.optional(),
  outwardIssue: LinkedIssue.optional(),
});

export const JiraApiAttachment = z.looseObject({ filename: z.string(), size: z.number().int().nonnegative(), mimeType: z.string().optional() });

/** `GET /rest/api/3/issue/{key}` with the fields forgebot asks for (`null` where a field is empty). */
export const JiraApiIssue = z.looseObject({
  id: z.string().regex(/^\d{1,20}$/),
  key: z.string(),
  fields: z.looseObject({
    summary: z.string(),
    description: z.unknown().optional(),
    status: z.looseObject({ id: z.string(), name: z.string() }),
    issuetype: Named.nullish(),
    project: z.looseObject({ key: z.string() }),
    labels: z.array(z.string()).nullish(),
    components: z.array(Named).nullish(),
    reporter: JiraApiUser.nullish(),
    assignee: JiraApiUser.nullish(),
    issuelinks: z.array(JiraApiIssueLink).nullish(),
    attachment: z.array(JiraApiAttachment).nullish(),
  }),
});
export type JiraApiIssue = z.infer<typeof JiraApiIssue>;

export const JiraApiComment = z.looseObject({
  id: z.string().regex(/^\d{1,20}$/),
  author: JiraApiUser.nullish(),
  body: z.unknown(),
  created: z.string(),
});
export type JiraApiComment = z.infer<typeof JiraApiComment>;

/** `GET /rest/api/3/issue/{key}/comment`: an offset page (`startAt`, `maxResults`, `total`). */
export const JiraApiCommentPage = z.looseObject({
  startAt: z.number().int().nonnegative(),
  maxResults: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  comments: z.array(JiraApiComment),
});

/** `POST /rest/api/3/comment/list?expand=properties`: the comments named by id, with their entity properties. */
export const JiraApiCommentsById = z.looseObject({
  values: z.array(z.looseObject({
    id: z.string().regex(/^\d{1,20}$/),
    author: JiraApiUser.nullish(),
    properties: z.array(z.looseObject({ key: z.string(), value: z.unknown() })).optional(),
  })),
});

/** `POST /rest/api/3/issue/{key}/comment` → 201 with the comment. */
export const JiraApiCreatedComment = z.looseObject({ id: z.string().regex(/^\d{1,20}$/) });

/** `GET /rest/api/3/issue/{key}/transitions`: the transitions the caller may make now, each with its target status. */
export const JiraApiTransitions = z.looseObject({
  transitions: z.array(z.looseObject({ id: z.string(), name: z.string(), to: z.looseObject({ id: z.string().optional(), name: z.string() }) })),
});

/** `GET /rest/api/3/issue/{key}?fields=status`. */
export const JiraApiIssueStatus = z.looseObject({ fields: z.looseObject({ status: z.looseObject({ name: z.string() }) }) });

/** `GET /rest/api/3/user/permission/search`: the users that hold every listed permission. */
export const JiraApiUsers = z.array(JiraApiUser);
