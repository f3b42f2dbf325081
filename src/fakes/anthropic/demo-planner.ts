import { fencedData } from './demo-answerer.js';
import { text, textOf, toolResultsOf, toolUse, type MessagesRequest, type ScriptedReply } from './messages.js';

const DEMO_NOTE = '(Scripted demo planner, no model involved: configure ANTHROPIC_API_KEY for a real plan.)';

/** Words that say nothing about what to build (headings, placeholders). */
const EMPTY_WORDS = new Set(['summary', 'description', 'acceptance', 'criteria', 'none', 'tbd', 'todo', 'the', 'and', 'for', 'from', 'field', 'section', 'checklist', 'links', 'attachments', 'ticket']);
const CODE = /\.(ts|tsx|js|jsx|mjs|cjs|py|go|rb|java|kt|rs|php|cs)$/;
const TEST = /(^|\/)(test|tests|__tests__|spec)\/|[._-](test|spec)\.[^/]+$/;

/** The words of the requirements that say something (heading lines and placeholders left out). */
export function concreteWords(requirements: string): string[] {
  return requirements
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join(' ')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length >= 3 && !EMPTY_WORDS.has(word) && !/^[a-z]+\d+$/.test(word));
}

const plain = (value: string, max = 120) => value.replace(/[`\r\n]+/g, ' ').trim().slice(0, max);
const stem = (path: string) => (path.split('/').at(-1) ?? path).replace(/\..*$/, '');

/** The source file the requirements point at (its name among their words), else the first code file under src/. */
function sourceFile(paths: readonly string[], words: readonly string[]): string | undefined {
  const sources = paths.filter((path) => CODE.test(path) && !TEST.test(path));
  const named = sources.find((path) => words.includes(stem(path).toLowerCase()));
  return named ?? sources.find((path) => path.startsWith('src/')) ?? sources[0];
}

/** The test of `source`: an existing one named after it (modify), else a new one under test/ (add). */
function testFile(paths: readonly string[], source: string): { path: string; change: 'add' | 'modify' } {
  const existing = paths.find((path) => TEST.test(path) && stem(path) === stem(source));
  if (existing) return { path: existing, change: 'modify' };
  const extension = /\.[^./]+$/.exec(source)?.[0] ?? '.js';
  return { path: extension === '.py' ? `tests/test_${stem(source)}.py` : `test/${stem(source)}.test${extension}`, change: 'add' };
}

function questions(): Record<string, unknown> {
  return {
    summary: `The ticket does not say what to build or how to tell it is done, so the demo planner asks before planning. ${DEMO_NOTE}`,
    steps: [],
    files: [],
    tests: [],
    risks: [],
    questions: ['What should change, concretely: which behaviour, on which page, command or API?', 'How will we know it is done: what are the acceptance criteria?'],
  };
}

function plan(brief: string, listing: readonly string[]): Record<string, unknown> {
  const requirements = fencedData(brief, 'requirements') ?? '';
  const goal = plain(/^Goal: (.*)$/m.exec(brief)?.[1] ?? 'the ticket');
  const maxLines = Number(/change at most (\d+) lines/.exec(brief)?.[1] ?? 40);
  const source = sourceFile(listing, concreteWords(requirements));
  if (!source) return { ...questions(), summary: `The demo planner found no source file to change in this repository. ${DEMO_NOTE}` };
  const test = testFile(listing, source);
  const feedback = plain(fencedData(brief, 'feedback') ?? '', 200).replace(/[.!?\s]+$/, '');
  return {
    summary: `Implement “${goal}” in ${source}, with a test in ${test.path}.${feedback ? ` This version addresses the feedback: ${feedback}.` : ''} ${DEMO_NOTE}`,
    steps: [
      `Change ${source} so that it does what the ticket asks: ${goal}.`,
      ...(feedback ? [`Address the feedback: ${feedback}.`] : []),
      `${test.change === 'add' ? 'Add' : 'Extend'} ${test.path} with a test that fails before the change and passes after it.`,
    ],
    files: [
      { path: source, change: 'modify', why: `Where ${goal} is implemented.` },
      { path: test.path, change: test.change, why: 'The test of the new behaviour.' },
    ],
    tests: [{ path: test.path, what: `The behaviour the ticket asks for: ${goal}.` }],
    risks: ['The demo planner picked the file by name; a real model reads the code first.'],
    size: { files: 2, lines: Math.min(40, maxLines) },
  };
}

/**
 * The planner of demo mode (a script, not a model): asks questions at once when the requirements say nothing
 * concrete (an empty description), else lists the repository's files and plans one source file (the one the
 * requirements name, else the first under src/) and its test. Stateless: it plans any number of tickets.
 */
export function demoPlanner(request: MessagesRequest): ScriptedReply {
  const brief = textOf(request.messages[0]?.content ?? '');
  const turns = request.messages.filter((message) => message.role === 'assistant').length;
  if (concreteWords(fencedData(brief, 'requirements') ?? '').length < 4) return { content: [toolUse('submit_plan', questions())] };
  if (turns === 0) return { content: [text('Looking at the repository\'s files first.'), toolUse('list_files', { directory: '.' })] };
  // The listing answers the first turn's call (a plan sent back is simply submitted again: the runner then keeps it).
  const [listed] = toolResultsOf(request.messages[2]);
  const listing = listed && !listed.isError ? listed.content.split('\n').filter((line) => line !== '' && !line.startsWith('…')) : [];
  return { content: [toolUse('submit_plan', plan(brief, listing))] };
}
