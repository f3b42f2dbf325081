import { RequestError } from '@octokit/request-error';
import { fingerprintIn, parseInlineComment, raisedByIn } from '../../domain/render.js';
import type { FindingThreadNotes } from '../forge.js';
import type { Repo } from './github-context.js';
import type { GitHubOctokit } from './github-octokit.js';
import { githubThreadId, type GitHubThread } from './github-thread-id.js';

/** A review thread as GraphQL tells it (REST does not say whether a thread is resolved, nor resolve one). */
export interface ReviewThreadState {
  id: string;
  isResolved: boolean;
  /** REST id of the thread's first comment. */
  firstCommentId: number | undefined;
  /** The login of who resolved it (GraphQL names a GitHub App without REST's `[bot]`). */
  resolvedBy?: string;
}

const THREADS = `query ForgebotReviewThreads($owner: String!, $name: String!, $number: Int!, $after: String) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      reviewThreads(first: 100, after: $after) {
        nodes { id isResolved resolvedBy { login } comments(first: 1) { nodes { databaseId } } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
}`;

const RESOLVE = `mutation ForgebotResolveThread($threadId: ID!) {
  resolveReviewThread(input: { threadId: $threadId }) { thread { id isResolved } }
}`;

interface ThreadsPage {
  repository: {
    pullRequest: {
      reviewThreads: {
        nodes: { id: string; isResolved: boolean; resolvedBy?: { login: string } | null; comments: { nodes: { databaseId: number | null }[] } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    } | null;
  } | null;
}

/** Every review thread of a pull request, all pages (at most 50 pages of 100). */
export async function reviewThreads(api: GitHubOctokit, owner: string, name: string, number: number): Promise<ReviewThreadState[]> {
  const threads: ReviewThreadState[] = [];
  let after: string | null = null;
  for (let page = 0; page < 50; page++) {
    const data: ThreadsPage = await api.graphql<ThreadsPage>(THREADS, { owner, name, number, after });
    const connection = data.repository?.pullRequest?.reviewThreads;
    if (!connection) break;
    for (const node of connection.nodes) {
      threads.push({ id: node.id, isResolved: node.isResolved, firstCommentId: node.comments.nodes[0]?.databaseId ?? undefined, ...(node.resolvedBy?.login ? { resolvedBy: node.resolvedBy.login } : {}) });
    }
    if (!connection.pageInfo.hasNextPage) break;
    after = connection.pageInfo.endCursor;
  }
  return threads;
}

export async function resolveReviewThread(api: GitHubOctokit, threadId: string): Promise<void> {
  await api.graphql(RESOLVE, { threadId });
}

/** The fields of a REST review comment a finding thread is read from. */
interface ReviewCommentLike {
  id: number;
  body: string;
  path: string;
  line?: number | null;
  original_line?: number | null;
  in_reply_to_id?: number;
  pull_request_url: string;
  created_at: string;
  user: { id: number; login: string } | null;
}

/** A review comment of pull request `number`, or undefined when there is none by that id there. */
async function reviewCommentOn(api: GitHubOctokit, repo: Repo, number: number, commentId: number): Promise<ReviewCommentLike | undefined> {
  try {
    const { data } = await api.rest.pulls.getReviewComment({ ...repo, comment_id: commentId });
    return data.pull_request_url.endsWith(`/pulls/${number}`) ? data : undefined;
  } catch (error) {
    if (error instanceof RequestError && error.status === 404) return undefined;
    throw error;
  }
}

/** The first comment of the review thread `thread` names (any comment of it, or its node id). */
async function rootComment(api: GitHubOctokit, repo: Repo, number: number, thread: GitHubThread, states: () => Promise<ReviewThreadState[]>): Promise<ReviewCommentLike | undefined> {
  if (thread.kind === 'issue-comment') return undefined;
  if (thread.kind === 'review-thread') {
    const first = (await states()).find((state) => state.id === thread.nodeId)?.firstCommentId;
    return first === undefined ? undefined : reviewCommentOn(api, repo, number, first);
  }
  const comment = await reviewCommentOn(api, repo, number, thread.id);
  return comment?.in_reply_to_id === undefined ? comment : reviewCommentOn(api, repo, number, comment.in_reply_to_id);
}

const oldestFirst = (a: ReviewCommentLike, b: ReviewCommentLike) => a.created_at.localeCompare(b.created_at) || a.id - b.id;

/**
 * forgebot's finding thread that `thread` names, with all its comments oldest first, or undefined when it is not one:
 * its root comment must be by forgebot's `login` and carry the finding's marker as its last line (as findingThreads
 * decides). The thread is the root and every comment that replies to it (GitHub threads replies on the root).
 */
export async function findingThreadNotes(api: GitHubOctokit, repo: Repo, number: number, thread: GitHubThread, login: string, perPage = 100): Promise<FindingThreadNotes | undefined> {
  // The threads' states once at most (GraphQL is a POST: octokit's throttling spaces those a second apart).
  let threads: Promise<ReviewThreadState[]> | undefined;
  const states = () => (threads ??= reviewThreads(api, repo.owner, repo.repo, number));
  const root = await rootComment(api, repo, number, thread, states);
  if (!root || root.in_reply_to_id !== undefined || root.user?.login !== login) return undefined;
  const fingerprint = fingerprintIn(root.body);
  const parsed = parseInlineComment(root.body);
  const line = root.line ?? root.original_line;
  if (!fingerprint || !parsed || !line) return undefined;
  const [comments, all] = await Promise.all([api.paginate(api.rest.pulls.listReviewComments, { ...repo, pull_number: number, per_page: perPage }), states()]);
  const state = all.find((candidate) => candidate.firstCommentId === root.id);
  const replies = (comments as ReviewCommentLike[]).filter((comment) => comment.in_reply_to_id === root.id).sort(oldestFirst);
  return {
    finding: { threadId: state?.id ?? githubThreadId({ kind: 'review-comment', id: root.id }), resolved: state?.isResolved ?? false, fingerprint, raisedBy: raisedByIn(root.body) ?? ['general'], path: root.path, line, ...parsed },
    notes: [root, ...replies].map((comment) => ({
      noteId: String(comment.id),
      authorId: comment.user?.id ?? 0,
      author: comment.user?.login ?? 'ghost',
      byForgebot: comment.user?.login === login,
      body: comment.body,
    })),
  };
}
