import { stat } from 'node:fs/promises';
import { confinedPath, ToolInputError } from '../../confined-path.js';
import { readLineRange } from '../../line-range.js';

/** Lines shown in the brief at most (the model reads more with read_file). */
const MAX_SHOWN_LINES = 200;
const MAX_SHOWN_CHARS = 40_000;
const MAX_FILE_BYTES = 5_000_000;

/** Lines of a file at the head as the brief shows them, numbered; or why they could not be read. */
export type HeadLines =
  | { kind: 'lines'; numbered: string[]; total: number; end: number }
  | { kind: 'missing'; why: string };

/**
 * Lines `start`..`end` of `path` in the checkout (at most MAX_SHOWN_LINES of them), for the brief: the model sees
 * the code it is asked about without spending a turn. A path that leaves the checkout, a missing file or lines past
 * its end are said, not thrown: the model answers that.
 */
export async function readHeadLines(repoDir: string, path: string, start: number, end: number): Promise<HeadLines> {
  try {
    const real = await confinedPath(repoDir, path);
    const info = await stat(real);
    if (!info.isFile()) return { kind: 'missing', why: 'it is not a file at the head' };
    if (info.size > MAX_FILE_BYTES) return { kind: 'missing', why: `the file is ${info.size} bytes: read the lines with read_file` };
    const last = Math.min(Math.max(end, start), start + MAX_SHOWN_LINES - 1);
    const range = await readLineRange(real, { start, end: last, maxLineChars: 2_000, maxChars: MAX_SHOWN_CHARS });
    if (start > range.total) return { kind: 'missing', why: `the file has ${range.total} lines at the head` };
    return { kind: 'lines', numbered: range.numbered, total: range.total, end: start + range.numbered.length - 1 };
  } catch (error) {
    if (error instanceof ToolInputError) return { kind: 'missing', why: error.message };
    throw error;
  }
}
