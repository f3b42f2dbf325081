// A deterministic, rule-based stand-in for the model (the evaluation harness's CI reviewer). It works only from what
// a real model is given — the brief's diff and what its tool calls return — never from a case's expected answers.
import { parseHunks } from '../../domain/diff-position.js';
import type { Finding } from '../../domain/finding.js';
import { HEURISTIC_RULES, taintedNames } from './heuristic-rules.js';
import { specialistRules, type SuggestingRule } from './heuristic-specialist.js';
import { heuristicValidator, isValidatorRequest } from './heuristic-validator.js';
import { firstTurnExtras, changeRuleStep } from './heuristic-change-rules.js';
import { languageOf } from './heuristic-language.js';
import { textOf, toolUse, type MessagesRequest, type ScriptedReply } from './messages.js';
import { specialistOf } from './specialist-brain.js';
import { toolExchanges } from './tool-exchanges.js';

const MAX_FILES_READ = 20;

/** Changed files of a unified diff and the head-side line numbers each one adds. */
export function addedLines(diff: string): Map<string, Set<number>> {
  const files = new Map<string, Set<number>>();
  for (const section of diff.split(/^(?=diff --git )/m)) {
    const path = /^\+\+\+ b\/(.+)$/m.exec(section)?.[1];
    const start = section.search(/^@@ /m);
    if (!path || start < 0) continue;
    const added = new Set(parseHunks(section.slice(start)).flatMap((line) => (line.kind === 'added' && line.newLine !== undefined ? [line.newLine] : [])));
    files.set(path, added);
  }
  return files;
}

export { languageOf } from './heuristic-language.js';

/** The file text back from read_file's numbered output (`   12  text`). */
export function unnumber(output: string): string[] {
  return output.split('\n').flatMap((line) => {
    const match = /^\s*(\d+) {2}(.*)$/.exec(line);
    return match ? [match[2] ?? ''] : [];
  });
}

/** Findings of the rules on the added lines of one head file (one per line: the first rule that applies). */
export function heuristicFindings(path: string, lines: readonly string[], added: ReadonlySet<number>, rules: readonly SuggestingRule[] = HEURISTIC_RULES): Finding[] {
  const language = languageOf(path);
  if (language === 'other') return [];
  const tainted = taintedNames(lines);
  const findings: Finding[] = [];
  for (const lineNumber of [...added].sort((a, b) => a - b)) {
    const text = lines[lineNumber - 1];
    if (text === undefined || /^\s*(\/\/|#|\*|\/\*)/.test(text)) continue;
    const context = { lines, lineNumber, text, language, tainted };
    const rule = rules.find((candidate) => candidate.applies(context));
    if (!rule) continue;
    const suggestion = rule.suggest?.(context);
    const { severity, category, confidence, body } = rule;
    // The code in the title tells two occurrences in one file apart (findings are deduplicated by path + category + title).
    const title = `${rule.title}: \`${text.trim().slice(0, 80)}\``.slice(0, 200);
    findings.push({ path, line: lineNumber, side: 'new', severity, category, confidence, title, body, ...(suggestion !== undefined ? { suggestion } : {}) });
  }
  return findings;
}

/**
 * The brain for the fake Anthropic server: turn 1 reads each changed file through `read_file` (as a model would, to
 * see the code around the diff); the last turn submits the rules' findings on the added lines. Stateless: everything
 * comes from the request, so it serves any number of reviews. A specialist's conversation (its focus block names it)
 * applies that specialist's rules (heuristic-specialist.ts), and the docs and tests specialists their change-level
 * rules too (heuristic-change-rules.ts: the tests specialist lists the repository on turn 1 and searches for the
 * changed functions' calls on turn 2); the validator's is answered by heuristic-validator.ts.
 */
export function heuristicReviewer(request: MessagesRequest): ScriptedReply {
  if (isValidatorRequest(request)) return heuristicValidator(request);
  const specialist = specialistOf(request);
  const rules = specialist === undefined ? HEURISTIC_RULES : specialistRules(specialist);
  const added = addedLines(textOf(request.messages[0]?.content ?? ''));
  const exchanges = toolExchanges(request);
  if (!request.messages.some((message) => message.role === 'assistant')) {
    const paths = [...added.keys()].slice(0, MAX_FILES_READ);
    if (paths.length > 0) return { content: [...paths.map((path) => toolUse('read_file', { path })), ...firstTurnExtras(specialist)], stop_reason: 'tool_use' };
  }
  const files = new Map<string, string[]>();
  for (const exchange of exchanges) {
    const path = exchange.name === 'read_file' && !exchange.isError && exchange.output !== undefined ? String(exchange.input.path) : undefined;
    const lines = path ? unnumber(exchange.output ?? '') : [];
    if (path && lines.length > 0) files.set(path, lines);
  }
  const step = changeRuleStep(specialist, files, added, exchanges);
  if ('calls' in step) return { content: step.calls, stop_reason: 'tool_use' };
  const findings = [...[...files].flatMap(([path, lines]) => heuristicFindings(path, lines, added.get(path) ?? new Set(), rules)), ...step.findings];
  const summary = findings.length === 0
    ? 'Heuristic reviewer: no rule matched the added lines.'
    : `Heuristic reviewer: ${findings.length} rule match(es) on the added lines (rule-based, no model involved).`;
  return { content: [toolUse('submit_review', { summary, findings })], stop_reason: 'tool_use' };
}
