import { z } from 'zod';

const id = z.number().int().positive();
const line = z.number().int().positive().nullable().optional();
const fullName = z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'must be owner/repo');

/** A comment's author or a delivery's sender: `type` is `User`, `Bot` or `Organization`. */
const GitHubUser = z.object({ id, login: z.string().min(1), type: z.string().optional() });
export type GitHubUser = z.infer<typeof GitHubUser>;

/** What decides whether a comment event is read further: its repository, and for `issue_comment` whether the issue is a pull request. */
export const CommentEnvelope = z.object({
  repository: z.object({ full_name: fullName }),
  issue: z.object({ pull_request: z.unknown().optional() }).optional(),
});
export type CommentEnvelope = z.infer<typeof CommentEnvelope>;

/** The fields of a comment that a command needs (both events); other fields are dropped. */
const Comment = z.object({
  id,
  body: z.string().nullable(),
  user: GitHubUser.nullable(),
  html_url: z.string().optional(),
  created_at: z.string().optional(),
  /** Set when a GitHub App wrote the comment (forgebot's own, when it is that App). */
  performed_via_github_app: z.object({ id }).nullable().optional(),
});

/** `issue_comment` on a pull request (`issue.pull_request` present): a comment on the conversation. */
export const IssueCommentEvent = z.object({
  action: z.string().min(1),
  issue: z.object({ number: id, state: z.string().optional(), pull_request: z.record(z.string(), z.unknown()) }),
  comment: Comment,
  repository: z.object({ full_name: fullName }),
  sender: GitHubUser.optional(),
});
export type IssueCommentEvent = z.infer<typeof IssueCommentEvent>;

/**
 * `pull_request_review_comment`: a comment on diff lines (`line`, and `start_line` for a range; null when the lines
 * are outdated), or a reply in such a thread (`in_reply_to_id`: the thread's first comment, as GitHub allows no reply
 * to a reply).
 */
export const ReviewCommentEvent = z.object({
  action: z.string().min(1),
  pull_request: z.object({ number: id, state: z.string().optional() }),
  comment: Comment.extend({ path: z.string().min(1), line, start_line: line, in_reply_to_id: id.nullable().optional() }),
  repository: z.object({ full_name: fullName }),
  sender: GitHubUser.optional(),
});
export type ReviewCommentEvent = z.infer<typeof ReviewCommentEvent>;
