import type { Logger } from '../../logger.js';
import { reply, type Reply, type WebhookRouteDeps } from '../change-action.js';
import { commandOptions, dispatchChangeCommand, type CommandOptions } from '../dispatch-change-command.js';
import { allowsProject, NOT_ALLOWED_REASON, type AllowlistDeps } from '../project-allowlist.js';
import { CommentEnvelope, IssueCommentEvent, ReviewCommentEvent } from './comment-event.js';
import { decideGitHubComment, type PullRequestComment } from './decide-comment-action.js';
import { parseWith } from '../gitlab/parse-gitlab-event.js';

/** What the comment path needs of the GitHub route; `appId`: GITHUB_APP_ID, whose comments are forgebot's own. */
export type GitHubCommentDeps = WebhookRouteDeps & AllowlistDeps & { commands?: (CommandOptions & { appId?: number | undefined }) | undefined };

/** The events that carry a comment on a pull request. */
export const COMMENT_EVENTS: ReadonlySet<string> = new Set(['issue_comment', 'pull_request_review_comment']);

/**
 * `issue_comment` and `pull_request_review_comment`: the repository allowlist (202 ignored), then only comments on
 * pull requests are read (a plain issue's: 202 ignored), parsed (InvalidPayloadError, 400 from the route), decided
 * (decide-comment-action.ts) and dispatched to the change's review workflow: a command (signal-with-start), or a
 * reply in a review thread (a plain signal).
 */
export async function handleGitHubComment(body: unknown, eventName: string, deps: GitHubCommentDeps, log: Logger, deliveryId: string): Promise<Reply> {
  const envelope = parseWith(CommentEnvelope, body);
  if (!allowsProject(deps.allowlist, envelope.repository.full_name)) {
    log.info({ repository: envelope.repository.full_name }, 'repository not allowed (GITHUB_ALLOWED_REPOSITORIES)');
    deps.onNotAllowed?.();
    return reply(202, { status: 'ignored', reason: NOT_ALLOWED_REASON });
  }
  if (eventName === 'issue_comment' && envelope.issue?.pull_request == null) {
    return dispatchChangeCommand({ kind: 'ignore', reason: 'comment on an issue, not a pull request' }, deps, log, deliveryId, 'github');
  }
  const comment: PullRequestComment =
    eventName === 'issue_comment' ? { kind: 'issue-comment', event: parseWith(IssueCommentEvent, body) } : { kind: 'review-comment', event: parseWith(ReviewCommentEvent, body) };
  const options = commandOptions(deps.commands);
  const action = decideGitHubComment(comment, { ...options, appId: deps.commands?.appId, deliveryId });
  return dispatchChangeCommand(action, deps, log, deliveryId, 'github');
}
