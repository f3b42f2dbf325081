// The declarations of one source file as the heuristic fake model sees them (functions, methods, classes, with their
// doc comments and body ranges): what the docs and tests rules reason about. Line-based and forgiving — good enough
// for small, conventionally formatted files, not a parser.
import type { RuleContext } from './heuristic-rules.js';

export type OutlineLanguage = Exclude<RuleContext['language'], 'other'>;

export interface Declaration {
  name: string;
  kind: 'function' | 'class';
  /** 1-based line of the signature. */
  header: number;
  /** Last line of the body (the header itself for a one-line arrow function). */
  end: number;
  /** Lines of its doc comment (above it; a Python docstring below the signature). Empty: undocumented. */
  docLines: number[];
  /** Part of the module's public surface (exported, capitalised, public, no leading underscore). */
  exported: boolean;
  /** At the file's top level (not a method). */
  topLevel: boolean;
}

const COMMENT = /^\s*(\/\/|\/\*|\*|#(?!\[))/;
const CONTROL_WORDS = new Set(['if', 'for', 'while', 'switch', 'catch', 'function', 'return', 'constructor']);

interface HeaderMatch {
  name: string;
  kind: Declaration['kind'];
  exported: boolean;
}

const indentOf = (line: string) => /^\s*/.exec(line)?.[0].length ?? 0;

function typescriptHeader(line: string): HeaderMatch | undefined {
  const fn = /^\s*(export\s+)?(?:default\s+)?(?:async\s+)?function\s*\*?\s*(\w+)\s*[(<]/.exec(line);
  if (fn) return { name: fn[2] ?? '', kind: 'function', exported: Boolean(fn[1]) };
  const arrow = /^\s*(export\s+)?(?:const|let)\s+(\w+)\s*(?::[^=]+)?=\s*(?:async\s+)?(?:\([^)]*\)|\w+)\s*(?::[^=]+)?=>/.exec(line);
  if (arrow) return { name: arrow[2] ?? '', kind: 'function', exported: Boolean(arrow[1]) };
  const cls = /^\s*(export\s+)?(?:default\s+)?(?:abstract\s+)?class\s+(\w+)/.exec(line);
  if (cls) return { name: cls[2] ?? '', kind: 'class', exported: Boolean(cls[1]) };
  const method = /^\s+((?:(?:public|private|protected|static|readonly|async|override)\s+)*)(#?\w+)\s*\([^)]*\)\s*(?::\s*[^{]+)?\{\s*$/.exec(line);
  if (method && !CONTROL_WORDS.has(method[2] ?? '')) {
    const name = method[2] ?? '';
    return { name, kind: 'function', exported: !/private|protected/.test(method[1] ?? '') && !/^[#_]/.test(name) };
  }
  return undefined;
}

function pythonHeader(line: string): HeaderMatch | undefined {
  const match = /^\s*(?:async\s+)?(def|class)\s+(\w+)/.exec(line);
  if (!match) return undefined;
  const name = match[2] ?? '';
  return { name, kind: match[1] === 'class' ? 'class' : 'function', exported: !name.startsWith('_') };
}

function goHeader(line: string): HeaderMatch | undefined {
  const fn = /^func\s+(?:\([^)]*\)\s*)?(\w+)\s*[([]/.exec(line);
  if (fn) return { name: fn[1] ?? '', kind: 'function', exported: /^[A-Z]/.test(fn[1] ?? '') };
  const type = /^type\s+(\w+)\s+struct\b/.exec(line);
  if (type) return { name: type[1] ?? '', kind: 'class', exported: /^[A-Z]/.test(type[1] ?? '') };
  return undefined;
}

function phpHeader(line: string): HeaderMatch | undefined {
  const fn = /^\s*((?:(?:public|private|protected|static|final|abstract)\s+)*)function\s+(\w+)\s*\(/.exec(line);
  if (fn) return { name: fn[2] ?? '', kind: 'function', exported: !/private|protected/.test(fn[1] ?? '') && !(fn[2] ?? '').startsWith('__') };
  const cls = /^\s*(?:final\s+|abstract\s+)?class\s+(\w+)/.exec(line);
  if (cls) return { name: cls[1] ?? '', kind: 'class', exported: true };
  return undefined;
}

const HEADERS: Record<OutlineLanguage, (line: string) => HeaderMatch | undefined> = { typescript: typescriptHeader, python: pythonHeader, go: goHeader, php: phpHeader };

/** Braces outside string literals and line comments. */
function braces(line: string): { open: number; close: number } {
  const code = line.replace(/(["'`])(?:\\.|(?!\1).)*\1/g, '""').replace(/\/\/.*$/, '');
  return { open: (code.match(/\{/g) ?? []).length, close: (code.match(/\}/g) ?? []).length };
}

/** The last line of a brace-delimited body starting at `header` (0-based index), or the header for a one-liner. */
function braceEnd(lines: readonly string[], header: number): number {
  let depth = 0;
  let opened = false;
  for (let index = header; index < Math.min(lines.length, header + 400); index++) {
    const { open, close } = braces(lines[index] ?? '');
    depth += open - close;
    opened ||= open > 0;
    if (opened && depth <= 0) return index;
    if (!opened && /;\s*$/.test(lines[index] ?? '')) return index;
  }
  return lines.length - 1;
}

/** The last line of an indented Python body: before the next non-blank line indented no deeper than the header. */
function indentEnd(lines: readonly string[], header: number): number {
  const own = indentOf(lines[header] ?? '');
  let last = header;
  for (let index = header + 1; index < lines.length; index++) {
    const line = lines[index] ?? '';
    if (line.trim() === '') continue;
    if (indentOf(line) <= own) break;
    last = index;
  }
  return last;
}

/** Comment lines right above a declaration (decorators and attributes skipped), 0-based. */
function commentAbove(lines: readonly string[], header: number): number[] {
  let index = header - 1;
  while (index >= 0 && /^\s*(@|#\[)/.test(lines[index] ?? '')) index--;
  const found: number[] = [];
  while (index >= 0 && COMMENT.test(lines[index] ?? '')) found.unshift(index--);
  return found;
}

/** A Python docstring: the first statement of the body when it is a string literal, 0-based. */
function docstring(lines: readonly string[], header: number, end: number): number[] {
  let index = header + 1;
  while (index <= end && (lines[index] ?? '').trim() === '') index++;
  const first = (lines[index] ?? '').trim();
  const quote = /^[rubf]*("""|''')/i.exec(first)?.[1];
  if (!quote) return [];
  const found = [index];
  if (first.indexOf(quote, first.indexOf(quote) + 3) >= 0) return found;
  for (let next = index + 1; next <= end; next++) {
    found.push(next);
    if ((lines[next] ?? '').includes(quote)) break;
  }
  return found;
}

/** The file's functions, methods and classes, in order. */
export function outline(lines: readonly string[], language: OutlineLanguage): Declaration[] {
  const header = HEADERS[language];
  const declarations: Declaration[] = [];
  lines.forEach((line, index) => {
    if (COMMENT.test(line)) return;
    const match = header(line);
    if (!match || match.name === '') return;
    const end = language === 'python' ? indentEnd(lines, index) : braceEnd(lines, index);
    const docs = [...commentAbove(lines, index), ...(language === 'python' ? docstring(lines, index, end) : [])];
    declarations.push({ ...match, header: index + 1, end: end + 1, docLines: docs.map((doc) => doc + 1), topLevel: indentOf(line) === 0 });
  });
  // A function declared inside another is a local helper, whatever its name says.
  return declarations.map((entry) =>
    declarations.some((outer) => outer.kind === 'function' && outer.header < entry.header && entry.end <= outer.end) ? { ...entry, exported: false } : entry);
}

/** The code lines of a declaration's body (not its header, doc comment, comments or blank lines), 1-based. */
export function bodyCodeLines(lines: readonly string[], declaration: Declaration): number[] {
  const docs = new Set(declaration.docLines);
  const found: number[] = [];
  for (let line = declaration.header + 1; line <= declaration.end; line++) {
    const text = lines[line - 1] ?? '';
    if (!docs.has(line) && text.trim() !== '' && !COMMENT.test(text)) found.push(line);
  }
  return found;
}

/** The innermost function whose header or body holds `line`. */
export function functionAt(declarations: readonly Declaration[], line: number): Declaration | undefined {
  return declarations.filter((entry) => entry.kind === 'function' && entry.header <= line && line <= entry.end).at(-1);
}
