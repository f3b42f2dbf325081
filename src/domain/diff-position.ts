import type { Side } from './finding.js';

/** Where an inline comment anchors: `both` lines for an unchanged context line, one line for an added/removed one. */
export interface DiffPosition {
  oldLine?: number;
  newLine?: number;
}

interface DiffLine {
  kind: 'added' | 'removed' | 'context';
  oldLine?: number;
  newLine?: number;
}

const hunkHeader = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/;

/** Parses unified-diff hunks into the lines they show, numbered on each side. */
export function parseHunks(diff: string): DiffLine[] {
  const lines: DiffLine[] = [];
  let oldLine = 0;
  let newLine = 0;
  let inHunk = false;
  for (const text of diff.replace(/\n$/, '').split('\n')) {
    const header = hunkHeader.exec(text);
    if (header) {
      oldLine = Number(header[1]);
      newLine = Number(header[2]);
      inHunk = true;
      continue;
    }
    if (!inHunk || text.startsWith('\\')) continue;
    if (text.startsWith('+')) lines.push({ kind: 'added', newLine: newLine++ });
    else if (text.startsWith('-')) lines.push({ kind: 'removed', oldLine: oldLine++ });
    else if (text.startsWith(' ') || text === '') lines.push({ kind: 'context', oldLine: oldLine++, newLine: newLine++ });
  }
  return lines;
}

/**
 * The diff position of `line` on `side`, or undefined when the diff does not show that line
 * (GitLab and GitHub reject comments there).
 */
export function positionInDiff(diff: string, line: number, side: Side): DiffPosition | undefined {
  const match = parseHunks(diff).find((entry) => (side === 'new' ? entry.newLine : entry.oldLine) === line);
  if (!match) return undefined;
  if (match.kind === 'context') return { oldLine: match.oldLine!, newLine: match.newLine! };
  return match.kind === 'added' ? { newLine: match.newLine! } : { oldLine: match.oldLine! };
}
