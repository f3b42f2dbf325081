import type { IssueKey, JiraComment, JiraTicket, JiraUser } from '../../domain/jira/ticket.js';

/**
 * What forgebot needs from Jira (REST API v3), by capability: the only place a Jira token is used. Markdown in, ADF on
 * the wire. Errors are JiraError: 401/403 permanent (a bad or under-scoped token), 404 permanent (no such issue, or
 * not visible to the token), 429 and 5xx retried after the server's Retry-After.
 */
export interface JiraApi {
  /** The ticket now (fields, links, attachments listed); undefined when it does not exist (deleted). */
  getTicket(key: IssueKey): Promise<JiraTicket | undefined>;
  /** Comments in creation order, all pages; `after`: only those with a larger id. */
  listComments(key: IssueKey, after?: string): Promise<JiraComment[]>;
  /** Adds a comment (Markdown, converted to ADF); with `mark`, the comment carries it as an entity property (unseen in Jira's UI). */
  addComment(key: IssueKey, markdown: string, mark?: CommentMark): Promise<{ id: string }>;
  /** forgebot's comment (by `authorAccountId`) on the ticket that carries `mark`, newest first; undefined when none does. */
  findMarkedComment(key: IssueKey, mark: string, authorAccountId: string): Promise<{ id: string } | undefined>;
  /** Moves the ticket through the transition whose target status has this name (case-insensitive); false when none leads there. */
  transitionTo(key: IssueKey, statusName: string): Promise<boolean>;
  /** Whether `user` holds the project permission (e.g. `TRANSITION_ISSUES`, `ADMINISTER_PROJECTS`) on the ticket's project, as Jira says now. */
  userHasPermission(key: IssueKey, user: Pick<JiraUser, 'accountId'>, permission: string): Promise<boolean>;
  /** forgebot's own account (its comments are never taken as a person's). */
  myself(): Promise<JiraUser>;
}

/**
 * What makes one of forgebot's comments findable again: `mark` names the write (the same on every retry of it),
 * `intent` says what the comment is for (for people reading the property).
 */
export interface CommentMark {
  mark: string;
  intent: string;
}

/** The comment property (`PUT /rest/api/3/comment/{id}/properties/{key}`) a marked comment carries, set on creation. */
export const COMMENT_MARK_PROPERTY = 'forgebot.comment-mark';

export type JiraErrorCode = 'ERR_JIRA_UNAUTHORIZED' | 'ERR_JIRA_FORBIDDEN' | 'ERR_JIRA_NOT_FOUND' | 'ERR_JIRA_INVALID' | 'ERR_JIRA_RATE_LIMITED' | 'ERR_JIRA_UNAVAILABLE';

export class JiraError extends Error {
  constructor(
    readonly code: JiraErrorCode,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'JiraError';
  }

  get permanent(): boolean {
    return this.code !== 'ERR_JIRA_RATE_LIMITED' && this.code !== 'ERR_JIRA_UNAVAILABLE';
  }
}
