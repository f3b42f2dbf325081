import type { DiffPosition } from '../../domain/diff-position.js';
import type { ReviewVerdict } from '../../domain/review-verdict.js';
import type { InlineComment } from '../forge.js';

/** One comment of `POST /repos/{owner}/{repo}/pulls/{n}/reviews`: a line on one side of the diff. */
export interface ReviewComment {
  path: string;
  body: string;
  line: number;
  side: 'LEFT' | 'RIGHT';
  start_line?: number;
  start_side?: 'LEFT' | 'RIGHT';
}

export interface ReviewPayload {
  commit_id: string;
  event: 'COMMENT' | 'REQUEST_CHANGES' | 'APPROVE';
  body: string;
  comments: ReviewComment[];
}

/**
 * GitLab's suggestion fence names a line range (`suggestion:-0+0`); GitHub's is bare and spans the comment's lines.
 * Only forgebot's own fence is rewritten: the longest one (its fence is longer than any backtick run in the suggestion).
 */
export function toGitHubMarkdown(body: string): string {
  const opener = /^(`{3,})suggestion:-\d+\+\d+[ \t]*$/gm;
  const longest = Math.max(0, ...Array.from(body.matchAll(opener), (match) => match[1]?.length ?? 0));
  return body.replace(opener, (line, ticks: string) => (ticks.length === longest ? `${ticks}suggestion` : line));
}

/**
 * A comment at a diff position: an added or context line on the head side (RIGHT), a removed line on the base side
 * (LEFT); a range from `startPosition` as start_line/start_side. GitHub addresses the file by its new path on both sides.
 */
export function toReviewComment(comment: InlineComment): ReviewComment {
  const { position, startPosition, newPath } = comment.target;
  const end = lineAndSide(position);
  const start = startPosition ? lineAndSide(startPosition) : undefined;
  return { path: newPath, body: toGitHubMarkdown(comment.body), ...end, ...(start ? { start_line: start.line, start_side: start.side } : {}) };
}

function lineAndSide(position: DiffPosition): { line: number; side: 'LEFT' | 'RIGHT' } {
  return position.newLine !== undefined ? { line: position.newLine, side: 'RIGHT' } : { line: position.oldLine ?? 1, side: 'LEFT' };
}

/**
 * The review to post, or undefined when it would say nothing new. COMMENT by default, REQUEST_CHANGES when a blocker is
 * among the new comments, APPROVE only when the change is clean and `approveWhenClean` (GITHUB_APPROVE_WHEN_CLEAN).
 */
export function buildReview(headSha: string, comments: InlineComment[], verdict: ReviewVerdict, approveWhenClean: boolean): ReviewPayload | undefined {
  if (comments.length === 0) {
    if (verdict !== 'clean' || !approveWhenClean) return undefined;
    return { commit_id: headSha, event: 'APPROVE', body: 'forgebot found nothing to change.', comments: [] };
  }
  const count = `${comments.length} new comment${comments.length === 1 ? '' : 's'}`;
  return verdict === 'blocking'
    ? { commit_id: headSha, event: 'REQUEST_CHANGES', body: `forgebot: ${count}, at least one blocker. The summary is in the conversation.`, comments: comments.map(toReviewComment) }
    : { commit_id: headSha, event: 'COMMENT', body: `forgebot: ${count}. The summary is in the conversation.`, comments: comments.map(toReviewComment) };
}
