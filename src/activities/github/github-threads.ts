import type { GitHubOctokit } from './github-octokit.js';

/** A review thread as GraphQL tells it (REST does not say whether a thread is resolved, nor resolve one). */
export interface ReviewThreadState {
  id: string;
  isResolved: boolean;
  /** REST id of the thread's first comment. */
  firstCommentId: number | undefined;
}

const THREADS = `query ForgebotReviewThreads($owner: String!, $name: String!, $number: Int!, $after: String) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      reviewThreads(first: 100, after: $after) {
        nodes { id isResolved comments(first: 1) { nodes { databaseId } } }
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
        nodes: { id: string; isResolved: boolean; comments: { nodes: { databaseId: number | null }[] } }[];
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
    for (const node of connection.nodes) threads.push({ id: node.id, isResolved: node.isResolved, firstCommentId: node.comments.nodes[0]?.databaseId ?? undefined });
    if (!connection.pageInfo.hasNextPage) break;
    after = connection.pageInfo.endCursor;
  }
  return threads;
}

export async function resolveReviewThread(api: GitHubOctokit, threadId: string): Promise<void> {
  await api.graphql(RESOLVE, { threadId });
}
