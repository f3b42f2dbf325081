import type { JiraWebhookAction } from '../../domain/jira/ticket.js';
import type { JiraChangelogItem, JiraCommentPayload, JiraIssuePayload } from './jira-payload.js';
import { projectOfIssue } from './jira-project-allowlist.js';
import type { JiraEvent } from './parse-jira-event.js';

/** JIRA_READY_STATUS's default: the status a ticket is moved to when it is ready to be planned. */
export const DEFAULT_READY_STATUS = 'Ready for Dev';

export interface DecideJiraOptions {
  /** JIRA_READY_STATUS: the ready status's id (`10005`) or name (any case). */
  readyStatus: string;
}

/**
 * What forgebot does about a parsed Jira delivery. Pure: no I/O.
 * - `jira:issue_updated` whose changelog has a `status` item moving to the ready status (by id, or by name in any
 *   case) → ready, once per changelog; moving from it to another status → withdrawn (`left-ready`).
 * - a `status` item is the system field (Cloud: `fieldId: "status"`; Server, which sends no field ids: `field`
 *   "status" of a `jira` field), never a custom field that happens to be named "Status".
 * - `jira:issue_deleted` → withdrawn (`deleted`).
 * - `comment_created`, and an update of type `issue_commented` that changes no status (how Server, and Cloud's issue
 *   events, tell of a comment) → comment; the same comment told both ways is one (deduplicated on its id).
 * - everything else (a creation, an assignment, a status change that neither enters nor leaves the ready status, other
 *   events) → ignore, with the reason. A ticket created straight into the ready status is not started: Jira's
 *   workflows create into their initial status, and a move into the ready status is what says "ready".
 */
export function decideJiraAction(event: JiraEvent, options: DecideJiraOptions): JiraWebhookAction {
  switch (event.kind) {
    case 'other':
      return ignore(`event "${cut(event.webhookEvent, 100)}"${event.eventType ? ` (${cut(event.eventType, 100)})` : ''} is not handled`);
    case 'issue_deleted':
      return { kind: 'withdrawn', key: event.issue.key, issueId: event.issue.id, why: 'deleted' };
    case 'comment_created':
      return commented(event.issue, event.comment);
    case 'issue_updated': {
      const status = event.changelog?.items.find(isStatusItem);
      if (status === undefined || event.changelog === undefined) {
        if (event.comment) return commented(event.issue, event.comment);
        return ignore(event.changelog ? 'the update changes no status' : 'the update has no changelog');
      }
      return decideStatusChange(event.issue, event.changelog.id, status, options.readyStatus);
    }
  }
}

function decideStatusChange(issue: JiraIssuePayload, changelogId: string, item: JiraChangelogItem, readyStatus: string): JiraWebhookAction {
  const entersReady = isReadyStatus(item.to, item.toName, readyStatus);
  const leftReady = isReadyStatus(item.from, item.fromName, readyStatus);
  const ids = { key: issue.key, issueId: issue.id };
  if (entersReady && leftReady) return ignore(`the status stays "${cut(item.toName ?? item.to ?? '', 100)}"`);
  if (entersReady) {
    const toStatus = { id: cut(item.to ?? '', 40), name: cut(item.toName ?? '', 255) };
    return { kind: 'ready', ...ids, projectKey: projectOfIssue(issue), changelogId, toStatus };
  }
  if (leftReady) return { kind: 'withdrawn', ...ids, why: 'left-ready', changelogId };
  return ignore(`status "${cut(name(item.fromName, item.from), 100)}" → "${cut(name(item.toName, item.to), 100)}" neither enters nor leaves "${cut(readyStatus, 100)}"`);
}

/** The system status field (never a custom field named "Status"). */
function isStatusItem(item: JiraChangelogItem): boolean {
  if (item.fieldId) return item.fieldId === 'status';
  return item.field.toLowerCase() === 'status' && (item.fieldtype ?? 'jira') === 'jira';
}

/** Whether a status, by its id and name as the changelog gives them, is the configured one (its id, or its name in any case). */
function isReadyStatus(id: string | undefined, label: string | undefined, readyStatus: string): boolean {
  const wanted = readyStatus.trim();
  if (id && id === wanted) return true;
  return Boolean(label) && fold(label ?? '') === fold(wanted);
}

const fold = (value: string) => value.trim().normalize('NFC').toLowerCase();

function commented(issue: JiraIssuePayload, comment: JiraCommentPayload): JiraWebhookAction {
  return { kind: 'comment', key: issue.key, issueId: issue.id, commentId: comment.id, author: comment.author };
}

const ignore = (reason: string): JiraWebhookAction => ({ kind: 'ignore', reason });
const name = (label: string | undefined, id: string | undefined) => label || id || 'none';
const cut = (value: string, max: number) => (value.length > max ? `${value.slice(0, max - 1)}…` : value);
