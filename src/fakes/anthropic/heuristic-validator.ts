// The heuristic fake model answering as the validator (its request offers submit_verdicts): a finding is confirmed
// only when one of the precise rules of its category applies on its lines of the head file (for docs and tests, the
// declaration checks of heuristic-docs.ts and heuristic-tests.ts), else not confirmed with the reason. Like the reviewer brain it works from what a real model gets: the brief and what read_file returns.
import type { Category } from '../../domain/finding.js';
import type { OutlineLanguage } from './code-outline.js';
import { confirmDocs } from './heuristic-docs.js';
import { languageOf } from './heuristic-language.js';
import { unnumber } from './heuristic-reviewer.js';
import { taintedNames } from './heuristic-rules.js';
import { PRECISE_RULES } from './heuristic-specialist.js';
import { callPattern, testFilesCalling, untestedFunctionAt } from './heuristic-tests.js';
import { textOf, toolUse, type MessagesRequest, type ScriptedReply } from './messages.js';
import { toolNamesOf } from './specialist-brain.js';
import { outputOf, toolExchanges, type ToolExchange } from './tool-exchanges.js';

export const VALIDATOR_SUBMIT_TOOL = 'submit_verdicts';

/** One finding of the validator's brief: its id and what the runner's trusted header and its `at:` line say. */
export interface BriefItem {
  id: string;
  category: string;
  path: string;
  startLine: number;
  line: number;
  /** On a removed line: the head has no such line to check. */
  removed: boolean;
}

export function isValidatorRequest(request: MessagesRequest): boolean {
  return toolNamesOf(request).includes(VALIDATOR_SUBMIT_TOOL);
}

