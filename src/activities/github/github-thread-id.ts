/**
 * What a GitHub `threadId` names. GitHub has review threads on the diff but no threads in the conversation tab, so:
 * - `PRRT_…`: a review thread's GraphQL node id (what `findingThreads` returns);
 * - `review-comment:<id>`, or bare digits (GitHub's comment id of a webhook's `pull_request_review_comment`): a review
 *   comment, standing for the thread it belongs to;
 * - `issue-comment:<id>`: a conversation comment (`issue_comment` webhook); a reply to it is a new comment linking it.
 */
export type GitHubThread = { kind: 'review-thread'; nodeId: string } | { kind: 'review-comment'; id: number } | { kind: 'issue-comment'; id: number };

export function parseGitHubThreadId(threadId: string): GitHubThread | undefined {
  if (/^PRRT_[A-Za-z0-9_-]+$/.test(threadId)) return { kind: 'review-thread', nodeId: threadId };
  const match = /^(?:(review-comment|issue-comment):)?([1-9]\d{0,15})$/.exec(threadId);
  if (!match) return undefined;
  return { kind: match[1] === 'issue-comment' ? 'issue-comment' : 'review-comment', id: Number(match[2]) };
}

export function githubThreadId(thread: GitHubThread): string {
  return thread.kind === 'review-thread' ? thread.nodeId : `${thread.kind}:${thread.id}`;
}

/** GitHub's reaction names (+1, -1, laugh, confused, heart, hooray, rocket, eyes), GitLab's / Slack's aliases too. */
const REACTIONS: Record<string, ReactionContent> = {
  '+1': '+1', thumbsup: '+1', '-1': '-1', thumbsdown: '-1', laugh: 'laugh', smile: 'laugh', laughing: 'laugh', confused: 'confused',
  heart: 'heart', hooray: 'hooray', tada: 'hooray', rocket: 'rocket', eyes: 'eyes',
};
export type ReactionContent = '+1' | '-1' | 'laugh' | 'confused' | 'heart' | 'hooray' | 'rocket' | 'eyes';

export function reactionContent(emoji: string): ReactionContent | undefined {
  return Object.hasOwn(REACTIONS, emoji) ? REACTIONS[emoji] : undefined;
}
