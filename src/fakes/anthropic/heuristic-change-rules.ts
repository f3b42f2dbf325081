// The docs and tests specialists' rules that look at the change as a whole rather than one added line: a doc comment
// the change left behind, a new export without docs (heuristic-docs.ts), a changed public function no test calls
// (heuristic-tests.ts). The tests specialist first lists the repository and searches for the functions' calls.
import type { Finding } from '../../domain/finding.js';
import { docsFindings } from './heuristic-docs.js';
import { languageOf } from './heuristic-language.js';
import { callPattern, changedFunctions, isSourcePath, isTestPath, testFilesCalling, untestedFinding } from './heuristic-tests.js';
import { toolUse, type ContentBlock } from './messages.js';
import { outputOf, type ToolExchange } from './tool-exchanges.js';

/** Calls per search turn (a model would not search for dozens of names either). */
const MAX_SEARCHES = 10;

/** What a specialist asks for on its first turn besides reading the changed files. */
export function firstTurnExtras(specialist: string | undefined): ContentBlock[] {
  return specialist === 'tests' ? [toolUse('list_files', { directory: '.' })] : [];
}

/** Findings of the change-level rules, or the tool calls still needed before they can be decided. */
export type ChangeRuleStep = { findings: Finding[] } | { calls: ContentBlock[] };

function docsStep(files: ReadonlyMap<string, readonly string[]>, added: ReadonlyMap<string, ReadonlySet<number>>): ChangeRuleStep {
  const findings = [...files].flatMap(([path, lines]) => {
    const language = languageOf(path);
    return language === 'other' || !isSourcePath(path) ? [] : docsFindings(path, lines, language, added.get(path) ?? new Set());
  });
  return { findings };
}

function testsStep(files: ReadonlyMap<string, readonly string[]>, added: ReadonlyMap<string, ReadonlySet<number>>, exchanges: readonly ToolExchange[]): ChangeRuleStep {
  const listing = outputOf(exchanges, 'list_files', 'directory', '.') ?? '';
  const testFiles = listing.split('\n').map((line) => line.trim()).filter(isTestPath);
  // A project without tests gets no "add a test" finding per change: that is a conversation, not a review comment.
  if (testFiles.length === 0) return { findings: [] };
  const changed = [...files].flatMap(([path, lines]) => {
    const language = languageOf(path);
    return language === 'other' ? [] : changedFunctions(path, lines, language, added.get(path) ?? new Set());
  });
  const searched = exchanges.filter((exchange) => exchange.name === 'search_code');
  if (searched.length === 0 && changed.length > 0) {
    const names = [...new Set(changed.map((entry) => entry.name))].slice(0, MAX_SEARCHES);
    return { calls: names.map((name) => toolUse('search_code', { pattern: callPattern(name) })) };
  }
  const findings = changed.flatMap((entry) => {
    const output = outputOf(exchanges, 'search_code', 'pattern', callPattern(entry.name));
    return output !== undefined && testFilesCalling(output).length === 0 ? [untestedFinding(entry, testFiles)] : [];
  });
  return { findings };
}

/** The specialist's change-level step (none for the other specialists and the single reviewer). */
export function changeRuleStep(specialist: string | undefined, files: ReadonlyMap<string, readonly string[]>, added: ReadonlyMap<string, ReadonlySet<number>>, exchanges: readonly ToolExchange[]): ChangeRuleStep {
  if (specialist === 'docs') return docsStep(files, added);
  if (specialist === 'tests') return testsStep(files, added, exchanges);
  return { findings: [] };
}
