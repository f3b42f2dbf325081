import type { ChangeAction } from '../change-action.js';
import type { MergeRequestClosedEvent, MergeRequestEvent } from './merge-request-event.js';
import type { GitLabEvent } from './parse-gitlab-event.js';

/** GitLab's decisions are the forge-neutral ChangeAction (see ../change-action.ts). */
export type MergeRequestAction = ChangeAction;

export interface DecideOptions {
  reviewDrafts: boolean;
  deliveryId?: string;
}

/**
 * What forgebot does about a parsed GitLab event. Pure: no I/O.
 * - open, reopen → review; update → review only when commits were pushed (`oldrev`) or a draft was marked ready;
 * - drafts are skipped unless `reviewDrafts`;
 * - close → close (closed), merge → close (merged);
 * - any other merge request action (approved, unapproved, …) and any other event kind → ignore.
 */
export function decideMergeRequestAction(event: GitLabEvent, options: DecideOptions): MergeRequestAction {
  switch (event.kind) {
    case 'other':
      return { kind: 'ignore', reason: `event "${event.objectKind}" is not handled` };
    case 'merge_request_other':
      return { kind: 'ignore', reason: `merge request action "${event.action || 'none'}" needs no review` };
    case 'merge_request_closed':
      return decideClose(event.event);
    case 'merge_request':
      return decideReview(event.event, options);
  }
}

function decideReview(event: MergeRequestEvent, options: DecideOptions): MergeRequestAction {
  const mr = event.object_attributes;
  const draft = mr.draft === true || mr.work_in_progress === true;
  if (mr.action === 'update' && mr.oldrev === undefined && !markedReady(event)) {
    return { kind: 'ignore', reason: 'merge request updated without new commits' };
  }
  if (draft && !options.reviewDrafts) return { kind: 'ignore', reason: 'draft merge request (REVIEW_DRAFTS is off)' };
  return {
    kind: 'review',
    request: {
      ref: { forge: 'gitlab', projectId: event.project.id, projectPath: event.project.path_with_namespace, number: mr.iid },
      headSha: mr.last_commit.id,
      title: mr.title,
      // The user who triggered the event (GitLab sends only the author's numeric id).
      author: event.user?.username ?? 'unknown',
      sourceBranch: mr.source_branch,
      targetBranch: mr.target_branch,
      webUrl: mr.url,
      draft,
      ...(options.deliveryId === undefined ? {} : { deliveryId: options.deliveryId }),
    },
  };
}

/** A draft marked ready: its commits were not reviewed while it was a draft (unless REVIEW_DRAFTS, then a duplicate). */
function markedReady(event: MergeRequestEvent): boolean {
  const change = event.changes?.draft ?? event.changes?.work_in_progress;
  return change?.previous === true && change.current === false;
}

function decideClose(event: MergeRequestClosedEvent): MergeRequestAction {
  const attributes = event.object_attributes;
  const projectId = event.project.id ?? attributes.target_project_id;
  const iid = attributes.iid ?? Number(/\/merge_requests\/(\d+)(?:[/?#]|$)/.exec(attributes.url ?? '')?.[1] ?? Number.NaN);
  if (projectId === undefined || !Number.isSafeInteger(iid) || iid <= 0) {
    return { kind: 'ignore', reason: 'payload names no project id or merge request iid' };
  }
  return {
    kind: 'close',
    ref: { forge: 'gitlab', projectId, projectPath: event.project.path_with_namespace, number: iid },
    reason: attributes.action === 'merge' ? 'merged' : 'closed',
    ...(attributes.last_commit === undefined ? {} : { lastSha: attributes.last_commit.id }),
  };
}
