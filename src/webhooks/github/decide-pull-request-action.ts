import type { ChangeRef } from '../../domain/change-ref.js';
import type { ChangeAction } from '../change-action.js';
import type { PullRequestEvent } from './pull-request-event.js';

/** A GitHub delivery, parsed once (see parse-github-event.ts). */
export type GitHubEvent = { kind: 'ping' } | { kind: 'pull_request'; event: PullRequestEvent } | { kind: 'other'; name: string };

const REVIEW_ACTIONS = new Set(['opened', 'reopened', 'synchronize', 'ready_for_review']);

export function pullRequestRef(event: PullRequestEvent): ChangeRef {
  const path = event.repository.full_name;
  return { forge: 'github', projectId: path, projectPath: path, number: event.number };
}

/**
 * What forgebot does about a parsed GitHub event. Pure: no I/O.
 * opened, reopened, synchronize (new commits), ready_for_review → review (drafts only with `reviewDrafts`);
 * closed → close (merged or closed); every other action and event → ignore. `ping` is answered by the route.
 */
export function decidePullRequestAction(event: GitHubEvent, options: { reviewDrafts: boolean; deliveryId?: string }): ChangeAction {
  if (event.kind === 'ping') return { kind: 'ignore', reason: 'ping' };
  if (event.kind === 'other') return { kind: 'ignore', reason: `event "${event.name}" is not handled` };
  const { action, pull_request: pr } = event.event;
  const ref = pullRequestRef(event.event);
  if (action === 'closed') return { kind: 'close', ref, reason: pr.merged === true ? 'merged' : 'closed', lastSha: pr.head.sha };
  if (!REVIEW_ACTIONS.has(action)) return { kind: 'ignore', reason: `pull request action "${action}" needs no review` };
  const draft = pr.draft === true;
  if (draft && !options.reviewDrafts) return { kind: 'ignore', reason: 'draft pull request (REVIEW_DRAFTS is off)' };
  return {
    kind: 'review',
    request: {
      ref,
      headSha: pr.head.sha,
      title: pr.title,
      author: event.event.sender?.login ?? pr.user?.login ?? 'unknown',
      sourceBranch: pr.head.ref,
      targetBranch: pr.base.ref,
      webUrl: pr.html_url,
      draft,
      ...(options.deliveryId === undefined ? {} : { deliveryId: options.deliveryId }),
    },
  };
}
