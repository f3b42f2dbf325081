import { CancellationScope } from '@temporalio/workflow';
import { closeChangeAndBranch, leftBehindOf, withLeftBehind } from '../shared/undo-change.js';
import { author } from './activities.js';
import type { FixRun } from './run.js';

/**
 * Undoes what this run left outside: closes its change, then deletes its branch. Never cancelled (it runs when the
 * run is being stopped) and never throws: answers what is left behind and why, in a sentence, when a step failed.
 */
export async function undoTraces(run: Pick<FixRun, 'repo' | 'traces'>): Promise<{ leftBehind?: string }> {
  const { traces, repo } = run;
  const left: string[] = [];
  await CancellationScope.nonCancellable(async () => {
    await closeChangeAndBranch(author, repo, traces, left);
  });
  return leftBehindOf(left);
}

export { withLeftBehind };
