import { AgentOutput, type AnswerResult, type CheckedSuggestion, type FeedbackDisposition } from '../../domain/agent-task.js';
import type { ChangeRef } from '../../domain/change-ref.js';
import type { ClaimRef } from '../../domain/claim-ref.js';
import { ClaimCheckError } from '../claim-check/claim-check-error.js';
import type { ClaimCheckStore } from '../claim-check/claim-check-store.js';
import { getJson } from '../claim-check/json-claims.js';
import type { AnswerAsk } from '../command-activities.js';
import type { ChangeReader } from '../forge.js';
import { answerInThread, type Talking } from './answer-in-thread.js';
import { renderAnswer, type AnswerNote } from './render-answer.js';
import { placeSuggestion } from './suggestion-placement.js';

/** What posting an answer needs: the change as it is now, its files at a commit, and its threads. */
export type AnswerPosting = ChangeReader & Talking;

/** The answerer's stored answer; any other output behind the claim is a wrong claim (permanent). */
export async function storedAnswer(claims: ClaimCheckStore, claim: ClaimRef): Promise<AnswerResult> {
  const output = await getJson(claims, claim, AgentOutput);
  if (output.role !== 'answerer') throw new ClaimCheckError('ERR_CLAIM_INVALID', `claim ${claim.key} holds a ${output.role} output, not an answer`);
  return output.answer;
}

/** The lines a suggestion replaces, at the head the answer read; undefined when the file cannot be read there. */
async function replacedLines(forge: ChangeReader, ref: ChangeRef, suggestion: CheckedSuggestion, sha: string): Promise<string[] | undefined> {
  const text = forge.readFile ? await forge.readFile(ref, suggestion.path, sha) : undefined;
  if (text === undefined) return undefined;
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  if (suggestion.endLine > lines.length) return undefined;
  return lines.slice(suggestion.startLine - 1, suggestion.endLine);
}

/** Where the suggestion goes: the change is read now (its head and the file's diff decide). */
async function suggestionNote(forge: ChangeReader, ref: ChangeRef, ask: AnswerAsk, result: AnswerResult, suggestion: CheckedSuggestion): Promise<Pick<AnswerNote, 'placement' | 'replacedLines'>> {
  const snapshot = await forge.getChange(ref);
  const place = ask.kind === 'command' ? ask.command.place : ask.reply.place;
  const file = snapshot.files.find((candidate) => candidate.newPath === suggestion.path && !candidate.deletedFile);
  const placement = placeSuggestion({ forge: ref.forge, place, suggestion, answeredSha: result.headSha, headSha: snapshot.headSha, file });
  if (placement.kind === 'one-click') return { placement };
  const lines = await replacedLines(forge, ref, suggestion, result.headSha);
  return { placement, ...(lines ? { replacedLines: lines } : {}) };
}

/**
 * Posts the answerer's stored answer in the ask's thread (answerInThread), rendered safe. Returns the note's id and,
 * for a reply, what it said of the finding (the review workflow records it).
 */
export async function postAnswer(forge: AnswerPosting, claims: ClaimCheckStore, ref: ChangeRef, ask: AnswerAsk, claim: ClaimRef): Promise<{ id: string; disposition?: FeedbackDisposition }> {
  const result = await storedAnswer(claims, claim);
  const disposition = ask.kind === 'reply' ? result.disposition : undefined;
  const note: AnswerNote = {
    forge: ref.forge,
    result,
    ...(result.suggestion ? await suggestionNote(forge, ref, ask, result, result.suggestion) : {}),
    ...(disposition ? { disposition } : {}),
  };
  const posted = await answerInThread(forge, ref, ask.kind === 'command' ? ask.command : ask.reply, renderAnswer(note));
  return { id: posted.id, ...(disposition ? { disposition } : {}) };
}
