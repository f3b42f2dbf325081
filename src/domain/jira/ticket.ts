import { z } from 'zod';

// The Jira side of the ticket workflow (`ticket:jira:<KEY>`): what forgebot reads of a ticket, and what its webhook
// receiver decides from a delivery. A delivery's word is never taken alone: the workflow re-reads the issue through
// Jira's REST API v3 (JiraApi) before each step.

export const IssueKey = z.string().regex(/^[A-Z][A-Z0-9_]{0,30}-\d{1,10}$/);
export type IssueKey = z.infer<typeof IssueKey>;

/** A Jira user as forgebot keeps it: Cloud's account id (Server/DC: the user key or name), and a display name. */
export const JiraUser = z.object({ accountId: z.string().min(1).max(128), displayName: z.string().max(255) });
export type JiraUser = z.infer<typeof JiraUser>;

/** A status by id and name (the ready status is configured by either). */
export const JiraStatus = z.object({ id: z.string().max(40), name: z.string().max(255) });
export type JiraStatus = z.infer<typeof JiraStatus>;

/** A ticket as forgebot reads it through the API (text converted from ADF to Markdown; all of it untrusted). */
export const JiraTicket = z.object({
  key: IssueKey,
  id: z.string().regex(/^\d{1,20}$/),
  projectKey: z.string().min(1).max(40),
  summary: z.string().max(1_000),
  /** The description as Markdown (converted from ADF; Server's wiki text as it is). */
  description: z.string().max(200_000),
  /** Acceptance criteria, and where they were read from (a custom field, a section of the description, a checklist). */
  acceptanceCriteria: z.object({ text: z.string().max(50_000), source: z.enum(['field', 'section', 'checklist']) }).optional(),
  status: JiraStatus,
  issueType: z.string().max(255),
  labels: z.array(z.string().max(255)).max(100),
  components: z.array(z.string().max(255)).max(100),
  reporter: JiraUser.optional(),
  assignee: JiraUser.optional(),
  /** Linked issues: the relation as Jira words it, the other issue's key and summary. */
  links: z.array(z.object({ relation: z.string().max(255), key: IssueKey, summary: z.string().max(1_000) })).max(100),
  /** Listed, never read. */
  attachments: z.array(z.object({ filename: z.string().max(255), size: z.number().int().nonnegative(), mimeType: z.string().max(255) })).max(200),
  webUrl: z.string().url(),
});
export type JiraTicket = z.infer<typeof JiraTicket>;

export const JiraComment = z.object({
  id: z.string().regex(/^\d{1,20}$/),
  author: JiraUser,
  /** As Markdown (converted from ADF). */
  body: z.string().max(100_000),
  created: z.string().max(40),
});
export type JiraComment = z.infer<typeof JiraComment>;

/** What the Jira webhook receiver does with a delivery (after the signature, before any API call). */
export type JiraWebhookAction =
  /** `jira:issue_updated` with a changelog status item moving TO the ready status: start (or signal) the ticket workflow. */
  | { kind: 'ready'; key: IssueKey; issueId: string; projectKey: string; changelogId: string; toStatus: JiraStatus }
  /** The ready status was left (moved away from it), or the issue deleted: the workflow stops and cleans up. */
  | { kind: 'withdrawn'; key: IssueKey; issueId: string; why: 'left-ready' | 'deleted'; changelogId?: string }
  /** `comment_created` on a ticket: its running workflow takes answers and approvals from it (none running: ignored). */
  | { kind: 'comment'; key: IssueKey; issueId: string; commentId: string; author: JiraUser }
  /** Anything else: acknowledged, ignored, counted. */
  | { kind: 'ignore'; reason: string };
