import { condition } from '@temporalio/workflow';
import type { ClaimRef } from '../../domain/claim-ref.js';
import { formatDuration } from '../sentry-fix/merge-gate.js';
import { runPlanner } from './agents.js';
import { rereadTicket } from './reading.js';
import { addUsage, type Ending, type PlanDraft, type TicketRun } from './run.js';
import { say } from './say.js';
import { TICKET_LIMITS } from './timing.js';

export interface Revision {
  version: number;
  previousPlanClaim: ClaimRef;
  feedback: string;
}

/** What the ticket's people answered (the text is untrusted), or the run's end when nobody did in time. */
async function ask(run: TicketRun, planClaim: ClaimRef, count: number): Promise<string | Ending> {
  const { inbox, status, timing } = run;
  inbox.asking = { round: (inbox.markers.filter((marker) => marker.kind === 'questions').length) + 1 };
  run.setPhase('asking', `waiting for answers to ${count} question(s) on ${run.key}`);
  const id = await say(run, { kind: 'questions', planClaim });
  if (id === undefined) return { outcome: 'failed', detail: 'the planner\'s questions could not be posted on the ticket' };
  inbox.mark({ id, kind: 'questions', round: inbox.asking.round });
  status.questions = [`${count} question(s) in Jira comment ${id}`];
  const came = await condition(() => inbox.answer !== undefined || inbox.readyAgain, timing.answerExpiryMs);
  const answer = inbox.answer?.text;
  inbox.asking = undefined;
  inbox.answer = undefined;
  inbox.readyAgain = false;
  delete status.questions;
  if (!came) return { outcome: 'unanswered', detail: `nobody answered the planner's questions within ${formatDuration(timing.answerExpiryMs)}` };
  return answer ?? 'The ticket re-entered the ready status: its description may now answer the questions.';
}

/**
 * A plan for the ticket (re-read first): the planner on the default branch's head, a revision's feedback with it.
 * Questions instead of a plan are asked on the ticket, and the answer planned with (at most
 * TICKET_LIMITS.questionRounds rounds a run).
 */
export async function draftPlan(run: TicketRun, revision?: Revision): Promise<PlanDraft | Ending> {
  let asked = revision;
  for (;;) {
    const withdrawn = await rereadTicket(run, 'planning');
    if (withdrawn) return withdrawn;
    run.setPhase('planning', `planning ${run.key}${asked ? ` (after plan v${asked.version})` : ''}`);
    const { claim, digest } = await runPlanner(run, asked);
    addUsage(run.status, digest);
    if (digest.questions === 0) return { claim, files: digest.files, size: digest.size };
    const rounds = run.inbox.markers.filter((marker) => marker.kind === 'questions').length;
    if (rounds >= TICKET_LIMITS.questionRounds) return { outcome: 'unanswered', detail: `the planner still had questions after ${rounds} rounds of answers: the ticket needs more detail` };
    const answer = await ask(run, claim, digest.questions);
    if (typeof answer !== 'string') return answer;
    asked = { version: Math.max(1, run.status.plans.at(-1)?.version ?? 1), previousPlanClaim: claim, feedback: answer };
  }
}
