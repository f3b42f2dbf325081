import type { CheckedSuggestion } from '../../domain/agent-task.js';
import type { NotePlace } from '../../domain/change-command.js';
import type { ChangeRef } from '../../domain/change-ref.js';
import type { ChangedFile } from '../../domain/change-snapshot.js';
import { positionInDiff } from '../../domain/diff-position.js';
import { noteTarget } from '../../domain/line-target.js';
import { redactSecrets } from '../../domain/redact.js';

/** How far above or below its note's line a GitLab suggestion (`suggestion:-A+B`) may reach. */
export const GITLAB_SUGGESTION_REACH = 100;

/** A one-click suggestion (its fence's info string), or the reason it is only shown as a diff. */
export type SuggestionPlacement = { kind: 'one-click'; info: string } | { kind: 'shown'; why: string };

/** A GitLab quick action (`/merge`, `/approve` …) at the start of a line, as render.ts refuses it in a suggestion. */
const QUICK_ACTION_LINE = /^[ \t]*\/[a-z_]+(?:[ \t]|$)/m;
/** Controls but tab and newline, bidirectional overrides (Trojan Source), zero-width characters: never one click away. */
const HIDDEN = /[\u0000-\u0008\u000B-\u001F\u007F\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/;

export interface PlacementInput {
  forge: ChangeRef['forge'];
  /** Where the ask was written (its thread's lines, for a diff note). */
  place: NotePlace;
  suggestion: CheckedSuggestion;
  /** The head the answer read, and the change's head now. */
  answeredSha: string;
  headSha: string;
  /** The suggestion's file in the change as it is now (undefined: the change does not touch it). */
  file: ChangedFile | undefined;
}

const lines = (from: number, to: number) => (from === to ? `line ${from}` : `lines ${from}–${to}`);

/**
 * Whether a suggestion can be one click in the ask's thread: the ask was a note on diff lines of the suggestion's file,
 * the head did not move since the answer read it, the lines are on the head's side of the diff, and a reply there can
 * reach them — GitHub: a reply's suggestion replaces its thread's lines, so only exactly those; GitLab: up to 100
 * lines above and below the thread's line. Its text must be what it looks like (no hidden characters, no secret, no
 * line GitLab would run as a quick action).
 */
export function placeSuggestion(input: PlacementInput): SuggestionPlacement {
  const { suggestion } = input;
  const note = noteTarget(input.place);
  const shown = (why: string): SuggestionPlacement => ({ kind: 'shown', why });
  if (!note) return shown('it was not asked on lines of the diff');
  if (input.headSha !== input.answeredSha) {
    const change = input.forge === 'gitlab' ? 'merge request' : 'pull request';
    return shown(`the ${change} moved on after the answer was written (it read ${input.answeredSha.slice(0, 12)}; the head is now ${input.headSha.slice(0, 12)})`);
  }
  if (suggestion.path !== note.path) return shown("it changes another file than this thread's");
  const onHeadSide = (line: number) => input.file !== undefined && positionInDiff(input.file.diff, line, 'new')?.newLine === line;
  if (!onHeadSide(note.endLine) || !onHeadSide(note.startLine)) return shown("this thread is not on lines of the head's side of the diff");
  if (input.forge === 'github') {
    if (suggestion.startLine !== note.startLine || suggestion.endLine !== note.endLine) {
      return shown(`it changes ${lines(suggestion.startLine, suggestion.endLine)}, and a suggestion here can only replace this thread's ${lines(note.startLine, note.endLine)}`);
    }
  }
  const above = note.endLine - suggestion.startLine;
  const below = suggestion.endLine - note.endLine;
  if (input.forge === 'gitlab' && (above < 0 || below < 0 || above > GITLAB_SUGGESTION_REACH || below > GITLAB_SUGGESTION_REACH)) {
    return shown(`it changes ${lines(suggestion.startLine, suggestion.endLine)}, and a suggestion here must include this thread's line ${note.endLine} and reach at most ${GITLAB_SUGGESTION_REACH} lines above or below it`);
  }
  if (HIDDEN.test(suggestion.replacement)) return shown('it holds invisible or direction-changing characters');
  if (redactSecrets(suggestion.replacement) !== suggestion.replacement) return shown('it holds what looks like a secret (shown redacted)');
  if (QUICK_ACTION_LINE.test(suggestion.replacement)) return shown('a line of it reads as a quick action');
  return { kind: 'one-click', info: input.forge === 'github' ? 'suggestion' : `suggestion:-${above}+${below}` };
}
