import type { NotePlace } from './change-command.js';

/** Lines of one file (1-based, inclusive), as the answerer's question names them. */
export interface LineTarget {
  path: string;
  startLine: number;
  endLine: number;
}

/** The most lines one target may span (a question about more is a question about the file). */
export const MAX_TARGET_LINES = 2_000;
const MAX_LINE = 10_000_000;

/**
 * `path:line` or `path:line-line` as the first word, optionally in backticks (`src/app.ts:10-20`). The path is the
 * longest run before the last `:line`, so a path with a colon still parses. Not a relative path in the repository
 * (absolute, `..`, a URL): no target.
 */
const TARGET = /^\s*(`?)(\S+?):(\d{1,8})(?:-(\d{1,8}))?\1(?=\s|$)/;

function isRepositoryPath(path: string): boolean {
  if (path.length > 1_000 || path.startsWith('/') || path.includes('\\') || /^[a-z][a-z0-9+.-]*:\/\//i.test(path)) return false;
  return path.split('/').every((segment) => segment !== '..' && segment !== '');
}

/** A span from its two ends in either order, or undefined when a line is out of range or it spans too many lines. */
function span(path: string, first: number, last: number): LineTarget | undefined {
  const [startLine, endLine] = first <= last ? [first, last] : [last, first];
  if (startLine < 1 || endLine > MAX_LINE || endLine - startLine + 1 > MAX_TARGET_LINES) return undefined;
  return { path, startLine, endLine };
}

/**
 * The lines a command's argument names at its start (`src/app.ts:10-20 why a Map?`), and the rest of the argument (the
 * question); undefined when it does not start with a target. The argument is untrusted: only a well-formed relative
 * path with sane line numbers is taken.
 */
export function parseLineTarget(argument: string): { target: LineTarget; rest: string } | undefined {
  const match = TARGET.exec(argument);
  if (!match) return undefined;
  const [whole, , rawPath = '', start = '', end] = match;
  const path = rawPath.replace(/^(?:\.\/)+/, '');
  if (!isRepositoryPath(path)) return undefined;
  const target = span(path, Number(start), Number(end ?? start));
  return target && { target, rest: argument.slice(whole.length).trim() };
}

/** The lines a diff note is on (`startLine ?? line` .. `line`), or undefined for a note that is not on diff lines. */
export function noteTarget(place: NotePlace): LineTarget | undefined {
  if (place.kind !== 'diff' || place.line === undefined) return undefined;
  return span(place.path, place.startLine ?? place.line, place.line);
}

/** `src/app.ts:10-20`, or `src/app.ts:10` for one line. */
export function formatLineTarget(target: LineTarget): string {
  const lines = target.startLine === target.endLine ? `${target.startLine}` : `${target.startLine}-${target.endLine}`;
  return `${target.path}:${lines}`;
}
