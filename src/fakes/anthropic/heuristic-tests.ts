// The heuristic tests specialist: assertions that cannot fail (a value compared with itself, two literals, a mock's
// own canned return), and changed public functions that no test calls. The first is a line rule like the others
// (the validator confirms it from the head file); the second needs the repository's test files, which the brain
// finds with list_files and search_code as a model would.
import type { Finding } from '../../domain/finding.js';
import { riskRank } from '../../agents/context/classify.js';
import { bodyCodeLines, functionAt, outline, type OutlineLanguage } from './code-outline.js';
import type { SuggestingRule } from './heuristic-specialist.js';
import type { RuleContext } from './heuristic-rules.js';

/** Test files by the conventions the review's classifier knows (tests/, *.test.ts, *_test.go, test_*.py, *Test.php). */
export const isTestPath = (path: string) => riskRank(path) === 3;
/** Application source (not tests, docs or configuration). */
export const isSourcePath = (path: string) => riskRank(path) <= 1;

const LITERAL = /^(?:true|false|True|False|null|None|nil|undefined|-?\d+(?:\.\d+)?|(["'`])[^"'`]*\1)$/;

/**
 * Walks `text` from `from`, skipping string literals, with the bracket depth before each character: `visit` returns
 * true to stop there (the index is returned), or a number of characters to skip.
 */
function walkCode(text: string, from: number, visit: (index: number, char: string, depth: number) => boolean | number): number | undefined {
  let depth = 0;
  let quote: string | undefined;
  for (let index = from; index < text.length; index++) {
    const char = text[index] ?? '';
    if (quote) {
      if (char === '\\') index++;
      else if (char === quote) quote = undefined;
      continue;
    }
    const seen = visit(index, char, depth);
    if (seen === true) return index;
    if (typeof seen === 'number') index += seen;
    if (char === '"' || char === "'" || char === '`') quote = char;
    else if ('([{'.includes(char)) depth++;
    else if (')]}'.includes(char)) depth--;
  }
  return undefined;
}

/** The text between the parenthesis at `open` and its match, and the index after it. */
function balanced(text: string, open: number): { inner: string; after: number } | undefined {
  const close = walkCode(text, open, (index, char, depth) => index > open && depth === 1 && ')]}'.includes(char));
  return close === undefined ? undefined : { inner: text.slice(open + 1, close), after: close + 1 };
}

/** Splits at `separator` outside brackets and strings. */
function splitTopLevel(text: string, separator: string): string[] {
  const cuts: number[] = [];
  walkCode(text, 0, (index, _char, depth) => {
    if (depth !== 0 || !text.startsWith(separator, index)) return false;
    cuts.push(index);
    return separator.length - 1;
  });
  const parts = cuts.map((cut, at) => text.slice(at === 0 ? 0 : (cuts[at - 1] ?? 0) + separator.length, cut));
  return [...parts, text.slice(cuts.length === 0 ? 0 : (cuts.at(-1) ?? 0) + separator.length)].map((part) => part.trim());
}

/** The call's arguments: `callee(` found by the pattern (which must end at the parenthesis). */
function callArguments(text: string, callee: RegExp): string[] | undefined {
  const match = callee.exec(text);
  if (!match) return undefined;
  const call = balanced(text, match.index + match[0].length - 1);
  return call ? splitTopLevel(call.inner, ',') : undefined;
}

/** What one assertion line compares: [actual, expected], or [subject] for a truthiness check. */
function assertionOperands(text: string): string[] | undefined {
  const expectCall = /\bexpect\(/.exec(text);
  if (expectCall) {
    const subject = balanced(text, expectCall.index + expectCall[0].length - 1);
    if (!subject) return undefined;
    const matcher = /^\s*\.(?:resolves\.|not\.)?(toBe|toEqual|toStrictEqual|toBeTruthy|toBeDefined)\(/.exec(text.slice(subject.after));
    if (!matcher) return undefined;
    const expected = balanced(text, subject.after + matcher[0].length - 1);
    return expected && expected.inner.trim() !== '' ? [subject.inner.trim(), expected.inner.trim()] : [subject.inner.trim()];
  }
  const pair = callArguments(text, /\bassert\.(?:equal|strictEqual|deepEqual|deepStrictEqual)\(|\bself\.assert(?:Equal|Is|Equals)\(|(?:\$this->|self::|\b)assert(?:Equals|Same)\(/);
  if (pair && pair.length >= 2) return pair.slice(0, 2);
  const testify = callArguments(text, /\b(?:assert|require)\.Equal\(/);
  if (testify && testify.length >= 3) return testify.slice(1, 3);
  const single = callArguments(text, /\bassert\.ok\(|\bassert\(|\bself\.assertTrue\(|(?:\$this->|self::)assertTrue\(/);
  if (single && single.length >= 1) return single.slice(0, 1);
  const python = /^\s*assert\s+(.+?)\s*$/.exec(text)?.[1];
  if (python) {
    const [condition = ''] = splitTopLevel(python, ',');
    const compared = splitTopLevel(condition, '==');
    return compared.length === 2 ? compared : splitTopLevel(condition, ' is ').length === 2 ? splitTopLevel(condition, ' is ') : [condition];
  }
  return undefined;
}

const MOCK_SETUPS = [
  /^\s*(?:const|let|var)?\s*([\w.$]+)\s*=\s*(?:jest|vi)\.fn\(\s*\)\s*\.mock(?:Resolved|Return)Value(?:Once)?\((.+)\)\s*;?\s*$/,
  /^\s*([\w.$]+)\.mock(?:Resolved|Return)Value(?:Once)?\((.+)\)\s*;?\s*$/,
  /^\s*(?:const|let|var)?\s*([\w.$]+)\s*=\s*(?:jest|vi)\.fn\(\s*(?:async\s*)?\(\)\s*=>\s*(.+)\)\s*;?\s*$/,
  /^\s*([\w.]+)\.return_value\s*=\s*(.+?)\s*$/,
  /^\s*([\w.]+)\s*=\s*(?:Mock|MagicMock|AsyncMock)\(\s*return_value\s*=\s*(.+)\)\s*$/,
];

const normal = (expression: string) => expression.replace(/^await\s+/, '').replace(/\s+/g, '');

/** Mocks set up with a canned return value in these lines: name → value (normalised; the last setup wins). */
function cannedReturns(lines: readonly string[]): Map<string, string> {
  const mocks = new Map<string, string>();
  for (const line of lines) {
    for (const setup of MOCK_SETUPS) {
      const match = setup.exec(line);
      if (match?.[1] && match[2]) {
        mocks.set(match[1], normal(match[2]));
        break;
      }
    }
  }
  return mocks;
}

/** Why the assertion `text` cannot fail, or undefined; `above`: the file's lines before it (where mocks are set up). */
export function unfailingAssertion(text: string, above: readonly string[]): string | undefined {
  const operands = assertionOperands(text)?.map(normal);
  if (!operands || operands.some((operand) => operand === '')) return undefined;
  const [actual = '', expected] = operands;
  if (expected === undefined) return LITERAL.test(actual) && !/^(false|False|0|null|None|undefined)$/.test(actual) ? `it checks the literal \`${actual}\`` : undefined;
  if (actual === expected) return `it compares \`${actual}\` with itself`;
  if (LITERAL.test(actual) && LITERAL.test(expected)) return `it compares two literals`;
  for (const [mock, value] of cannedReturns(above)) {
    const callsMock = (operand: string) => operand.startsWith(`${mock.replace(/\s+/g, '')}(`);
    if ((callsMock(actual) && expected === value) || (callsMock(expected) && actual === value)) return `it asserts that the mock \`${mock}\` returns the value it was set up to return`;
  }
  return undefined;
}

/** A line rule (the validator confirms with it too): an added assertion that passes whatever the code does. */
export const UNFAILING_ASSERTION: SuggestingRule = {
  id: 'unfailing-assertion', severity: 'major', category: 'tests', confidence: 0.8,
  title: 'Assertion that cannot fail',
  body: 'This assertion passes whatever the code under test does (a tautology: the value compared with itself, two literals, or a mock asserted to return what it was told to). It gives false confidence. Assert on the output of the code under test.',
  applies: (c: RuleContext) => unfailingAssertion(c.text, c.lines.slice(0, c.lineNumber - 1)) !== undefined,
};

/** A public function of a changed source file whose code the change altered: it should have a test that calls it. */
export interface ChangedFunction {
  path: string;
  name: string;
  /** Its first added line (the header for a new function). */
  line: number;
}

/** The exported functions of one changed source file that have added code lines (header or body). */
export function changedFunctions(path: string, lines: readonly string[], language: OutlineLanguage, added: ReadonlySet<number>): ChangedFunction[] {
  if (!isSourcePath(path)) return [];
  return outline(lines, language).flatMap((declaration) => {
    if (declaration.kind !== 'function' || !declaration.exported) return [];
    const first = [declaration.header, ...bodyCodeLines(lines, declaration)].find((line) => added.has(line));
    return first === undefined ? [] : [{ path, name: declaration.name, line: first }];
  });
}

/** What search_code finds for a function's calls: the test files among the `path:line:text` matches. */
export function testFilesCalling(searchOutput: string): string[] {
  const paths = searchOutput.split('\n').flatMap((line) => /^([^:\n]+):\d+:/.exec(line)?.[1] ?? []);
  return [...new Set(paths.filter(isTestPath))];
}

/** The pattern to search for calls of a function (a fixed string). */
export const callPattern = (name: string) => `${name}(`;

export function untestedFinding(changed: ChangedFunction, testFiles: readonly string[]): Finding {
  const listed = testFiles.slice(0, 3).join(', ') + (testFiles.length > 3 ? ', …' : '');
  return {
    path: changed.path, line: changed.line, side: 'new', severity: 'major', category: 'tests', confidence: 0.6,
    title: `Changed behaviour without a test: \`${changed.name}\``,
    body: `The change alters \`${changed.name}\`, and no test calls it: the project has tests (${listed}), none of them exercises this function, and the change adds none. Add a test that fails without this change.`,
  };
}

/** The validator's check of an untested-change finding: the public function at its lines and no test calling it. */
export function untestedFunctionAt(path: string, lines: readonly string[], language: OutlineLanguage, from: number, to: number): string | undefined {
  if (!isSourcePath(path)) return undefined;
  const declarations = outline(lines, language);
  for (let line = from; line <= to; line++) {
    const found = functionAt(declarations, line);
    if (found?.exported) return found.name;
  }
  return undefined;
}
