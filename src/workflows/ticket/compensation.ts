import { CancellationScope } from '@temporalio/workflow';
import { closeChangeAndBranch, leftBehindOf, withLeftBehind } from '../shared/undo-change.js';
import { author, forge, repository } from './activities.js';
import type { Traces, TicketRun } from './run.js';

/** Whether a person took the change over: closed or merged it, or pushed to its branch. Why, in a few words. */
async function takenOver(run: Pick<TicketRun, 'repo'>, traces: Traces): Promise<string | undefined> {
  if (traces.change) {
    const state = await forge.readChangeState(traces.change.ref).catch(() => undefined);
    if (state === 'closed' || state === 'merged') return `the change was ${state} by a person`;
  }
  if (traces.branch && traces.head) {
    const head = await repository.locateFiles(run.repo, traces.branch, []).then(
      (located) => located.headSha,
      () => undefined,
    );
    if (head !== undefined && head !== traces.head) return `a person pushed to ${traces.branch}`;
  }
  return undefined;
}

/**
 * Undoes what this run left outside — closes its change, then deletes its branch — unless a person took them over
 * (then they are theirs, left as they are). Never cancelled, never throws: answers what is left behind, in a sentence.
 */
export async function undoTraces(run: Pick<TicketRun, 'repo' | 'traces'>): Promise<{ leftBehind?: string }> {
  const { traces, repo } = run;
  const left: string[] = [];
  await CancellationScope.nonCancellable(async () => {
    if (!traces.change && !traces.branch) return;
    const theirs = await takenOver(run, traces);
    if (theirs) {
      left.push(`${theirs}: the change and its branch are left to them`);
      run.traces = {};
      return;
    }
    await closeChangeAndBranch(author, repo, traces, left);
  });
  return leftBehindOf(left);
}

export { withLeftBehind };
