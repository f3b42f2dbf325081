// What the end-to-end tests of commands in comments share: the scripted model's replies (a review, an answer), the
// answerer's brief as the model got it, and real note / comment payloads (../shared/fixtures/webhooks) pointed at a
// note that exists in the fake forge, re-tokened (GitLab) or ready to be signed (GitHub).
import { randomUUID } from 'node:crypto';
import type { FakeAnthropic } from '../../src/fakes/anthropic/fake-anthropic.js';
import { textOf, toolUse, type MessagesRequest, type ScriptedReply } from '../../src/fakes/anthropic/messages.js';
import type { FakeIssueComment, FakeReviewComment } from '../../src/fakes/github/state.js';
import type { FakeNote } from '../../src/fakes/gitlab/state.js';
import { loadFixture } from './fixtures.js';
import { GITHUB_PR, GITHUB_REPO } from './github-fake.js';
import { TEST_SECRET } from './webhook-server.js';

/** The reviewer's submission. */
export const reviewReply = (summary: string, findings: Record<string, unknown>[]): ScriptedReply => ({ content: [toolUse('submit_review', { summary, findings, fixed: [] })] });

/** A finding on src/app.ts (new side), as the reviewer submits it; the same title is the same finding (fingerprint). */
export const appFinding = (title: string, line: number) => ({
  path: 'src/app.ts', line, side: 'new', severity: 'major', category: 'bug', confidence: 0.9, title, body: `${title}: explained.`,
});

/** The answerer's submission (explain: answer; suggest: answer and suggestion or patch; reply: answer and disposition). */
export const answerReply = (input: Record<string, unknown>): ScriptedReply => ({ content: [toolUse('submit_answer', input)] });

/** The requests of the answerer (its one submit tool is submit_answer), oldest first. */
export function answererRequests(model: FakeAnthropic): MessagesRequest[] {
  return model.requests.filter((request) => request.tools?.some((tool) => tool.name === 'submit_answer'));
}

/** The brief of a request: its first user message. */
export const briefOf = (request: MessagesRequest | undefined): string => (request?.messages[0] ? textOf(request.messages[0].content) : '');

/** What an answer scripted with live Markdown in it carries: a mention of everyone, an image, a link. */
export const HOSTILE_PROSE = 'Ping @all and look: ![pixel](https://evil.example/pixel.png) [docs](https://evil.example/docs)';

// --- GitLab -----------------------------------------------------------------------------------------------------

type GitLabNoteJson = {
  project: Record<string, unknown> & { id: number; path_with_namespace: string };
  project_id?: number;
  user: Record<string, unknown> & { id?: number; username: string };
  object_attributes: Record<string, unknown>;
  merge_request: Record<string, unknown> & { iid: number; state: string };
};

/**
 * GitLab's Note Hook for `note` (a note the fake holds) in `discussionId` of MR !1 of project 1 (gitlabhq/gitlab-test),
 * written by `author`: the real diff-note payload for a note on diff lines (its position the fake's), the real merge
 * request note payload otherwise. `action: 'update'` is the hook GitLab sends when the note is edited.
 */
export function gitlabNoteDelivery(input: {
  note: FakeNote;
  discussionId: string;
  author: { id: number; username: string };
  body?: string;
  action?: 'create' | 'update';
  uuid?: string;
}): { headers: Record<string, string>; body: string } {
  const { note } = input;
  const fixture = loadFixture('gitlab', note.position ? 'note--merge-request-diff-line' : 'note--merge-request');
  const json = structuredClone(fixture.json) as unknown as GitLabNoteJson;
  Object.assign(json.project, { id: 1, path_with_namespace: 'gitlabhq/gitlab-test' });
  json.project_id = 1;
  Object.assign(json.user, { id: input.author.id, username: input.author.username });
  Object.assign(json.merge_request, { iid: 1, state: 'opened' });
  const createdAt = String(json.object_attributes.created_at);
  const attributes = json.object_attributes;
  Object.assign(attributes, {
    id: note.id,
    note: input.body ?? note.body,
    author_id: input.author.id,
    project_id: 1,
    type: note.type,
    discussion_id: input.discussionId,
    action: input.action ?? 'create',
    created_at: createdAt,
    updated_at: input.action === 'update' ? '2030-01-01 00:00:00 UTC' : createdAt,
    url: `http://gitlab.example/gitlabhq/gitlab-test/-/merge_requests/1#note_${note.id}`,
  });
  if (note.position) Object.assign(attributes, { position: { ...note.position }, original_position: { ...note.position }, line_code: null });
  return { headers: { ...fixture.headers, 'X-Gitlab-Token': TEST_SECRET, 'X-Gitlab-Event-UUID': input.uuid ?? randomUUID() }, body: JSON.stringify(json) };
}

// --- GitHub -----------------------------------------------------------------------------------------------------

type CommentJson = Record<string, unknown> & {
  action: string;
  comment: Record<string, unknown>;
  repository: Record<string, unknown>;
  sender?: Record<string, unknown>;
  issue?: Record<string, unknown>;
  pull_request?: Record<string, unknown>;
};

/**
 * The `issue_comment` (a conversation comment) or `pull_request_review_comment` (a comment on diff lines, or a reply
 * in a review thread) GitHub sends for `comment`, a comment the fake holds on acme/widgets#7: the real payloads, their
 * comment replaced. `action: 'edited'` is the delivery of an edit; `viaApp` marks a comment an App wrote.
 */
export function githubCommentEvent(
  comment: { kind: 'issue'; of: FakeIssueComment } | { kind: 'review'; of: FakeReviewComment },
  options: { action?: string; viaApp?: number; body?: string } = {},
): { event: string; json: CommentJson } {
  const name = comment.kind === 'issue' ? 'issue_comment--created-on-pull-request' : 'pull_request_review_comment--created';
  const fixture = loadFixture('github', name);
  const json = structuredClone(fixture.json) as unknown as CommentJson;
  const { of } = comment;
  const user = { ...(json.comment.user as object), id: of.user.id, login: of.user.login, type: of.user.type };
  json.action = options.action ?? 'created';
  json.repository.full_name = GITHUB_REPO;
  json.sender = { ...json.sender, id: of.user.id, login: of.user.login, type: of.user.type };
  Object.assign(json.comment, {
    id: of.id,
    body: options.body ?? of.body,
    user,
    created_at: of.createdAt,
    updated_at: of.createdAt,
    performed_via_github_app: options.viaApp === undefined ? null : { id: options.viaApp, slug: 'forgebot-test', name: 'forgebot-test' },
  });
  if (comment.kind === 'issue') {
    Object.assign(json.issue ?? {}, { number: GITHUB_PR, state: 'open' });
    json.comment.html_url = `https://github.com/${GITHUB_REPO}/pull/${GITHUB_PR}#issuecomment-${of.id}`;
  } else {
    const review = comment.of;
    Object.assign(json.pull_request ?? {}, { number: GITHUB_PR, state: 'open' });
    Object.assign(json.comment, {
      path: review.path, line: review.line, side: review.side, start_line: review.startLine, start_side: review.startSide, original_line: review.line,
      diff_hunk: review.diffHunk, commit_id: review.commitId, pull_request_review_id: review.reviewId,
      html_url: `https://github.com/${GITHUB_REPO}/pull/${GITHUB_PR}#discussion_r${review.id}`,
      ...(review.inReplyToId === undefined ? {} : { in_reply_to_id: review.inReplyToId }),
    });
  }
  return { event: fixture.headers['X-GitHub-Event'] ?? '', json };
}
