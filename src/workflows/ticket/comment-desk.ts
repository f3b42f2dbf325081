import { condition, log } from '@temporalio/workflow';
import type { TicketCommentRead } from '../../activities/jira/ticket-contracts.js';
import { failureReason } from '../failure-reason.js';
import type { HumanGate } from '../shared/human-gate.js';
import type { GateDecision } from '../sentry-fix-definitions.js';
import { jira } from './activities.js';
import type { TicketRun } from './run.js';
import { say } from './say.js';
import { TICKET_LIMITS } from './timing.js';

/** A refusal said on the ticket, answering the comment (at most TICKET_LIMITS.refusals a run; later ones only logged). */
async function refuse(run: TicketRun, comment: TicketCommentRead, reason: string): Promise<void> {
  log.info('a ticket comment was not taken', { commentId: comment.id, reason });
  if (run.inbox.refusals >= TICKET_LIMITS.refusals) return;
  run.inbox.refusals += 1;
  await say(run, { kind: 'refused', commentId: comment.id, reason });
}

/** Whether the comment's author holds the mapping's permission, as Jira says now; a refusal says why not. */
async function permitted(run: TicketRun, comment: TicketCommentRead): Promise<boolean> {
  const permission = run.mapping.approvePermission;
  let allowed: boolean;
  try {
    allowed = await jira.checkTicketPermission(run.key, comment.author.accountId, permission);
  } catch (error) {
    await refuse(run, comment, `forgebot could not check the Jira permission ${permission} of its author (${failureReason(error)}): comment again later`);
    return false;
  }
  if (!allowed) await refuse(run, comment, `taking it needs the Jira permission ${permission} on project ${run.ticket.projectKey}, which its author lacks`);
  return allowed;
}

/** A `revise: …` on the open change: gathered for the next implementation step (the merge stage takes it). */
async function askRevision(run: TicketRun, comment: TicketCommentRead): Promise<void> {
  const { inbox } = run;
  const text = comment.text.trim();
  if (!inbox.revisable) return refuse(run, comment, `the change takes no revision now (the workflow is ${run.status.phase})`);
  if (inbox.revisionsTaken >= TICKET_LIMITS.revisions) return refuse(run, comment, `at most ${TICKET_LIMITS.revisions} revisions are made on one change: approve it, reject it, or change it by hand`);
  if (!text) return refuse(run, comment, 'a revision says what to change (`revise: …`)');
  inbox.revision = (inbox.revision ? `${inbox.revision}\n\n${text}` : text).slice(0, 5_000);
}

/** One person's comment, by what it answers (its place among forgebot's comments) and what it asks. */
async function take(run: TicketRun, gate: HumanGate, comment: TicketCommentRead): Promise<void> {
  const { inbox } = run;
  const marker = inbox.markerBefore(comment.id);
  if (!marker) return;
  if (marker.kind === 'questions') {
    if (comment.intent === 'approve') return refuse(run, comment, 'there is no plan to approve yet: forgebot asked questions first; answer them in a comment');
    // An answer, or a `revise: …` (what a person writes is their answer).
    if (inbox.asking?.round === marker.round && !inbox.answer && comment.text.trim()) inbox.answer = { text: comment.text };
    return;
  }
  if (comment.intent === 'answer') return;
  if (inbox.decisionComments >= TICKET_LIMITS.decisionComments) {
    log.warn('too many approve / revise comments in one run: this one is not taken', { commentId: comment.id });
    return;
  }
  inbox.decisionComments += 1;
  if (marker.kind === 'implemented' && comment.intent === 'approve') {
    return refuse(run, comment, `the merge is approved on the change (\`/claude approve\` there) or with \`forgebot approve ${run.workflowId}\`, not in a Jira comment`);
  }
  if (!(await permitted(run, comment))) return;
  if (marker.kind === 'implemented') return askRevision(run, comment);
  const reason = comment.text.trim();
  const decision: GateDecision = {
    gate: 'plan',
    decision: comment.intent === 'approve' ? 'approve' : 'reject',
    // The access level checked: the mapping's Jira permission (permitted() above), for the audit row.
    by: { name: comment.author.displayName.trim() || comment.author.accountId, source: 'comment', userId: comment.author.accountId, accessLevel: run.mapping.approvePermission },
    planVersion: marker.version,
    ...(comment.intent === 'revise' && reason ? { reason } : {}),
  };
  const result = gate.submit(decision);
  if ('refused' in result) await refuse(run, comment, result.refused);
}

/**
 * Reads the ticket's comments when signals say there are new ones (one read for any number of signals, from the last
 * comment read), and takes each person's: answers to questions, plan decisions (permission checked through Jira's API,
 * then the same gate rules as the `decide` Update), revisions of the open change. Runs beside the steps until `over`.
 */
export async function commentDesk(run: TicketRun, gate: HumanGate, over: () => boolean): Promise<void> {
  const { inbox, status } = run;
  for (;;) {
    await condition(() => over() || (inbox.pending > 0 && inbox.readFrom !== undefined));
    if (over()) return;
    inbox.pending = 0;
    if (inbox.reads >= TICKET_LIMITS.commentReads) {
      log.warn('too many comment reads in one run: later comments are not taken', { reads: inbox.reads });
      return;
    }
    inbox.reads += 1;
    let comments: TicketCommentRead[];
    try {
      comments = await jira.readTicketComments(run.key, inbox.readFrom);
    } catch (error) {
      // Nothing is lost: the next signal reads again from the same comment.
      status.lastError = `could not read the comments of ${run.key}: ${failureReason(error)}`;
      log.warn('could not read the ticket comments', { reason: failureReason(error) });
      continue;
    }
    for (const comment of comments) {
      if (over()) return;
      inbox.read(comment.id);
      status.lastCommentId = inbox.readFrom ?? comment.id;
      if (comment.byForgebot) continue;
      try {
        await take(run, gate, comment);
      } catch (error) {
        log.warn('could not take a ticket comment', { commentId: comment.id, reason: failureReason(error) });
      }
    }
  }
}
