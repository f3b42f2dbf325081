import type { DroppedFinding, Finding, ReviewedFinding } from '../../domain/finding.js';
import type { SpecialistName } from '../../domain/specialist-name.js';
import { catalogIndex, severityRank } from './ownership.js';

/** Shown in the summary: how two different suggestions for the same lines were settled. */
export const CONFLICT_RULE =
  'Where two findings suggest different replacements for overlapping lines, the suggestion of the more severe finding is kept, then of the more confident one, then of the one raised by the owner of its category; the other finding keeps its text without a one-click suggestion.';

/** A finding in the contest for its lines: who raised it and how much that specialist owns its issue. */
export interface Contender {
  finding: Finding;
  specialist: SpecialistName;
  /** See ownership.ts: lower owns more. */
  ownership: number;
}

/** Whether `a` goes before `b` in the conflict rule (and in merging): a total order, so the outcome is deterministic. */
export function compareContenders(a: Contender, b: Contender): number {
  return (
    severityRank(a.finding.severity) - severityRank(b.finding.severity) ||
    b.finding.confidence - a.finding.confidence ||
    a.ownership - b.ownership ||
    catalogIndex(a.specialist) - catalogIndex(b.specialist) ||
    compareText(a.finding.path, b.finding.path) ||
    a.finding.line - b.finding.line ||
    compareText(a.finding.title, b.finding.title) ||
    compareText(a.finding.body, b.finding.body)
  );
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function firstLine(finding: Pick<Finding, 'line' | 'startLine'>): number {
  return finding.startLine ?? finding.line;
}

/** The same file, side and lines: a suggestion replaces exactly `firstLine..line`. */
function overlaps(a: Finding, b: Finding): boolean {
  return a.path === b.path && a.side === b.side && firstLine(a) <= b.line && firstLine(b) <= a.line;
}

/** The replacement as it would land: CRLF as LF, trailing blanks and one trailing newline ignored. */
function normalized(text: string): string {
  return text.replace(/\r\n/g, '\n').replace(/[ \t]+$/gm, '').replace(/\n$/, '');
}

/** The same lines replaced by the same text (the same suggestion twice is no conflict). */
export function sameSuggestion(a: Finding, b: Finding): boolean {
  if (a.suggestion === undefined || b.suggestion === undefined) return false;
  return a.path === b.path && a.side === b.side && firstLine(a) === firstLine(b) && a.line === b.line && normalized(a.suggestion) === normalized(b.suggestion);
}

/** Two suggestions conflict when their lines overlap and they would not leave the same text. */
export function suggestionsConflict(a: Finding, b: Finding): boolean {
  return a.suggestion !== undefined && b.suggestion !== undefined && overlaps(a, b) && !sameSuggestion(a, b);
}

function span(finding: Finding): string {
  const first = firstLine(finding);
  return first === finding.line ? `line ${finding.line}` : `lines ${first}–${finding.line}`;
}

/**
 * The entry listing a suggestion the rule left out: of a finding that stays (`kept`), or of a duplicate merged into
 * the finding whose suggestion won (`merged`).
 */
export function droppedSuggestion(loser: ReviewedFinding, winner: Finding, how: 'kept' | 'merged'): DroppedFinding {
  const reason =
    how === 'kept'
      ? `Only its one-click suggestion was left out (the finding is kept): it conflicts with the suggestion of "${winner.title}" on ${span(winner)}.`
      : `Merged as a duplicate into "${winner.title}", which keeps its suggestion on ${span(winner)}: this one's different suggestion was left out.`;
  return { path: loser.path, line: loser.line, title: loser.title.slice(0, 200), raisedBy: [...(loser.raisedBy ?? [])], reason: reason.slice(0, 500) };
}

/**
 * Settles conflicting suggestions between different findings by CONFLICT_RULE: in the rule's order, a suggestion is
 * kept unless it conflicts with one kept before it. Returns the findings (same order) and the suggestions dropped.
 */
export function settleSuggestions(findings: readonly (Contender & { finding: ReviewedFinding })[]): { findings: ReviewedFinding[]; dropped: DroppedFinding[] } {
  const order = findings.map((_, index) => index).sort((a, b) => compareContenders(findings[a] as Contender, findings[b] as Contender));
  const result = findings.map((contender) => contender.finding);
  const kept: ReviewedFinding[] = [];
  const dropped: DroppedFinding[] = [];
  for (const index of order) {
    const finding = result[index];
    if (finding?.suggestion === undefined) continue;
    const winner = kept.find((other) => suggestionsConflict(other, finding));
    if (!winner) {
      kept.push(finding);
      continue;
    }
    const plain = { ...finding };
    delete plain.suggestion;
    result[index] = plain;
    dropped.push(droppedSuggestion(finding, winner, 'kept'));
  }
  return { findings: result, dropped };
}
