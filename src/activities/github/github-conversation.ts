import type { ChangeRef } from '../../domain/change-ref.js';
import { ForgeError, type Conversation } from '../forge.js';
import { ONCE, type Repo, type RunInRepo } from './github-context.js';
import type { GitHubOctokit } from './github-octokit.js';
import { toGitHubMarkdown } from './github-review.js';
import { parseGitHubThreadId, reactionContent } from './github-thread-id.js';
import { findingThreadNotes, reviewThreads } from './github-threads.js';

const notOnThisChange = (ref: ChangeRef, what: string) => new ForgeError('ERR_FORGE_NOT_FOUND', `${what} is not on ${ref.projectPath}#${ref.number}`);

/** The top-level comment of the review thread `commentId` belongs to (GitHub takes replies to top-level comments only). */
async function threadRoot(api: GitHubOctokit, repo: Repo, ref: ChangeRef, commentId: number): Promise<number> {
  const { data } = await api.rest.pulls.getReviewComment({ ...repo, comment_id: commentId });
  if (!data.pull_request_url.endsWith(`/pulls/${ref.number}`)) throw notOnThisChange(ref, `review comment ${commentId}`);
  return data.in_reply_to_id ?? data.id;
}

/** A reply in the conversation tab: a new comment that names and links the one it answers (no quote: its text is untrusted). */
async function replyToIssueComment(api: GitHubOctokit, repo: Repo, ref: ChangeRef, commentId: number, body: string): Promise<number> {
  const { data: original } = await api.rest.issues.getComment({ ...repo, comment_id: commentId });
  if (!original.issue_url.endsWith(`/issues/${ref.number}`)) throw notOnThisChange(ref, `comment ${commentId}`);
  const author = original.user?.login ? `@${original.user.login}` : 'a comment';
  const { data } = await api.rest.issues.createComment({ ...repo, issue_number: ref.number, body: `> In reply to ${author}: ${original.html_url}\n\n${body}`, ...ONCE });
  return data.id;
}

/**
 * The comment a reaction goes on: `noteId` is its id (or `review-comment:<id>` / `issue-comment:<id>`); the kind is
 * `target.kind`, else the prefix, else a review comment when `threadId` names a review thread, else a conversation comment.
 */
function reactionTarget(target: Parameters<Conversation['addReaction']>[1]): { kind: 'review-comment' | 'issue-comment'; id: number } {
  const match = /^(?:(review-comment|issue-comment):)?([1-9]\d{0,15})$/.exec(target.noteId);
  if (!match) throw new ForgeError('ERR_FORGE_INVALID', `"${target.noteId.slice(0, 80)}" is not a GitHub comment id`);
  const id = Number(match[2]);
  if (target.kind) return { kind: target.kind === 'review-comment' ? 'review-comment' : 'issue-comment', id };
  if (match[1] === 'review-comment' || match[1] === 'issue-comment') return { kind: match[1], id };
  const thread = target.threadId === undefined ? undefined : parseGitHubThreadId(target.threadId);
  return { kind: thread && thread.kind !== 'issue-comment' ? 'review-comment' : 'issue-comment', id };
}

/**
 * Talking in a pull request's threads: forgebot's finding threads read back, review thread replies, and reactions on
 * both kinds of comment. `botLogin` names forgebot's own account on a repository (GitHubConnection.botLogin).
 */
export function createGitHubConversation(run: RunInRepo, botLogin: (owner: string, repo: string) => Promise<string>): Conversation {
  return {
    async findingThread(ref, threadId) {
      const thread = parseGitHubThreadId(threadId);
      if (!thread || thread.kind === 'issue-comment') return undefined;
      return run(ref, `reading a review thread of ${ref.projectPath}#${ref.number}`, async (api, repo) =>
        findingThreadNotes(api, repo, ref.number, thread, await botLogin(repo.owner, repo.repo)),
      );
    },

    async replyInThread(ref, threadId, body) {
      const thread = parseGitHubThreadId(threadId);
      if (!thread) throw new ForgeError('ERR_FORGE_INVALID', `"${threadId.slice(0, 80)}" is not a GitHub thread id`);
      return run(ref, `replying in a thread on ${ref.projectPath}#${ref.number}`, async (api, repo) => {
        if (thread.kind === 'issue-comment') return { id: String(await replyToIssueComment(api, repo, ref, thread.id, body)) };
        let root: number;
        if (thread.kind === 'review-thread') {
          const found = (await reviewThreads(api, repo.owner, repo.repo, ref.number)).find((candidate) => candidate.id === thread.nodeId);
          if (found?.firstCommentId === undefined) throw notOnThisChange(ref, `review thread ${thread.nodeId}`);
          root = found.firstCommentId;
        } else root = await threadRoot(api, repo, ref, thread.id);
        const { data } = await api.rest.pulls.createReplyForReviewComment({ ...repo, pull_number: ref.number, comment_id: root, body: toGitHubMarkdown(body), ...ONCE });
        return { id: String(data.id) };
      });
    },

    async addReaction(ref, target, emoji) {
      const content = reactionContent(emoji);
      if (!content) throw new ForgeError('ERR_FORGE_INVALID', `"${emoji.slice(0, 40)}" is not a GitHub reaction`);
      const comment = reactionTarget(target);
      await run(ref, `reacting on ${ref.projectPath}#${ref.number}`, async (api, repo) => {
        // 201: added; 200: this reaction was already there. Both are success.
        if (comment.kind === 'review-comment') await api.rest.reactions.createForPullRequestReviewComment({ ...repo, comment_id: comment.id, content });
        else await api.rest.reactions.createForIssueComment({ ...repo, comment_id: comment.id, content });
      });
    },
  };
}
