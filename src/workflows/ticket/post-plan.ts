import { CancellationScope, upsertSearchAttributes } from '@temporalio/workflow';
import { changeSubject, subjectKey } from '../../domain/subject-ref.js';
import { searchAttributes } from '../definitions.js';
import { jira } from './activities.js';
import { ticketBranchName } from '../../domain/jira/branch-name.js';
import type { PlanDraft, TicketRun } from './run.js';
import { say } from './say.js';

/** The change's title: the key and the ticket's summary as plain text on one line (the summary is untrusted). */
function changeTitle(run: TicketRun): string {
  const summary = run.ticket.summary.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]+/g, ' ').replace(/\s+/g, ' ').trim();
  const title = `${run.key}: ${summary}`;
  return title.length <= 120 ? title : `${title.slice(0, 119)}…`;
}

/**
 * Posts plan `version`: the first opens the draft change that carries it (branch `forgebot/<KEY>-<slug>` at the
 * default branch's head) and marks the change as this workflow's (ForgebotOwnedChange, so `/claude approve` on it finds
 * the gate); a later one replaces its description. Then the plan as a Jira comment, and in the status.
 */
export async function postPlan(run: TicketRun, plan: PlanDraft, version: number, revisedBecause?: string): Promise<void> {
  const { status, traces, mapping, repo } = run;
  const change = status.change;
  if (!change) {
    const branch = ticketBranchName(run.key, run.ticket.summary);
    // Never cut short by a cancel (it would leave a branch nobody knows of): a cancel waits for it, then undoes it.
    const opened = await CancellationScope.nonCancellable(() =>
      jira.openPlanChange({ repo, key: run.key, branch, baseSha: run.baseSha, targetBranch: mapping.defaultBranch, title: changeTitle(run), planClaim: plan.claim, version, labels: mapping.labels, workflowId: run.workflowId }),
    );
    traces.branch = opened.branch;
    traces.change = { ref: opened.change.ref, webUrl: opened.change.webUrl };
    traces.head = opened.headSha;
    status.change = { ref: opened.change.ref, webUrl: opened.change.webUrl, branch: opened.branch };
    upsertSearchAttributes([
      { key: searchAttributes.changeNumber, value: opened.change.ref.number },
      { key: searchAttributes.ownedChange, value: subjectKey(changeSubject(opened.change.ref)) },
    ]);
  } else {
    await jira.describeTicketChange(change.ref, { key: run.key, planClaim: plan.claim, version, workflowId: run.workflowId });
  }
  const webUrl = status.change?.webUrl;
  const id = await say(run, { kind: 'plan', version, planClaim: plan.claim, ...(webUrl ? { changeUrl: webUrl } : {}), workflowId: run.workflowId, approvePermission: mapping.approvePermission });
  if (id !== undefined) run.inbox.mark({ id, kind: 'plan', version });
  status.plans.push({
    version,
    claim: plan.claim,
    files: plan.files,
    size: plan.size,
    postedAt: new Date().toISOString(),
    ...(id !== undefined ? { jiraCommentId: id } : {}),
    ...(revisedBecause !== undefined ? { revisedBecause: revisedBecause.slice(0, 2_000) } : {}),
  });
}