/** The findings of a validator brief (see src/agents/roles/validator/brief.ts): `## Finding F1: major, bug, line 12` then `at: path:3-12`. */
export function briefItems(brief: string): BriefItem[] {
  const headers = [...brief.matchAll(/^## Finding (F\d+): \w+, (\w+), line (\d+)$/gm)];
  return headers.flatMap((header, index) => {
    const end = headers[index + 1]?.index ?? brief.length;
    const section = brief.slice(header.index, end);
    const at = /^at: (.+):(\d+)(?:-(\d+))?( \(a line the change removed)?/m.exec(section);
    const [, id = '', category = '', line = '0'] = header;
    if (!at?.[1]) return [];
    const first = Number(at[2]);
    return [{ id, category, path: at[1], startLine: at[3] ? first : Number(line), line: at[3] ? Number(at[3]) : Number(line), removed: Boolean(at[4]) }];
  });
}

/** Head files the conversation read so far, by path (from its read_file calls and their results). */
function filesRead(exchanges: readonly ToolExchange[]): Map<string, string[]> {
  const files = new Map<string, string[]>();
  for (const exchange of exchanges) {
    if (exchange.name === 'read_file' && !exchange.isError && exchange.output !== undefined) files.set(String(exchange.input.path), unnumber(exchange.output));
  }
  return files;
}

/** What search_code returned for a pattern, when the conversation searched for it. */
type Searched = (pattern: string) => string | undefined;

/** The checks that read more than the finding's own lines: a docs claim against its declaration, a function's tests. */
function judgeDeclaration(item: BriefItem, lines: readonly string[], language: OutlineLanguage, searched: Searched): { verdict: 'confirmed' | 'not-confirmed'; reason: string } | undefined {
  if (item.category === 'docs') {
    const why = confirmDocs(lines, language, item.startLine, item.line);
    return why ? { verdict: 'confirmed', reason: `${item.path}:${item.line} shows it: ${why}.` } : undefined;
  }
  const name = item.category === 'tests' ? untestedFunctionAt(item.path, lines, language, item.startLine, item.line) : undefined;
  const output = name === undefined ? undefined : searched(callPattern(name));
  if (name === undefined || output === undefined) return undefined;
  const callers = testFilesCalling(output);
  if (callers.length === 0) return { verdict: 'confirmed', reason: `${item.path}:${item.line} is in \`${name}\`, and no test file calls \`${callPattern(name)}\` (search_code).` };
  return { verdict: 'not-confirmed', reason: `\`${name}\` is exercised by ${callers.slice(0, 3).join(', ')}: the change is covered by a test.` };
}

/** The verdict on one finding: which rule confirms it at which line, or why nothing does. */
export function judge(item: BriefItem, lines: readonly string[] | undefined, searched: Searched = () => undefined): { verdict: 'confirmed' | 'not-confirmed'; reason: string } {
  if (item.removed) return { verdict: 'not-confirmed', reason: `${item.path}:${item.line} is a line the change removed: there is nothing at the head to confirm.` };
  if (!lines || lines.length === 0) return { verdict: 'not-confirmed', reason: `${item.path} could not be read at the head.` };
  const language = languageOf(item.path);
  const tainted = taintedNames(lines);
  for (let lineNumber = item.startLine; lineNumber <= item.line; lineNumber++) {
    const text = lines[lineNumber - 1];
    if (text === undefined || /^\s*(\/\/|#|\*|\/\*)/.test(text)) continue;
    const rule = PRECISE_RULES.find((candidate) => candidate.category === (item.category as Category) && candidate.applies({ lines, lineNumber, text, language, tainted }));
    if (rule) return { verdict: 'confirmed', reason: `${item.path}:${lineNumber} shows it: ${rule.title.toLowerCase()} (rule ${rule.id}).` };
  }
  const declared = language === 'other' ? undefined : judgeDeclaration(item, lines, language, searched);
  if (declared) return declared;
  const shown = lines[item.line - 1]?.trim().slice(0, 80) ?? '(past the end of the file)';
  return { verdict: 'not-confirmed', reason: `${item.path}:${item.line} (\`${shown}\`) does not show a ${item.category} problem: no precise rule applies to its lines.` };
}

/** The searches a tests finding on a source file needs before it can be judged (the function's calls in tests). */
function searchesWanted(items: readonly BriefItem[], read: ReadonlyMap<string, string[]>): string[] {
  const patterns = items.flatMap((item) => {
    const lines = read.get(item.path);
    const language = languageOf(item.path);
    if (item.category !== 'tests' || item.removed || !lines || language === 'other') return [];
    const name = untestedFunctionAt(item.path, lines, language, item.startLine, item.line);
    return name === undefined ? [] : [callPattern(name)];
  });
  return [...new Set(patterns)];
}

/**
 * The validator's brain: turn 1 reads every file the findings point at (head side); when a tests finding says a
 * function has no test, turn 2 searches for its calls; the last turn submits one verdict per finding of the brief.
 */
export function heuristicValidator(request: MessagesRequest): ScriptedReply {
  const items = briefItems(textOf(request.messages[0]?.content ?? ''));
  const exchanges = toolExchanges(request);
  const read = filesRead(exchanges);
  const firstTurn = !request.messages.some((message) => message.role === 'assistant');
  const wanted = [...new Set(items.filter((item) => !item.removed).map((item) => item.path))];
  if (firstTurn && wanted.length > 0) return { content: wanted.map((path) => toolUse('read_file', { path })), stop_reason: 'tool_use' };
  const searches = searchesWanted(items, read);
  if (searches.length > 0 && !exchanges.some((exchange) => exchange.name === 'search_code')) return { content: searches.map((pattern) => toolUse('search_code', { pattern })), stop_reason: 'tool_use' };
  const searched: Searched = (pattern) => outputOf(exchanges, 'search_code', 'pattern', pattern);
  const verdicts = items.map((item) => ({ id: item.id, ...judge(item, read.get(item.path), searched) }));
  return { content: [toolUse(VALIDATOR_SUBMIT_TOOL, { verdicts })], stop_reason: 'tool_use' };
}
