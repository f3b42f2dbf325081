import { InvalidPayloadError, parseWith } from '../gitlab/parse-gitlab-event.js';
import { CommentDelivery, IssueDelivery, IssueUpdatedDelivery, JiraEnvelope, type JiraChangelog, type JiraCommentPayload, type JiraIssuePayload } from './jira-payload.js';

export { InvalidPayloadError };

/** Jira's issue event type for a comment added (sent as a `jira:issue_updated` with the comment and no changelog). */
const ISSUE_COMMENTED = 'issue_commented';

/** A Jira delivery, parsed once (by `webhookEvent`: Jira sends no event header). */
export type JiraEvent =
  /** `comment`: present when Jira's event type is `issue_commented`. */
  | { kind: 'issue_updated'; eventType?: string; issue: JiraIssuePayload; changelog?: JiraChangelog; comment?: JiraCommentPayload }
  | { kind: 'issue_deleted'; issue: JiraIssuePayload }
  | { kind: 'comment_created'; issue: JiraIssuePayload; comment: JiraCommentPayload }
  /** `jira:issue_created`, `comment_updated`, `sprint_started`, `project_created`, … */
  | { kind: 'other'; webhookEvent: string; eventType?: string };

/**
 * Parses a Jira webhook body (already JSON-decoded) by its `webhookEvent`: only what can start, stop or inform a
 * ticket's work is read beyond the envelope. Throws InvalidPayloadError with the offending field.
 */
export function parseJiraEvent(body: unknown): JiraEvent {
  const envelope = parseWith(JiraEnvelope, body);
  const eventType = envelope.issue_event_type_name ?? undefined;
  const typed = eventType === undefined ? {} : { eventType };
  switch (envelope.webhookEvent) {
    case 'jira:issue_updated': {
      const { issue, changelog } = parseWith(IssueUpdatedDelivery, body);
      const comment = eventType === ISSUE_COMMENTED ? parseWith(CommentDelivery, body).comment : undefined;
      return { kind: 'issue_updated', ...typed, issue, ...(changelog ? { changelog } : {}), ...(comment ? { comment } : {}) };
    }
    case 'jira:issue_deleted':
      return { kind: 'issue_deleted', issue: parseWith(IssueDelivery, body).issue };
    case 'comment_created': {
      const { issue, comment } = parseWith(CommentDelivery, body);
      return { kind: 'comment_created', issue, comment };
    }
    default:
      return { kind: 'other', webhookEvent: envelope.webhookEvent, ...typed };
  }
}
