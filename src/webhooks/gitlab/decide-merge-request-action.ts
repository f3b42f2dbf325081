import type { ReviewRequest } from '../../domain/review-request.js';
import type { MergeRequestEvent } from './merge-request-event.js';

export type MergeRequestAction = { kind: 'review'; request: ReviewRequest } | { kind: 'ignore'; reason: string };

/** Whether an (open, reopen, update, …) merge-request event asks for a review. Pure: no I/O. */
export function decideMergeRequestAction(event: MergeRequestEvent, options: { reviewDrafts: boolean; deliveryId?: string }): MergeRequestAction {
  const mr = event.object_attributes;
  const action = mr.action ?? '';
  const reviewable = action === 'open' || action === 'reopen' || (action === 'update' && mr.oldrev !== undefined);
  if (!reviewable) {
    return {
      kind: 'ignore',
      reason: action === 'update' ? 'merge request updated without new commits' : `merge request action "${action || 'none'}" needs no review`,
    };
  }
  const draft = mr.draft === true || mr.work_in_progress === true;
  if (draft && !options.reviewDrafts) return { kind: 'ignore', reason: 'draft merge request (REVIEW_DRAFTS is off)' };
  return {
    kind: 'review',
    request: {
      ref: { forge: 'gitlab', projectId: event.project.id, projectPath: event.project.path_with_namespace, number: mr.iid },
      headSha: mr.last_commit.id,
      title: mr.title,
      author: event.user?.username ?? 'unknown',
      sourceBranch: mr.source_branch,
      targetBranch: mr.target_branch,
      webUrl: mr.url,
      draft,
      ...(options.deliveryId ? { deliveryId: options.deliveryId } : {}),
    },
  };
}
