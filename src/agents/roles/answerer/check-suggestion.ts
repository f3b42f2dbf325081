import { readFile, realpath, stat, writeFile } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import type { CheckedSuggestion } from '../../../domain/agent-task.js';
import { confinedPath, ToolInputError } from '../../confined-path.js';
import { gitInCheckout } from './check-patch.js';
import type { SubmittedSuggestion } from './role.js';

/** A file a one-line suggestion is made on is source code, not data: larger ones are not checked (nor suggested on). */
const MAX_FILE_BYTES = 2_000_000;
const BINARY_PROBE_BYTES = 8_000;

/** What became of a suggestion: kept as it is, shown as a patch instead (with why), or left out (with why). */
export type SuggestionCheck =
  | { kind: 'kept'; suggestion: CheckedSuggestion }
  | { kind: 'as-patch'; patch: string; why: string }
  | { kind: 'dropped'; why: string };

/** A path from model output, fit to quote in a sentence. */
export function quotedPath(path: string): string {
  return `\`${path.replace(/[`\s]+/g, ' ').slice(0, 200)}\``;
}

/** The replacement as lines of text: CRLF as LF, one trailing newline ignored (the lines' own end is the file's). */
export function normalizedReplacement(text: string): string {
  const lf = text.replace(/\r\n/g, '\n');
  return lf.endsWith('\n') ? lf.slice(0, -1) : lf;
}

/** The file's lines (split on LF, a CR kept on its line) and how many there are (a last line without LF counts). */
function linesOf(text: string): { parts: string[]; total: number } {
  const parts = text.split('\n');
  return { parts, total: text === '' ? 0 : text.endsWith('\n') ? parts.length - 1 : parts.length };
}

/** The file with lines start..end replaced, each new line ending as the replaced ones did (CRLF files stay CRLF). */
function replaced(parts: readonly string[], start: number, end: number, replacement: string): string {
  const cr = parts[start - 1]?.endsWith('\r') ? '\r' : '';
  const lines = replacement === '' ? [] : replacement.split('\n').map((line) => `${line}${cr}`);
  return [...parts.slice(0, start - 1), ...lines, ...parts.slice(end)].join('\n');
}

/**
 * The replacement as a unified diff against the head, made by git: the file is written with it, diffed, and put back
 * as it was (the checkout is the runner's own, and nothing else runs in it once the loop has ended).
 */
async function patchOf(repoDir: string, real: string, path: string, original: Buffer, text: string): Promise<string> {
  try {
    await writeFile(real, text);
    return await gitInCheckout(repoDir, ['diff', '--no-color', '--no-ext-diff', '--no-textconv', '--src-prefix=a/', '--dst-prefix=b/', 'HEAD', '--', path]);
  } finally {
    await writeFile(real, original);
  }
}

/**
 * Checks a suggestion against the checkout at the head: the path must be a text file of the repository (confined to
 * the checkout), the lines must exist, and the replacement must change them. A replacement holding a Markdown code
 * fence cannot be a one-click suggestion (it would close the suggestion's own fence): it becomes a patch.
 */
export async function checkSuggestion(repoDir: string, submitted: SubmittedSuggestion): Promise<SuggestionCheck> {
  const named = quotedPath(submitted.path);
  let real: string;
  try {
    real = await confinedPath(repoDir, submitted.path);
  } catch (error) {
    if (error instanceof ToolInputError) return { kind: 'dropped', why: `${named} is not a file of the repository at the head (${error.message.replace(/:.*$/s, '')})` };
    throw error;
  }
  const root = await realpath(repoDir);
  const info = await stat(real);
  if (!info.isFile()) return { kind: 'dropped', why: `${named} is not a file at the head` };
  if (info.size > MAX_FILE_BYTES) return { kind: 'dropped', why: `${named} is ${info.size} bytes, too large for a suggestion` };
  const original = await readFile(real);
  if (original.subarray(0, BINARY_PROBE_BYTES).includes(0)) return { kind: 'dropped', why: `${named} is a binary file` };
  const { parts, total } = linesOf(original.toString('utf8'));
  const { start_line: start, end_line: end } = submitted;
  const span = start === end ? `line ${start}` : `lines ${start}–${end}`;
  if (end > total) return { kind: 'dropped', why: `${named} has ${total} lines at the head, so ${span} do${start === end ? 'es' : ''} not exist there` };
  const replacement = normalizedReplacement(submitted.replacement);
  const current = parts.slice(start - 1, end).map((line) => line.replace(/\r$/, '')).join('\n');
  if (replacement === current) return { kind: 'dropped', why: `it is the same as ${span} of ${named} at the head: it changes nothing` };
  const path = relative(root, real).split(sep).join('/');
  if (replacement.includes('```')) {
    const patch = await patchOf(repoDir, real, path, original, replaced(parts, start, end, replacement));
    return { kind: 'as-patch', patch, why: 'its text holds a Markdown code fence (three backticks), which a one-click suggestion cannot carry' };
  }
  return { kind: 'kept', suggestion: { path, startLine: start, endLine: end, replacement } };
}
