// The webhook decision of a body (parse, then the pure decision), and checks that a decided action comes from the payload,
// for the webhook property tests. Any error but InvalidPayloadError escapes (a property then fails on it).
import assert from 'node:assert/strict';
import { ChangeRef } from '../../src/domain/change-ref.js';
import { ReviewRequest } from '../../src/domain/review-request.js';
import type { ChangeAction } from '../../src/webhooks/change-action.js';
import { commandOptions, type NoteAction } from '../../src/webhooks/dispatch-change-command.js';
import { decidePullRequestAction } from '../../src/webhooks/github/decide-pull-request-action.js';
import { parseGitHubEvent } from '../../src/webhooks/github/parse-github-event.js';
import { PullRequestEvent } from '../../src/webhooks/github/pull-request-event.js';
import { decideMergeRequestAction } from '../../src/webhooks/gitlab/decide-merge-request-action.js';
import { decideGitLabNote } from '../../src/webhooks/gitlab/decide-note-action.js';
import { MergeRequestClosedEvent, MergeRequestEvent } from '../../src/webhooks/gitlab/merge-request-event.js';
import { MergeRequestNoteEvent } from '../../src/webhooks/gitlab/note-event.js';
import { InvalidPayloadError, parseGitLabEvent, parseWith } from '../../src/webhooks/gitlab/parse-gitlab-event.js';
import { valueAt } from './json-mutations.js';

export type Decision = { action: ChangeAction } | { error: InvalidPayloadError };
export const DELIVERY = 'delivery-1';

function decided(decide: () => ChangeAction): Decision {
  try {
    return { action: decide() };
  } catch (error) {
    if (error instanceof InvalidPayloadError) return { error };
    throw error;
  }
}

export const gitlabDecision = (body: unknown, header: string | undefined, reviewDrafts = false): Decision =>
  decided(() => decideMergeRequestAction(parseGitLabEvent(body, header), { reviewDrafts, deliveryId: DELIVERY }));

/** What the GitLab route decides for a note (a command, or a reply in a thread), with the server's default options. */
export const gitlabNoteDecision = (body: unknown): NoteAction => decideGitLabNote(parseWith(MergeRequestNoteEvent, body), { ...commandOptions(undefined), deliveryId: DELIVERY });

export const githubDecision = (body: unknown, header: string | undefined, reviewDrafts = false): Decision =>
  decided(() => decidePullRequestAction(parseGitHubEvent(body, header), { reviewDrafts, deliveryId: DELIVERY }));

/** The issues of a parse error, by field path (`object_attributes.iid`, `(body)` for the whole body). */
export function issuePaths(error: InvalidPayloadError): string[] {
  return error.reason.split('; ').map((issue) => issue.slice(0, issue.indexOf(': ')));
}

const HEX_SHA = /^[0-9a-f]{7,64}$/;

function assertRef(ref: ChangeRef): void {
  assert.ok(ChangeRef.safeParse(ref).success, `a valid change ref: ${JSON.stringify(ref)}`);
  assert.ok(Number.isSafeInteger(ref.number) && ref.number > 0, `ref number ${ref.number} is a positive safe integer`);
}

/** A decided GitLab action holds only what the payload says, and only for a payload its schema accepts. */
export function assertGitLabProvenance(body: unknown, action: ChangeAction, reviewDrafts: boolean): void {
  const at = (...path: string[]) => valueAt(body, path);
  if (action.kind === 'review') {
    assert.ok(MergeRequestEvent.safeParse(body).success, 'a review only for a payload the schema accepts');
    const request = action.request;
    assert.ok(ReviewRequest.safeParse(request).success, 'a well-formed review request');
    assertRef(request.ref);
    assert.deepEqual(request.ref, { forge: 'gitlab', projectId: at('project', 'id'), projectPath: at('project', 'path_with_namespace'), number: at('object_attributes', 'iid') });
    assert.match(request.headSha, HEX_SHA);
    assert.equal(request.headSha, at('object_attributes', 'last_commit', 'id'));
    assert.equal(request.title, at('object_attributes', 'title'));
    assert.equal(request.sourceBranch, at('object_attributes', 'source_branch'));
    assert.equal(request.targetBranch, at('object_attributes', 'target_branch'));
    assert.equal(request.webUrl, at('object_attributes', 'url'));
    const username = at('user', 'username');
    assert.equal(request.author, typeof username === 'string' ? username : 'unknown');
    assert.equal(request.draft, at('object_attributes', 'draft') === true || at('object_attributes', 'work_in_progress') === true);
    if (request.draft) assert.ok(reviewDrafts, 'a draft is reviewed only with REVIEW_DRAFTS');
    assert.ok(['open', 'reopen', 'update'].includes(String(at('object_attributes', 'action'))));
    assert.equal(request.deliveryId, DELIVERY);
  } else if (action.kind === 'close') {
    assert.ok(MergeRequestClosedEvent.safeParse(body).success, 'a close only for a payload the schema accepts');
    assertRef(action.ref);
    assert.equal(action.ref.projectId, at('project', 'id') ?? at('object_attributes', 'target_project_id'));
    assert.equal(action.ref.projectPath, at('project', 'path_with_namespace'));
    const iid = at('object_attributes', 'iid');
    if (iid === undefined) assert.ok(String(at('object_attributes', 'url')).includes(`/merge_requests/${action.ref.number}`), 'the iid from the URL');
    else assert.equal(action.ref.number, iid);
    assert.equal(action.reason, at('object_attributes', 'action') === 'merge' ? 'merged' : 'closed');
    assert.equal(action.lastSha, at('object_attributes', 'last_commit', 'id'));
  }
}

/** A decided GitHub action holds only what the payload says, and only for a `pull_request` its schema accepts. */
export function assertGitHubProvenance(body: unknown, header: string | undefined, action: ChangeAction, reviewDrafts: boolean): void {
  if (action.kind === 'ignore') return;
  const at = (...path: string[]) => valueAt(body, path);
  assert.equal(header, 'pull_request');
  assert.ok(PullRequestEvent.safeParse(body).success, 'an action only for a payload the schema accepts');
  const ref = action.kind === 'review' ? action.request.ref : action.ref;
  assertRef(ref);
  assert.deepEqual(ref, { forge: 'github', projectId: at('repository', 'full_name'), projectPath: at('repository', 'full_name'), number: at('number') });
  const sha = at('pull_request', 'head', 'sha');
  if (action.kind === 'close') {
    assert.equal(at('action'), 'closed');
    assert.equal(action.reason, at('pull_request', 'merged') === true ? 'merged' : 'closed');
    assert.equal(action.lastSha, sha);
    return;
  }
  const request = action.request;
  assert.ok(ReviewRequest.safeParse(request).success, 'a well-formed review request');
  assert.ok(['opened', 'reopened', 'synchronize', 'ready_for_review'].includes(String(at('action'))));
  assert.match(request.headSha, HEX_SHA);
  assert.equal(request.headSha, sha);
  assert.equal(request.title, at('pull_request', 'title'));
  assert.equal(request.sourceBranch, at('pull_request', 'head', 'ref'));
  assert.equal(request.targetBranch, at('pull_request', 'base', 'ref'));
  assert.equal(request.webUrl, at('pull_request', 'html_url'));
  const login = at('sender', 'login') ?? at('pull_request', 'user', 'login');
  assert.equal(request.author, typeof login === 'string' ? login : 'unknown');
  assert.equal(request.draft, at('pull_request', 'draft') === true);
  if (request.draft) assert.ok(reviewDrafts, 'a draft is reviewed only with REVIEW_DRAFTS');
  assert.equal(request.deliveryId, DELIVERY);
}
