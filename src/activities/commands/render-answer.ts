import type { AnswerResult, CheckedSuggestion, FeedbackDisposition } from '../../domain/agent-task.js';
import type { ChangeRef } from '../../domain/change-ref.js';
import { redactSecrets } from '../../domain/redact.js';
import { codeSpan, fence, safeCode, safeLine, safeText } from '../../domain/safe-markdown.js';
import { inertCode, longestRun } from '../../domain/safe-markdown-inline.js';
import type { SuggestionPlacement } from './suggestion-placement.js';

/** What the answer note says beside the model's words. */
export interface AnswerNote {
  forge: ChangeRef['forge'];
  result: AnswerResult;
  /** Where the suggestion goes (present when the result has one). */
  placement?: SuggestionPlacement;
  /** The lines the suggestion replaces, as they are at the head the answer read (a diff of it shows them). */
  replacedLines?: string[];
  /** A reply's word on its finding. */
  disposition?: FeedbackDisposition;
}

/** Dispositions that keep a finding from being raised again on the change (as the review workflow records them). */
const DISMISSING: ReadonlySet<FeedbackDisposition> = new Set(['wont-fix', 'false-positive']);

/** Controls but tab and newline, bidirectional overrides, zero-width spaces: as safe-markdown strips them. */
const STRIPPED = /[\u0000-\u0008\u000B-\u001F\u007F\u200B\u202A-\u202E\u2066-\u2069]/g;

/** The replacement's lines: a final newline ends the last line (no extra empty line); an empty replacement has none. */
export function replacementLines(replacement: string): string[] {
  if (replacement === '') return [];
  return replacement.replace(/\r\n?/g, '\n').replace(/\n$/, '').split('\n');
}

/** Model-made code as a diff block: shown as written but inert (no mention, marker or quick action), fenced past any backtick run. */
export function diffBlock(text: string): string {
  return fence(inertCode(redactSecrets(text.replace(/\r\n?/g, '\n').replace(/\n$/, '').replace(STRIPPED, ''))), 'diff');
}

/** The one-click suggestion: the replacement exactly (placeSuggestion checked it), in a fence longer than any backtick run. */
function suggestionFence(suggestion: CheckedSuggestion, info: string): string {
  const body = replacementLines(suggestion.replacement);
  const ticks = '`'.repeat(Math.max(3, longestRun(body.join('\n'), '`') + 1));
  return [`${ticks}${info}`, ...body, ticks].join('\n');
}

/** The suggestion as a unified diff of its file (its old lines when known, else only what it puts there). */
export function suggestionDiff(suggestion: CheckedSuggestion, replacedLines: string[] | undefined): string {
  const added = replacementLines(suggestion.replacement);
  const removed = replacedLines ?? [];
  const start = suggestion.startLine;
  const oldSpan = replacedLines ? `${removed.length === 0 ? start - 1 : start},${removed.length}` : `${start}`;
  const newSpan = `${added.length === 0 ? start - 1 : start},${added.length}`;
  return [
    `--- a/${suggestion.path}`,
    `+++ b/${suggestion.path}`,
    `@@ -${oldSpan} +${newSpan} @@`,
    ...removed.map((line) => `-${line}`),
    ...added.map((line) => `+${line}`),
  ].join('\n');
}

const spanOf = (suggestion: CheckedSuggestion) =>
  suggestion.startLine === suggestion.endLine ? `line ${suggestion.startLine}` : `lines ${suggestion.startLine}–${suggestion.endLine}`;

function suggestionSection(suggestion: CheckedSuggestion, note: AnswerNote): string[] {
  const placement = note.placement ?? { kind: 'shown', why: 'it could not be placed' };
  if (placement.kind === 'one-click') return [suggestionFence(suggestion, placement.info)];
  const known = note.replacedLines ? '' : ' (the lines it replaces could not be read)';
  return [
    `Suggested change to ${spanOf(suggestion)} of ${safeCode(suggestion.path)}${known}; not offered as a one-click suggestion: ${safeLine(placement.why)}.`,
    '',
    diffBlock(suggestionDiff(suggestion, note.replacedLines)),
  ];
}

const dismissedAs: Record<string, string> = { 'wont-fix': "won't fix", 'false-positive': 'a false positive' };

/**
 * forgebot's answer in a thread: the model's words made safe (no mention, image, link, HTML or quick action), its
 * suggestion as a one-click suggestion only where placeSuggestion allowed it (else as a diff block with the reason),
 * its patch as a diff block, and for a reply that dismissed its finding, that forgebot will not raise it again.
 */
export function renderAnswer(note: AnswerNote): string {
  const { result } = note;
  const change = note.forge === 'gitlab' ? 'merge request' : 'pull request';
  const parts = [safeText(redactSecrets(result.answer))];
  if (result.truncated || result.stoppedBy) parts.push('_The answer may be incomplete: forgebot\'s answering agent stopped at its limits._');
  if (result.suggestion) parts.push(suggestionSection(result.suggestion, note).join('\n'));
  if (result.patch) parts.push([`The change as a patch (it applies at ${codeSpan(result.headSha.replace(/[^0-9a-f]/gi, '').slice(0, 12))}):`, '', diffBlock(result.patch)].join('\n'));
  if (note.disposition && DISMISSING.has(note.disposition)) {
    parts.push(`Noted as ${dismissedAs[note.disposition]}: forgebot will not raise this finding again on this ${change}.`);
  }
  return parts.join('\n\n');
}
