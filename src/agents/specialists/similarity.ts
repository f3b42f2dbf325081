import type { Finding } from '../../domain/finding.js';

// How alike two findings' words are: two specialists describe one SQL injection in different words ("SQL injection:
// id concatenated into query" / "Unparameterised SQL built from request input"), while two issues on nearby lines
// share the code's identifiers (`user`, `query`) and little else. So: words stemmed crudely, the filler of review
// prose left out, and the title (where the issue is named) weighed above the body (where the code is quoted).

/** Words every review uses whatever the issue: they say nothing about which issue it is. */
const FILLER = new Set(
  (
    'the a an and or but not no nor of to in on at by for with from into onto than then this that these those it its is are was were be been being ' +
    'has have had do does did can could should would will may might must shall here there when where which who what why how so as if else ' +
    'also only just very more most less any all each every some such one two own same other use using used make made code line lines file ' +
    'function method value values call calls called return returns returned variable instead because fix change changed new old add added ' +
    'see like need needs we you your they them their our there\'s don\'t doesn\'t isn\'t i e g eg ie etc via per'
  ).split(' '),
);

/** Crude English stemming, enough to meet "parameterised"/"parameterized"/"parameters" and "concatenated"/"concatenation". */
function stem(word: string): string {
  for (const suffix of ['isation', 'ization', 'ations', 'ation', 'ising', 'izing', 'ised', 'ized', 'ises', 'izes', 'ise', 'ize', 'ings', 'ing', 'ied', 'ies', 'ed', 'es', 'ly', 's']) {
    if (word.length - suffix.length >= 4 && word.endsWith(suffix)) return word.slice(0, -suffix.length);
  }
  return word;
}

/**
 * Words reviewers use for one idea, read as that idea: "unparameterised", "interpolated", "concatenated" and
 * "placeholders" all name the missing bound parameter of an injection; "undefined", "null" and "nil" one missing value.
 */
const SYNONYMS: readonly (readonly string[])[] = [
  ['inject', 'injection', 'injectable', 'sqli'],
  ['parameter', 'parameterised', 'parameterized', 'unparameterised', 'unparameterized', 'placeholder', 'bind', 'bound', 'prepared'],
  ['interpolate', 'interpolated', 'interpolating', 'interpolation', 'concatenate', 'concatenated', 'concatenating', 'concatenation', 'template', 'formatted'],
  ['escape', 'escaped', 'unescaped', 'escaping', 'sanitise', 'sanitize', 'sanitised', 'sanitized', 'unsanitised', 'unsanitized'],
  ['null', 'undefined', 'nil', 'none', 'nullable', 'optional'],
  ['secret', 'credential', 'credentials', 'token', 'apikey', 'password', 'key'],
  ['hardcoded', 'hard', 'coded', 'committed', 'leaked', 'leak', 'exposed'],
  ['await', 'awaited', 'unawaited', 'promise', 'floating', 'async'],
  ['loop', 'iteration', 'iterations', 'round', 'trips', 'n+1', 'n+'],
  ['test', 'tests', 'tested', 'untested', 'coverage', 'covered', 'uncovered'],
  ['docs', 'doc', 'documentation', 'readme', 'documented', 'undocumented', 'docstring', 'jsdoc'],
  ['race', 'concurrent', 'concurrently', 'toctou', 'atomic'],
];

const CONCEPT = new Map<string, string>();
for (const group of SYNONYMS) for (const word of group) CONCEPT.set(stem(word), `~${group[0] ?? word}`);

/** The distinct stemmed words of a text (identifiers split at camelCase and snake_case), filler left out. */
export function wordsOf(text: string): Set<string> {
  const words = new Set<string>();
  const split = text.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9+']+/);
  for (const raw of split) {
    const word = raw.replace(/^'+|'+$/g, '');
    if (word.length < 2 || FILLER.has(word) || /^\d+$/.test(word)) continue;
    const stemmed = stem(word);
    words.add(CONCEPT.get(stemmed) ?? stemmed);
  }
  return words;
}

/** Dice's coefficient, 2·|A ∩ B| / (|A| + |B|). */
function dice(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const word of a) if (b.has(word)) shared++;
  return (2 * shared) / (a.size + b.size);
}

/** Code quoted in prose (`spans`, fenced blocks): the identifiers nearby findings share whatever their issue. */
const QUOTED_CODE = /```[\s\S]*?```|`[^`\n]*`/g;

/** A finding's words (its title's and its body's prose), computed once per finding. */
export function findingWords(finding: Pick<Finding, 'title' | 'body'>): ReadonlySet<string> {
  return wordsOf(`${finding.title.replace(QUOTED_CODE, ' ')} ${finding.body.replace(QUOTED_CODE, ' ')}`);
}

/**
 * How alike two findings' texts are, 0 to 1: Dice's coefficient of their words. Tuned on pairs of realistic findings
 * (test/specialist-aggregate.test.ts): one issue in two phrasings scores 0.24–0.86, two issues on nearby lines 0–0.33.
 */
export function textSimilarity(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  return dice(a, b);
}
