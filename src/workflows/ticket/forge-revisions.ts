import { isCancellation, log, patched, setHandler } from '@temporalio/workflow';
import type { CommandAnswer } from '../../activities/command-activities.js';
import { reviewWorkflowId } from '../../domain/change-ref.js';
import { failureReason } from '../failure-reason.js';
import { FORGE_REVISE_PATCH, reviseChangeUpdate, type ChangeRevision, type TicketStatus } from '../ticket-definitions.js';
import { threads } from './activities.js';
import type { TicketInbox } from './inbox.js';
import { TICKET_LIMITS } from './timing.js';

/** Notes waiting for one step at most (each is answered twice: keeps the history bounded whatever people write). */
const MAX_WAITING_NOTES = 10;
/** `/claude revise` notes taken in one run at most (their status rows). */
const MAX_FORGE_REVISIONS = 50;
/** The gathered requests' cap, as a Jira `revise:`'s. */
const MAX_GATHERED = 5_000;

/** Why the change takes no revision now; undefined when it does. */
function refusal(inbox: TicketInbox, status: TicketStatus, revision: ChangeRevision): string | undefined {
  const open = status.change?.ref;
  if (!open || reviewWorkflowId(open) !== reviewWorkflowId(revision.ref)) return 'this workflow does not own that change';
  if (!inbox.revisable) return `the change takes no revision now (the workflow is ${status.phase})`;
  if (inbox.revisionsTaken >= TICKET_LIMITS.revisions) return `at most ${TICKET_LIMITS.revisions} revisions are made on one change: approve it, reject it, or change it by hand`;
  if (!revision.request.trim()) return 'a revision says what to change';
  if (inbox.revisionThreads.length >= MAX_WAITING_NOTES || (status.forgeRevisions?.length ?? 0) >= MAX_FORGE_REVISIONS) return 'too many revision requests wait already: wait for the next commit';
  return undefined;
}

/**
 * Takes `/claude revise` from the change (the reviseChange Update, sent by the review workflow after the author's forge
 * access was checked): the validator refuses it unless the change is open for revisions within TICKET_LIMITS.revisions;
 * a taken one joins the Jira `revise:` requests gathered for the next implementation step (the merge stage takes them).
 */
export function acceptForgeRevisions(inbox: TicketInbox, status: TicketStatus, workflowId: string): void {
  setHandler(
    reviseChangeUpdate,
    (revision) => {
      // A taken Update is always new (histories recorded before the patch have none); the marker records the path.
      patched(FORGE_REVISE_PATCH);
      const text = revision.request.trim();
      inbox.revision = (inbox.revision ? `${inbox.revision}\n\n${text}` : text).slice(0, MAX_GATHERED);
      inbox.revisionThreads.push(revision);
      const { author, noteUrl } = revision.command;
      (status.forgeRevisions ??= []).push({ by: author.username, userId: author.id, accessLevel: revision.accessLevel, ...(noteUrl ? { noteUrl } : {}), at: new Date().toISOString() });
      return Promise.resolve({ workflowId, waiting: inbox.revisionThreads.length, revisionsLeft: TICKET_LIMITS.revisions - inbox.revisionsTaken - 1 });
    },
    {
      validator: (revision) => {
        const reason = refusal(inbox, status, revision);
        if (reason) throw new Error(reason);
      },
    },
  );
}

/** Answers every note whose request the step took, in its thread; a failure (after retries) is logged, never fatal. */
export async function answerRevisions(taken: readonly ChangeRevision[], answer: CommandAnswer, status: TicketStatus): Promise<void> {
  for (const revision of taken) {
    const row = status.forgeRevisions?.find((entry) => entry.userId === revision.command.author.id && entry.result === undefined);
    if (row) row.result = answer.kind === 'revision-pushed' ? `pushed ${answer.sha.slice(0, 12)}` : answer.kind;
    try {
      await threads.answerCommand(revision.ref, revision.command, answer);
    } catch (error) {
      if (isCancellation(error)) throw error;
      log.warn('could not answer a revision in its thread', { note: revision.command.noteId, reason: failureReason(error) });
    }
  }
}
