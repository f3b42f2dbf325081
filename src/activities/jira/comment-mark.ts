import { Context } from '@temporalio/activity';
import type { CommentMark } from './jira-api.js';
import type { TicketNote } from './ticket-contracts.js';

/** What a note is for, as its mark's `intent` says it: its kind, and the plan version or gate it is about. */
export function noteIntent(note: TicketNote): string {
  switch (note.kind) {
    case 'plan':
      return `plan v${note.version}`;
    case 'reminder':
      return `reminder ${note.gate}`;
    case 'refused':
      return `refused ${note.commentId}`;
    default:
      return note.kind;
  }
}

/**
 * The mark of this activity's comment: its workflow, run and activity id, which every retry of one scheduled
 * activity shares and no other comment of the run has (the same note posted twice on purpose — a second `not-pushed`
 * after a revision — is another activity). `retry`: an earlier attempt may have posted it. Undefined outside an
 * activity (a direct call posts unmarked).
 */
export function commentMarkOf(note: TicketNote): (CommentMark & { retry: boolean }) | undefined {
  let info;
  try {
    info = Context.current().info;
  } catch {
    return undefined;
  }
  const { workflowExecution, activityId, attempt } = info;
  if (!workflowExecution) return undefined;
  return { mark: `${workflowExecution.workflowId}/${workflowExecution.runId}/${activityId}`, intent: noteIntent(note), retry: attempt > 1 };
}
