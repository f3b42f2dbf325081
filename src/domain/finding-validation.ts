import { parseHunks } from './diff-position.js';
import type { Finding, FindingChecks, ReviewedFinding, Severity } from './finding.js';
import { findingFingerprint } from './render.js';

/** One file of the change's diff, as the forge anchors comments on it (3 lines of context, like GitLab and GitHub). */
export interface DiffFileLines {
  oldPath: string;
  newPath: string;
  /** Unified-diff hunks of the file. */
  diff: string;
}

export interface ValidationInput {
  files: readonly DiffFileLines[];
  /** The file's lines at the head SHA, or undefined when it cannot be read (deleted, binary, too large). */
  headLines(path: string): readonly string[] | undefined;
}

/** How far (in lines) a finding may be moved to reach a line the diff shows; further, it goes to the summary. */
export const MAX_MOVE = 10;
const severityRank: Record<Severity, number> = { blocker: 0, major: 1, minor: 2, nit: 3 };

function cleanPath(path: string): string {
  return path.trim().replace(/^\.\//, '').replace(/^[ab]\//, '');
}

function fileOf(files: readonly DiffFileLines[], finding: Finding): DiffFileLines | undefined {
  const exact = files.find((file) => (finding.side === 'old' ? file.oldPath : file.newPath) === finding.path);
  return exact ?? files.find((file) => file.newPath === finding.path || file.oldPath === finding.path);
}

/** The line the diff shows on the finding's side nearest to its line (the same line when it is shown), if close enough. */
function nearestShownLine(file: DiffFileLines, finding: Finding): number | undefined {
  const shown = parseHunks(file.diff)
    .map((entry) => (finding.side === 'new' ? entry.newLine : entry.oldLine))
    .filter((line): line is number => line !== undefined);
  let best: number | undefined;
  for (const line of shown) {
    const distance = Math.abs(line - finding.line);
    if (distance <= MAX_MOVE && (best === undefined || distance < Math.abs(best - finding.line))) best = line;
  }
  return best;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * A multi-line range is kept only when every line of it is one the diff shows on that side (a range the forge can
 * anchor); otherwise the finding stays on its last line alone.
 */
function checkRange(finding: Finding, file: DiffFileLines): Finding {
  const { startLine, ...single } = finding;
  if (startLine === undefined) return finding;
  if (startLine >= finding.line) return single;
  const shown = new Set(parseHunks(file.diff).map((entry) => (finding.side === 'new' ? entry.newLine : entry.oldLine)));
  for (let line = startLine; line <= finding.line; line++) if (!shown.has(line)) return single;
  return finding;
}

/** Keeps a suggestion only when it applies cleanly at the head: else it becomes plain text in the body. */
function checkSuggestion(finding: Finding, input: ValidationInput, checks: FindingChecks): Finding {
  if (finding.suggestion === undefined) return finding;
  const lines = finding.side === 'new' ? input.headLines(finding.path) : undefined;
  const first = finding.startLine ?? finding.line;
  const range = lines?.slice(first - 1, finding.line);
  const current = range && range.length === finding.line - first + 1 ? range.join('\n') : undefined;
  let problem: string | undefined;
  if (finding.side !== 'new') problem = 'it is on a removed line';
  else if (current === undefined) problem = 'the lines are not in the file at the head commit';
  else if (finding.suggestion === current) problem = 'it does not change the code';
  else if (finding.suggestion.includes('```')) problem = 'it contains a code fence';
  if (problem === undefined) return finding;
  checks.suggestionsDropped++;
  const { suggestion, ...rest } = finding;
  const plain = `\n\nSuggested replacement (not offered as a one-click suggestion: ${problem}):\n\n\`\`\`\`\n${suggestion}\n\`\`\`\``;
  return { ...rest, body: clip(rest.body, 4_000 - plain.length) + plain };
}

function isBetter(x: Finding, y: Finding): boolean {
  return severityRank[x.severity] < severityRank[y.severity] || (x.severity === y.severity && x.confidence > y.confidence);
}

/**
 * Merges findings on the same line and category, or with the same identity (fingerprints ignore the line, so that
 * they survive edits): the most severe, most confident stays, and its body names the other occurrences' lines.
 */
function mergeDuplicates(findings: ReviewedFinding[], checks: FindingChecks): ReviewedFinding[] {
  const kept: { finding: ReviewedFinding; fingerprints: Set<string> }[] = [];
  for (const finding of findings) {
    const fingerprint = findingFingerprint(finding);
    const entry = kept.find(
      ({ finding: other, fingerprints }) =>
        fingerprints.has(fingerprint) ||
        (other.path === finding.path && other.side === finding.side && other.line === finding.line && other.category === finding.category),
    );
    if (!entry) {
      kept.push({ finding, fingerprints: new Set([fingerprint]) });
      continue;
    }
    checks.merged++;
    entry.fingerprints.add(fingerprint);
    const [winner, loser] = isBetter(finding, entry.finding) ? [finding, entry.finding] : [entry.finding, finding];
    const sameTitle = loser.title.trim().toLowerCase() === winner.title.trim().toLowerCase();
    const elsewhere = loser.line === winner.line || loser.side !== winner.side ? '' : ` at line ${loser.line}`;
    const also = sameTitle && !elsewhere ? '' : `\n\nAlso${elsewhere}: ${sameTitle ? 'the same issue' : loser.title}`;
    const raisedBy = [...new Set([...(winner.raisedBy ?? []), ...(loser.raisedBy ?? [])])];
    entry.finding = { ...winner, body: clip(winner.body + also, 4_000), ...(raisedBy.length > 0 && { raisedBy }) };
  }
  return kept.map((entry) => entry.finding);
}

/**
 * The checks before posting: the path is in the diff, the line is one the diff shows (else moved to the nearest one
 * within MAX_MOVE lines; further away it stays put and the publisher lists it in the summary), duplicates are merged,
 * and a suggestion must apply cleanly to the file at the head.
 */
export function validateFindings<F extends ReviewedFinding>(findings: readonly F[], input: ValidationInput): { findings: F[]; checks: FindingChecks } {
  const checks: FindingChecks = { merged: 0, moved: 0, outsideDiff: 0, suggestionsDropped: 0 };
  const placed = findings.map((original) => {
    const finding = { ...original, path: cleanPath(original.path) };
    const file = fileOf(input.files, finding);
    const line = file ? nearestShownLine(file, finding) : undefined;
    if (!file || line === undefined) {
      checks.outsideDiff++;
      return finding;
    }
    const path = finding.side === 'old' ? file.oldPath : file.newPath;
    if (line === finding.line) return checkRange({ ...finding, path }, file);
    checks.moved++;
    return { ...finding, path, line, startLine: undefined, suggestion: undefined };
  });
  const merged = mergeDuplicates(
    placed.map(({ suggestion, startLine, ...rest }) => ({ ...rest, ...(startLine !== undefined && { startLine }), ...(suggestion !== undefined && { suggestion }) })),
    checks,
  );
  // Every step spreads the finding it changes: the caller's extra fields (raisedBy) are still there.
  return { findings: merged.map((finding) => checkSuggestion(finding, input, checks)) as F[], checks };
}
