import { CancellationScope, log } from '@temporalio/workflow';
import { failureReason } from '../failure-reason.js';
import { author } from './activities.js';
import { changeLabel, type FixRun } from './run.js';

/**
 * Undoes what this run left outside: closes its change, then deletes its branch. Never cancelled (it runs when the
 * run is being stopped) and never throws: answers what is left behind and why, in a sentence, when a step failed.
 */
export async function undoTraces(run: Pick<FixRun, 'repo' | 'traces'>): Promise<{ leftBehind?: string }> {
  const { traces, repo } = run;
  const left: string[] = [];
  await CancellationScope.nonCancellable(async () => {
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
  });
  if (left.length > 0) log.warn('compensation left traces behind', { left });
  return left.length > 0 ? { leftBehind: left.join('; ') } : {};
}

/** `detail`, and what cleaning up left behind. */
export function withLeftBehind(detail: string, undone: { leftBehind?: string }): string {
  return undone.leftBehind ? `${detail}; left behind: ${undone.leftBehind}` : detail;
}
