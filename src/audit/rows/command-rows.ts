import type { DecisionForwarded, LearnOutcome } from '../../activities/command-activities.js';
import { parseLearnArgument } from '../../domain/learn-command.js';
import { verbOf } from '../../domain/change-command.js';
import type { AuditFact } from '../audit-event.js';
import { action, onChange, type RowMappers } from './call.js';

function decisionOutcome(result: DecisionForwarded, decision: 'approve' | 'reject'): string {
  if (result.kind === 'taken') return decision === 'approve' ? 'approved' : 'rejected';
  return result.kind; // refused, no-owner
}

/** A learn command's row: what it did to a learning (a listing, an unclear ask or no memory change nothing: no row). */
function learningOutcome(outcome: LearnOutcome): { outcome: string; learningId?: string; status?: string; specialist?: string } | undefined {
  switch (outcome.kind) {
    case 'added':
      return { outcome: `learning-${outcome.learning.status}`, learningId: outcome.learning.id, status: outcome.learning.status, ...(outcome.learning.specialist ? { specialist: outcome.learning.specialist } : {}) };
    case 'accepted':
    case 'removed':
      return { outcome: `learning-${outcome.kind}`, learningId: outcome.learning.id, ...(outcome.learning.specialist ? { specialist: outcome.learning.specialist } : {}) };
    case 'not-found':
      return { outcome: 'learning-not-found', learningId: outcome.id };
    case 'refused':
      return { outcome: 'refused' };
    case 'listed':
    case 'unclear':
    case 'not-enabled':
      return undefined;
  }
}

/** The review workflow's command desk: what it says and does on a person's command, and the decisions it forwards. */
export const commandRows = {
  acknowledgeCommand: ({ args: [ref, command] }) => [
    action('reaction-added', onChange(ref), { actor: command.author.username, ...(command.noteUrl ? { url: command.noteUrl } : {}), details: { emoji: 'eyes', onNote: command.noteId, verb: verbOf(command) } }),
  ],
  answerCommand: ({ args: [ref, command, answer], result }) => [
    action('note-posted', onChange(ref), { actor: command.author.username, ...(command.noteUrl ? { url: command.noteUrl } : {}), outcome: answer.kind, details: { noteId: result.id, inReplyTo: command.noteId, verb: verbOf(command) } }),
  ],
  postAnswer: ({ args: [ref, ask], result }) => {
    const noted = ask.kind === 'command' ? ask.command : ask.reply;
    return [
      action('note-posted', onChange(ref), { actor: noted.author.username, ...(noted.noteUrl ? { url: noted.noteUrl } : {}), outcome: 'answered', details: { noteId: result.id, inReplyTo: noted.noteId, verb: verbOf(noted), disposition: result.disposition } }),
    ];
  },
  learnFromCommand: ({ args: [ref, command, accessLevel], result }): AuditFact[] => {
    const learned = learningOutcome(result);
    if (!learned) return [];
    const request = parseLearnArgument(command.command.argument);
    return [
      {
        category: 'decision',
        kind: 'decision',
        ...onChange(ref),
        actor: command.author.username,
        accessLevel,
        ...(command.noteUrl ? { url: command.noteUrl } : {}),
        outcome: learned.outcome,
        details: { decision: `learn-${request.action}`, source: 'comment', userId: command.author.id, noteId: command.noteId, learningId: learned.learningId, status: learned.status, specialist: learned.specialist },
      },
    ];
  },
  forwardDecision: ({ args: [ref, decision, noteId], result }): AuditFact[] => {
    const planVersion = result.kind === 'taken' ? result.planVersion : undefined;
    return [
      {
        category: 'decision',
        kind: 'decision',
        ...onChange(ref),
        actor: decision.by.name,
        ...(decision.by.accessLevel ? { accessLevel: decision.by.accessLevel } : {}),
        ...(decision.by.noteUrl ? { url: decision.by.noteUrl } : {}),
        outcome: decisionOutcome(result, decision.decision),
        details: {
          decision: decision.decision,
          source: decision.by.source,
          userId: decision.by.userId,
          noteId,
          gate: result.kind === 'taken' ? result.outcome.gate : undefined,
          planVersion,
          decidedWorkflowId: result.kind === 'no-owner' ? undefined : result.workflowId,
          refusal: result.kind === 'refused' ? result.reason : undefined,
        },
      },
    ];
  },
} satisfies RowMappers;
