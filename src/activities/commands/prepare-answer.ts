import { ApplicationFailure } from '@temporalio/common';
import { AnswerQuestion } from '../../domain/agent-task.js';
import type { ChangeCommand } from '../../domain/change-command.js';
import type { ChangeRef } from '../../domain/change-ref.js';
import { noteTarget, parseLineTarget, type LineTarget } from '../../domain/line-target.js';
import type { ClaimCheckStore } from '../claim-check/claim-check-store.js';
import { putJson } from '../claim-check/json-claims.js';
import type { AnswerAsk, AnswerPreparation } from '../command-activities.js';
import type { ChangeReader, Conversation } from '../forge.js';
import { threadQuestion } from './thread-question.js';

/** What preparing an answer reads: the change, and forgebot's finding thread (for a reply). */
export type AnswerReading = ChangeReader & Partial<Pick<Conversation, 'findingThread'>>;

const MAX_ASK_CHARS = 2_000;
/** AnswerTask's bound on changedPaths. */
const MAX_CHANGED_PATHS = 5_000;

/** The claim kind of a stored AnswerQuestion (the agent activity reads it back). */
export const QUESTION_CLAIM_KIND = 'answer-question';

type Question = { kind: 'question'; question: AnswerQuestion } | { kind: 'unclear'; reason: string };

/**
 * The lines a command is about and the rest of its words: lines named at the start of the argument win (the person
 * said which), else the diff note's own lines.
 */
function targetAndAsk(command: ChangeCommand): { target?: LineTarget; ask: string } {
  const argument = command.command.argument.trim();
  const named = parseLineTarget(argument);
  if (named) return { target: named.target, ask: named.rest };
  const onNote = noteTarget(command.place);
  return onNote ? { target: onNote, ask: argument } : { ask: argument };
}

/** explain needs lines; suggest needs words (its lines are optional: the answerer may find the place). */
function commandQuestion(command: ChangeCommand): Question {
  const { target, ask } = targetAndAsk(command);
  const words = ask.slice(0, MAX_ASK_CHARS);
  if (command.command.verb === 'explain') {
    if (!target) return { kind: 'unclear', reason: 'it names no lines to explain.' };
    return { kind: 'question', question: { kind: 'explain', target, ask: words } };
  }
  if (command.command.verb === 'suggest') {
    if (words === '') return { kind: 'unclear', reason: 'it does not say what to change.' };
    return { kind: 'question', question: { kind: 'suggest', ...(target ? { target } : {}), ask: words } };
  }
  return { kind: 'unclear', reason: `${command.command.verb} is not answered by forgebot's answering agent.` };
}

/**
 * The answerer's assignment for an ask, or why there is none: a command without what it needs is `unclear`; a reply
 * in a thread that is not one of forgebot's findings (by forgebot's account, with its marker) is `not-ours`. The
 * question (thread notes and all) is stored behind a claim check; the assignment names the change's head as it is now.
 */
export async function prepareAnswer(forge: AnswerReading, claims: ClaimCheckStore, ref: ChangeRef, ask: AnswerAsk): Promise<AnswerPreparation> {
  let question: AnswerQuestion;
  let finding: { fingerprint: string; title: string } | undefined;
  if (ask.kind === 'command') {
    const made = commandQuestion(ask.command);
    if (made.kind === 'unclear') return made;
    question = made.question;
  } else {
    // A forge that cannot read its threads back cannot tell forgebot's findings from a person's thread: left alone.
    const found = forge.findingThread ? await forge.findingThread(ref, ask.reply.threadId) : undefined;
    if (!found) return { kind: 'not-ours' };
    question = threadQuestion(found, ask.reply);
    finding = { fingerprint: found.finding.fingerprint, title: found.finding.title };
  }
  const checked = AnswerQuestion.safeParse(question);
  if (!checked.success) {
    // Paths and messages only: the question holds people's text.
    const problems = checked.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw ApplicationFailure.create({ type: 'ERR_ANSWER_QUESTION', message: `the answerer's question is not valid: ${problems.join('; ')}`, nonRetryable: true });
  }
  const snapshot = await forge.getChange(ref);
  const author = ask.kind === 'command' ? ask.command.author : ask.reply.author;
  return {
    kind: 'ready',
    assignment: {
      role: 'answerer',
      forge: ref.forge,
      repositoryPath: ref.projectPath,
      repository: { cloneUrl: snapshot.cloneUrl, baseSha: snapshot.baseSha, headSha: snapshot.headSha },
      changedPaths: snapshot.files.filter((file) => !file.deletedFile).map((file) => file.newPath).slice(0, MAX_CHANGED_PATHS),
      questionClaim: await putJson(claims, QUESTION_CLAIM_KIND, checked.data),
      asker: author.username,
    },
    ...(finding ? { finding } : {}),
  };
}
