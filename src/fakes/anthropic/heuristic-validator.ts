// The heuristic fake model answering as the validator (its request offers submit_verdicts): a finding is confirmed
// only when one of the precise rules of its category applies on its lines of the head file, else not confirmed with
// the reason. Like the reviewer brain it works from what a real model gets: the brief and what read_file returns.
import type { Category } from '../../domain/finding.js';
import { languageOf, unnumber } from './heuristic-reviewer.js';
import { taintedNames } from './heuristic-rules.js';
import { PRECISE_RULES } from './heuristic-specialist.js';
import { textOf, toolResultsOf, toolUse, type MessagesRequest, type ScriptedReply } from './messages.js';
import { toolNamesOf } from './specialist-brain.js';

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
function filesRead(request: MessagesRequest): Map<string, string[]> {
  const asked = new Map<string, string>();
  for (const message of request.messages.filter((entry) => entry.role === 'assistant')) {
    if (typeof message.content === 'string') continue;
    for (const block of message.content) if (block.type === 'tool_use' && block.name === 'read_file') asked.set(String(block.id), String((block.input as { path?: unknown }).path));
  }
  const files = new Map<string, string[]>();
  for (const message of request.messages.filter((entry) => entry.role === 'user')) {
    for (const result of toolResultsOf(message)) {
      const path = asked.get(result.id);
      if (path && !result.isError) files.set(path, unnumber(result.content));
    }
  }
  return files;
}

/** The verdict on one finding: which rule confirms it at which line, or why nothing does. */
export function judge(item: BriefItem, lines: readonly string[] | undefined): { verdict: 'confirmed' | 'not-confirmed'; reason: string } {
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
  const shown = lines[item.line - 1]?.trim().slice(0, 80) ?? '(past the end of the file)';
  return { verdict: 'not-confirmed', reason: `${item.path}:${item.line} (\`${shown}\`) does not show a ${item.category} problem: no precise rule applies to its lines.` };
}

/**
 * The validator's brain: turn 1 reads every file the findings point at (head side), turn 2 submits one verdict per
 * finding of the brief.
 */
export function heuristicValidator(request: MessagesRequest): ScriptedReply {
  const items = briefItems(textOf(request.messages[0]?.content ?? ''));
  const read = filesRead(request);
  const firstTurn = !request.messages.some((message) => message.role === 'assistant');
  const wanted = [...new Set(items.filter((item) => !item.removed).map((item) => item.path))];
  if (firstTurn && wanted.length > 0) return { content: wanted.map((path) => toolUse('read_file', { path })), stop_reason: 'tool_use' };
  const verdicts = items.map((item) => ({ id: item.id, ...judge(item, read.get(item.path)) }));
  return { content: [toolUse(VALIDATOR_SUBMIT_TOOL, { verdicts })], stop_reason: 'tool_use' };
}
