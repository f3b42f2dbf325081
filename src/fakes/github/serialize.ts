import { example } from './examples.js';
import type { FakeGitHubUser, FakeIssue, FakeIssueComment, FakePull, FakeRepository, FakeReview, FakeReviewComment, PullFile } from './state.js';

type Json = Record<string, unknown>;

export const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function userJson(user: FakeGitHubUser): Json {
  return { ...example('simple-user'), login: user.login, id: user.id, type: user.type, url: `https://api.github.com/users/${user.login}` };
}

export function repositoryJson(repo: FakeRepository, apiUrl: string): Json {
  const fullName = `${repo.owner}/${repo.name}`;
  return {
    ...((example('pull-request').base as Json).repo as Json),
    id: repo.id,
    name: repo.name,
    full_name: fullName,
    private: true,
    url: `${apiUrl}/repos/${fullName}`,
    html_url: `https://github.com/${fullName}`,
    clone_url: `file://${repo.repoDir}`,
  };
}

/** GitHub's GraphQL node id of a pull request (the fake's: repository id and number, resolvable). */
export const pullNodeId = (pull: Pick<FakePull, 'repo' | 'number'>) => `PR_kwDO${Buffer.from(`${pull.repo.id}:${pull.number}`).toString('base64url')}`;

export function labelJson(repo: FakeRepository, name: string, apiUrl: string): Json {
  const id = [...name].reduce((hash, char) => (hash * 31 + char.charCodeAt(0)) >>> 0, repo.id);
  return { ...example('label'), id, node_id: `LA_${id.toString(36)}`, url: `${apiUrl}/repos/${repo.owner}/${repo.name}/labels/${encodeURIComponent(name)}`, name, description: null, color: 'ededed', default: false };
}

export function pullJson(pull: FakePull, apiUrl: string): Json {
  const shape = example('pull-request');
  const fullName = `${pull.repo.owner}/${pull.repo.name}`;
  const branch = (ref: string, sha: string) => ({
    ...(shape.head as Json),
    label: `${pull.repo.owner}:${ref}`,
    ref,
    sha,
    user: userJson({ login: pull.repo.owner, id: 1, type: 'User' }),
    repo: repositoryJson(pull.repo, apiUrl),
  });
  return {
    ...shape,
    id: pull.number + 7_000_000,
    node_id: pullNodeId(pull),
    number: pull.number,
    url: `${apiUrl}/repos/${fullName}/pulls/${pull.number}`,
    html_url: `https://github.com/${fullName}/pull/${pull.number}`,
    state: pull.state,
    locked: false,
    title: pull.title,
    body: pull.body,
    user: userJson(pull.user),
    draft: pull.draft,
    merged: pull.merged,
    labels: (pull.labels ?? []).map((name) => labelJson(pull.repo, name, apiUrl)),
    requested_reviewers: (pull.requestedReviewers ?? []).map(userJson),
    requested_teams: [],
    closed_at: pull.closedAt ?? null,
    merged_at: pull.mergedAt ?? null,
    merge_commit_sha: pull.mergeCommitSha ?? null,
    merged_by: null,
    mergeable: pull.state === 'open' ? true : null,
    mergeable_state: pull.state !== 'open' ? 'unknown' : pull.draft ? 'draft' : 'clean',
    created_at: pull.createdAt,
    head: branch(pull.headRef, pull.headSha),
    base: branch(pull.baseRef, pull.baseSha),
  };
}

export function fileJson(file: PullFile, headSha: string): Json {
  const { patch, previous_filename, ...rest } = file;
  return {
    ...example('diff-entry-items'),
    ...rest,
    sha: headSha,
    changes: file.additions + file.deletions,
    ...(previous_filename === undefined ? {} : { previous_filename }),
    patch,
  };
}

/** An issue, or a pull request as the Issues API answers it (with `pull_request`). */
export function issueJson(item: FakeIssue | FakePull, apiUrl: string): Json {
  const fullName = `${item.repo.owner}/${item.repo.name}`;
  const base = `${apiUrl}/repos/${fullName}/issues/${item.number}`;
  const isPull = 'headRef' in item;
  return {
    ...example('issue'),
    id: item.number + (isPull ? 7_000_000 : 8_000_000),
    number: item.number,
    url: base,
    repository_url: `${apiUrl}/repos/${fullName}`,
    labels_url: `${base}/labels{/name}`,
    comments_url: `${base}/comments`,
    events_url: `${base}/events`,
    html_url: `https://github.com/${fullName}/${isPull ? 'pull' : 'issues'}/${item.number}`,
    state: item.state,
    title: item.title,
    body: item.body,
    user: userJson(item.user),
    labels: isPull ? (item.labels ?? []).map((name) => labelJson(item.repo, name, apiUrl)) : [],
    created_at: item.createdAt,
    updated_at: item.createdAt,
    closed_at: isPull ? (item.closedAt ?? null) : null,
    ...(isPull ? { pull_request: { url: `${apiUrl}/repos/${fullName}/pulls/${item.number}`, html_url: `https://github.com/${fullName}/pull/${item.number}`, merged_at: item.mergedAt ?? null } } : { pull_request: undefined }),
  };
}

export function issueCommentJson(comment: FakeIssueComment, apiUrl: string): Json {
  const fullName = `${comment.repo.owner}/${comment.repo.name}`;
  return {
    ...example('issue-comment'),
    id: comment.id,
    body: comment.body,
    user: userJson(comment.user),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    url: `${apiUrl}/repos/${fullName}/issues/comments/${comment.id}`,
    issue_url: `${apiUrl}/repos/${fullName}/issues/${comment.issueNumber}`,
    html_url: `https://github.com/${fullName}/pull/${comment.issueNumber}#issuecomment-${comment.id}`,
  };
}

export function reviewJson(review: FakeReview): Json {
  return { ...example('pull-request-review'), id: review.id, body: review.body, state: review.state, commit_id: review.commitId, user: userJson(review.user), submitted_at: review.submittedAt };
}

export function reviewCommentJson(comment: FakeReviewComment, apiUrl: string): Json {
  const shape = example('pull-request-review-comment');
  delete shape.in_reply_to_id;
  const fullName = `${comment.repo.owner}/${comment.repo.name}`;
  return {
    ...shape,
    id: comment.id,
    url: `${apiUrl}/repos/${fullName}/pulls/comments/${comment.id}`,
    pull_request_url: `${apiUrl}/repos/${fullName}/pulls/${comment.pullNumber}`,
    html_url: `https://github.com/${fullName}/pull/${comment.pullNumber}#discussion_r${comment.id}`,
    pull_request_review_id: comment.reviewId,
    path: comment.path,
    body: comment.body,
    diff_hunk: comment.diffHunk,
    commit_id: comment.commitId,
    original_commit_id: comment.commitId,
    line: comment.line,
    original_line: comment.line,
    side: comment.side,
    start_line: comment.startLine,
    original_start_line: comment.startLine,
    start_side: comment.startSide,
    user: userJson(comment.user),
    created_at: comment.createdAt,
    updated_at: comment.createdAt,
    ...(comment.inReplyToId === undefined ? {} : { in_reply_to_id: comment.inReplyToId }),
  };
}
