import { ChangeCommand, type NotePlace } from '../../domain/change-command.js';
import type { ChangeRef } from '../../domain/change-ref.js';
import { parseCommand } from '../../domain/command-parser.js';
import type { NoteAction } from '../dispatch-change-command.js';
import { parseWith } from '../gitlab/parse-gitlab-event.js';
import type { IssueCommentEvent, ReviewCommentEvent } from './comment-event.js';

/** A comment on a pull request, parsed once: on its conversation, or on its diff lines. */
export type PullRequestComment = { kind: 'issue-comment'; event: IssueCommentEvent } | { kind: 'review-comment'; event: ReviewCommentEvent };

export interface CommentDecideOptions {
  trigger: string;
  ownUserId: number | undefined;
  /** forgebot's GitHub App (GITHUB_APP_ID): a comment the App wrote is its own, whatever its bot user's id. */
  appId?: number | undefined;
  fromBots: boolean;
  deliveryId?: string;
}

const isUrl = (value: string | undefined): value is string => value !== undefined && ChangeCommand.shape.noteUrl.safeParse(value).success;

function placeOf(comment: PullRequestComment): NotePlace {
  if (comment.kind === 'issue-comment') return { kind: 'change' };
  const { path, line, start_line: start } = comment.event.comment;
  return { kind: 'diff', path, ...(line == null ? {} : { line }), ...(start == null || line == null || start >= line ? {} : { startLine: start }) };
}

/**
 * What forgebot does about a comment on a pull request. Pure: no I/O. Only a new comment (`created`; `edited` and
 * `deleted` are ignored) by a person (not forgebot, by user id or App id; not a bot unless `fromBots`) on an open pull
 * request, holding a command, is one. A review comment's thread is its first comment. What the author may do is not
 * decided here (`author_association` is no proof): the workflow checks it through the API.
 * Throws InvalidPayloadError when the comment does not fit a ChangeCommand.
 */
export function decideGitHubComment(comment: PullRequestComment, options: CommentDecideOptions): NoteAction {
  const { event } = comment;
  const ignore = (reason: string): NoteAction => ({ kind: 'ignore', reason });
  if (event.action !== 'created') return ignore(`comment action "${event.action.slice(0, 40)}" is not a new comment`);
  const author = event.comment.user;
  if (author === null) return ignore('comment names no author');
  const own = options.ownUserId !== undefined && (author.id === options.ownUserId || event.sender?.id === options.ownUserId);
  if (own || (options.appId !== undefined && event.comment.performed_via_github_app?.id === options.appId)) return ignore("forgebot's own comment");
  if (!options.fromBots && (author.type === 'Bot' || event.sender?.type === 'Bot')) return ignore('comment by a bot (COMMANDS_FROM_BOTS is off)');
  const command = parseCommand(event.comment.body ?? '', options.trigger);
  if (command === undefined) return ignore('no command in the comment');
  const pullRequest = comment.kind === 'issue-comment' ? comment.event.issue : comment.event.pull_request;
  if (pullRequest.state === 'closed') return ignore('pull request is closed');
  const threadId = comment.kind === 'review-comment' ? String(comment.event.comment.in_reply_to_id ?? comment.event.comment.id) : undefined;
  const candidate: ChangeCommand = {
    command,
    noteId: String(event.comment.id),
    noteKind: comment.kind,
    ...(threadId === undefined ? {} : { threadId }),
    place: placeOf(comment),
    author: { id: author.id, username: author.login },
    ...(isUrl(event.comment.html_url) ? { noteUrl: event.comment.html_url } : {}),
    ...(event.comment.created_at === undefined ? {} : { createdAt: event.comment.created_at }),
    ...(options.deliveryId === undefined ? {} : { deliveryId: options.deliveryId }),
  };
  const path = event.repository.full_name;
  const ref: ChangeRef = { forge: 'github', projectId: path, projectPath: path, number: pullRequest.number };
  return { kind: 'command', ref, command: parseWith(ChangeCommand, candidate) };
}
