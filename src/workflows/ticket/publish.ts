import { CancellationScope } from '@temporalio/workflow';
import type { StoredAgentRun } from '../../activities/agent-digest.js';
import { jira } from './activities.js';
import type { ApprovedPlan, TicketRun } from './run.js';
import { say } from './say.js';

/**
 * The checked work as one commit on the plan's branch (its parent the head the implementer worked on), the change's
 * description with what was done and the test output, the Jira comment with the link; the first time, the ticket moved
 * to the mapping's in-review status. Answers the new head. The commit is never cut short by a cancel.
 */
export async function publishWork(run: TicketRun, plan: ApprovedPlan, head: string, work: StoredAgentRun<'implementer'>): Promise<string> {
  const { status, traces, mapping } = run;
  const change = status.change;
  if (!change) throw new Error('the plan change is not open: nothing to publish on');
  run.setPhase('publishing', `committing the implementation of ${run.key} on ${change.branch}`);
  const message = `${run.key}: implement plan v${plan.version}\n\nforgebot, on the plan approved in ${run.workflowId}.`;
  const { sha } = await CancellationScope.nonCancellable(() => jira.commitTicketWork({ repo: run.repo, branch: change.branch, parentSha: head, workClaim: work.claim, message }));
  traces.head = sha;
  await jira.describeTicketChange(change.ref, { key: run.key, planClaim: plan.claim, version: plan.version, workClaim: work.claim, workflowId: run.workflowId });
  const id = await say(run, { kind: 'implemented', changeUrl: change.webUrl, workClaim: work.claim });
  if (id !== undefined) run.inbox.mark({ id, kind: 'implemented' });
  if (mapping.inReviewStatus && run.movedTo === undefined) {
    // Set before the move: the left-ready signal it causes must find it forgebot's own.
    run.movedTo = mapping.inReviewStatus;
    const moved = await jira.transitionTicket(run.key, mapping.inReviewStatus);
    if (!moved) {
      run.movedTo = undefined;
      status.lastError = `no transition of ${run.key} leads to "${mapping.inReviewStatus}": the ticket was not moved`;
    }
  }
  return sha;
}
