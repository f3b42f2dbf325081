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
  /** Adds a comment (Markdown, converted to ADF). */
  addComment(key: IssueKey, markdown: string): Promise<{ id: string }>;
  /** Moves the ticket through the transition whose target status has this name (case-insensitive); false when none leads there. */
  transitionTo(key: IssueKey, statusName: string): Promise<boolean>;
  /** Whether `user` holds the project permission (e.g. `TRANSITION_ISSUES`, `ADMINISTER_PROJECTS`) on the ticket's project, as Jira says now. */
  userHasPermission(key: IssueKey, user: Pick<JiraUser, 'accountId'>, permission: string): Promise<boolean>;
  /** forgebot's own account (its comments are never taken as a person's). */
  myself(): Promise<JiraUser>;
}

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
