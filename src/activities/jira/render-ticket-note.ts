import type { ImplementResult, PlanResult } from '../../domain/agent-task.js';
import { codeSpan, safeLine } from '../../domain/safe-markdown.js';
import { cutEnd, linkTo } from '../sentry/render-parts.js';
import { fitting, implementationLines, MAX_JIRA_COMMENT_CHARS, renderPlanNote } from './render-plan.js';
import type { TicketNote } from './ticket-contracts.js';

/** The claims a note names, read by the activity: the plan (plan, questions) and the implementer's work. */
export interface NoteMaterial {
  plan?: PlanResult;
  work?: ImplementResult;
}

export interface NoteOptions {
  /** The forge command trigger (`/claude`). */
  trigger: string;
  /** JIRA_READY_STATUS, as people know it. */
  readyStatus: string;
}

function missing(what: string): never {
  throw new TypeError(`the note needs its ${what}, read from its claim`);
}

/** The questions the planner asked instead of a plan, and how the work goes on. */
function questionsNote(plan: PlanResult, options: NoteOptions): string {
  const questions = plan.questions.length > 0 ? plan.questions : ['What should change, and how would we know it works?'];
  return [
    'forgebot’s planner read this ticket and the repository, and needs answers before it can plan the work (its questions, unverified):',
    '',
    ...questions.map((question, index) => `${index + 1}. ${safeLine(cutEnd(question, 1_000))}`),
    '',
    `Answer in a comment on this ticket, or update the ticket and move it to ${codeSpan(options.readyStatus)} again: either lets forgebot plan again.`,
  ].join('\n');
}

function reminderNote(note: Extract<TicketNote, { kind: 'reminder' }>, options: NoteOptions): string {
  const id = codeSpan(`forgebot approve ${note.workflowId}`);
  if (note.gate === 'plan') {
    return [
      `forgebot is still waiting for a decision on its plan for this ticket: a comment that says ${codeSpan('approve')} on a line of its own approves it, one starting with ${codeSpan('revise:')} asks for another; an operator can run ${id}.`,
      '',
      `Without a decision the work stops at ${safeLine(note.expiresAt)}.`,
    ].join('\n');
  }
  return [
    `forgebot is waiting for a person to approve the change it opened for this ticket: ${codeSpan(`${options.trigger} approve`)} in a comment on the change, or ${id} (an operator).`,
    '',
    `Without a decision the change is closed at ${safeLine(note.expiresAt)}.`,
  ].join('\n');
}

/**
 * What forgebot says on a ticket, as Markdown (the Jira client converts it to ADF). forgebot's wording is trusted;
 * every text from the ticket, the planner or the implementer goes through safe-markdown, so a comment can never hold
 * a live link, image, mention or ADF node of their making. At most MAX_JIRA_COMMENT_CHARS.
 */
export function renderTicketNote(note: TicketNote, material: NoteMaterial, options: NoteOptions): string {
  switch (note.kind) {
    case 'unmapped':
      return [
        `forgebot cannot work on this ticket: ${safeLine(cutEnd(note.reason, 2_000))}`,
        '',
        `Once that is fixed, move the ticket to ${codeSpan(options.readyStatus)} again.`,
      ].join('\n');
    case 'questions':
      return questionsNote(material.plan ?? missing('plan'), options);
    case 'plan':
      return renderPlanNote(material.plan ?? missing('plan'), {
        version: note.version,
        workflowId: note.workflowId,
        trigger: options.trigger,
        approvePermission: note.approvePermission,
        ...(note.changeUrl ? { changeUrl: note.changeUrl } : {}),
      });
    case 'reminder':
      return reminderNote(note, options);
    case 'implemented': {
      const work = material.work ?? missing('work');
      return fitting(
        (detail) => [
          `forgebot implemented the approved plan: ${linkTo('the change', note.changeUrl)} is ready for review.`,
          '',
          ...implementationLines(work, detail),
          '',
          '_Merging it takes a person’s approval on the change._',
        ],
        MAX_JIRA_COMMENT_CHARS,
      );
    }
    case 'not-pushed': {
      const head = `forgebot did not push an implementation of this ticket: ${safeLine(cutEnd(note.reason, 2_000))}`;
      if (!material.work) return head;
      const work = material.work;
      return fitting((detail) => [head, '', ...implementationLines(work, detail)], MAX_JIRA_COMMENT_CHARS);
    }
    case 'refused':
      return `forgebot did not act on comment ${codeSpan(note.commentId)}: ${safeLine(cutEnd(note.reason, 2_000))}`;
    case 'ended':
      return [
        `forgebot stopped working on this ticket (${safeLine(cutEnd(note.outcome, 100))}): ${safeLine(cutEnd(note.detail, 2_000))}`,
        ...(note.changeUrl ? ['', `Its change: ${linkTo('the change', note.changeUrl)}.`] : []),
      ].join('\n');
  }
}
