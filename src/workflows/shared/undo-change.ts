import { log } from '@temporalio/workflow';
import type { AuthorActivities } from '../../activities/author-activities.js';
import type { ChangeRef, RepositoryRef } from '../../domain/change-ref.js';
import { failureReason } from '../failure-reason.js';

/** What a run left outside: the change it opened, the branch it pushed. */
export interface ChangeTraces {
  branch?: string;
  change?: { ref: ChangeRef; webUrl: string };
}

/** `group/app!3` on GitLab, `owner/repo#3` on GitHub. */
export function changeLabel(ref: ChangeRef): string {
  return `${ref.projectPath}${ref.forge === 'github' ? '#' : '!'}${ref.number}`;
}

/**
 * Closes the run's change, then deletes its branch, forgetting each once it is gone; a step that fails is said in
 * `left` (what is left behind and why). Call it inside a non-cancellable scope: it runs while the run is stopped.
 */
export async function closeChangeAndBranch(author: Pick<AuthorActivities, 'closeWorkChange' | 'deleteWorkBranch'>, repo: RepositoryRef, traces: ChangeTraces, left: string[]): Promise<void> {
  const change = traces.change;
  if (change) {
    try {
      await author.closeWorkChange(change.ref);
      delete traces.change;
    } catch (error) {
      left.push(`the change ${changeLabel(change.ref)} (${change.webUrl}) is still open: closing it failed (${failureReason(error)})`);
    }
  }
  const branch = traces.branch;
  if (branch) {
    try {
      await author.deleteWorkBranch(repo, branch);
      delete traces.branch;
    } catch (error) {
      left.push(`the branch ${branch} is still there: deleting it failed (${failureReason(error)})`);
    }
  }
}

/** What compensation answers: what is left behind, in a sentence (logged), or nothing. */
export function leftBehindOf(left: readonly string[]): { leftBehind?: string } {
  if (left.length === 0) return {};
  log.warn('compensation left traces behind', { left });
  return { leftBehind: left.join('; ') };
}

/** `detail`, and what cleaning up left behind. */
export function withLeftBehind(detail: string, undone: { leftBehind?: string }): string {
  return undone.leftBehind ? `${detail}; left behind: ${undone.leftBehind}` : detail;
}
