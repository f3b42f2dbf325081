import { ChangeCommand, ThreadReply, type NotePlace } from '../../domain/change-command.js';
import type { ChangeRef } from '../../domain/change-ref.js';
import { parseCommand } from '../../domain/command-parser.js';
import type { NoteAction } from '../dispatch-change-command.js';
import { parseWith } from '../gitlab/parse-gitlab-event.js';
import { replyBody } from '../reply-body.js';
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
 * The thread of a reply as the forge layer takes it (src/activities/github/github-thread-id.ts): its first comment,
 * `review-comment:<id>` (GitHub allows no reply to a reply, so `in_reply_to_id` is always the root).
 */
const replyThreadId = (rootId: number) => `review-comment:${rootId}`;

/**
 * What forgebot does about a comment on a pull request. Pure: no I/O. Only a new comment (`created`; `edited` and
 * `deleted` are ignored) by a person (not forgebot, by user id or App id; not a bot unless `fromBots`) on an open pull
 * request is one: a command when it holds one, else — a review comment that replies to another (`in_reply_to_id`) —
 * a reply in that thread, which the review workflow takes only in one of forgebot's finding threads. A review comment
 * that starts a thread cannot be in one of forgebot's, and a conversation comment has no thread: without a command
 * both are ignored. A review comment's thread is its first comment. What the author may do is not decided here
 * (`author_association` is no proof): the workflow checks it through the API.
 * Throws InvalidPayloadError when the comment does not fit a ChangeCommand or a ThreadReply.
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
  const repliesTo = comment.kind === 'review-comment' ? (comment.event.comment.in_reply_to_id ?? undefined) : undefined;
  if (command === undefined && repliesTo === undefined) return ignore('no command in the comment');
  const pullRequest = comment.kind === 'issue-comment' ? comment.event.issue : comment.event.pull_request;
  if (pullRequest.state === 'closed') return ignore('pull request is closed');
  const path = event.repository.full_name;
  const ref: ChangeRef = { forge: 'github', projectId: path, projectPath: path, number: pullRequest.number };
  const noted: Omit<ThreadReply, 'threadId' | 'body'> = {
    noteId: String(event.comment.id),
    noteKind: comment.kind,
    place: placeOf(comment),
    author: { id: author.id, username: author.login },
    ...(isUrl(event.comment.html_url) ? { noteUrl: event.comment.html_url } : {}),
    ...(event.comment.created_at === undefined ? {} : { createdAt: event.comment.created_at }),
    ...(options.deliveryId === undefined ? {} : { deliveryId: options.deliveryId }),
  };
  if (command !== undefined) {
    const threadId = comment.kind === 'review-comment' ? String(repliesTo ?? comment.event.comment.id) : undefined;
    const candidate: ChangeCommand = { command, ...noted, ...(threadId === undefined ? {} : { threadId }) };
    return { kind: 'command', ref, command: parseWith(ChangeCommand, candidate) };
  }
  const body = replyBody(event.comment.body);
  if (repliesTo === undefined) return ignore('no command in the comment');
  if (body === undefined) return ignore('empty comment');
  const candidate: ThreadReply = { ...noted, threadId: replyThreadId(repliesTo), body };
  return { kind: 'reply', ref, reply: parseWith(ThreadReply, candidate) };
}
