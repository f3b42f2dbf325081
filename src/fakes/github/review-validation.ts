import { parseHunks, positionInDiff } from '../../domain/diff-position.js';
import type { PullFile, ReviewCommentPlacement } from './state.js';

export type ReviewCommentInput = ReviewCommentPlacement;

const sideOf = (value: unknown): 'LEFT' | 'RIGHT' | undefined => (value === 'LEFT' || value === 'RIGHT' ? value : undefined);
const positive = (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value > 0;

/** The hunk text up to and including `line` on `side`, as GitHub's `diff_hunk`. */
function diffHunk(patch: string, line: number, side: 'LEFT' | 'RIGHT'): string {
  const rows = patch.split('\n');
  const parsed = parseHunks(patch);
  let index = 0;
  let start = 0;
  for (let row = 0; row < rows.length; row++) {
    const text = rows[row] ?? '';
    if (text.startsWith('@@')) {
      start = row;
      continue;
    }
    if (text.startsWith('\\')) continue;
    const entry = parsed[index++];
    if (entry && (side === 'RIGHT' ? entry.newLine : entry.oldLine) === line) return rows.slice(start, row + 1).join('\n');
  }
  return rows[0] ?? '';
}

/**
 * Checks one review comment the way GitHub does: the file is in the pull request's diff, `line` (and `start_line`,
 * which must come before it) is a line the diff shows on its side. Returns the comment, or GitHub's 422 error text.
 */
export function validateReviewComment(raw: Record<string, unknown>, files: PullFile[]): ReviewCommentInput | string {
  if (typeof raw.path !== 'string' || typeof raw.body !== 'string' || raw.body === '') return 'path and body are required';
  if (!positive(raw.line)) return raw.position !== undefined ? 'position is not supported by this fake: use line and side' : 'line is required';
  const side = sideOf(raw.side ?? 'RIGHT');
  const startSide = raw.start_line === undefined ? null : (sideOf(raw.start_side ?? side) ?? null);
  if (!side || (raw.start_line !== undefined && !startSide)) return 'side must be LEFT or RIGHT';
  const file = files.find((candidate) => candidate.filename === raw.path);
  if (!file?.patch) return 'Path could not be resolved';
  const line = raw.line as number;
  if (!positionInDiff(file.patch, line, side === 'RIGHT' ? 'new' : 'old')) return 'Line could not be resolved';
  if (raw.start_line !== undefined) {
    if (!positive(raw.start_line) || (startSide === side && (raw.start_line as number) >= line)) return 'start_line must precede line';
    if (!positionInDiff(file.patch, raw.start_line as number, startSide === 'RIGHT' ? 'new' : 'old')) return 'Start line could not be resolved';
  }
  return {
    path: raw.path,
    body: raw.body,
    line,
    side,
    startLine: raw.start_line === undefined ? null : (raw.start_line as number),
    startSide,
    diffHunk: diffHunk(file.patch, line, side),
  };
}
