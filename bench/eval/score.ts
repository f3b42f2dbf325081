import type { Category, Finding } from '../../src/domain/finding.js';
import type { EvalCase, ExpectedIssue } from './case-schema.js';

/** Findings of these severities are the ones scored: a review must not block on noise, and must not miss these. */
export const BLOCKING = new Set(['blocker', 'major']);
/** A finding matches an issue when it is this many lines (or fewer) outside the issue's range. */
export const DEFAULT_LINE_WINDOW = 3;

export interface CaseMatch {
  /** Blocking findings that match an expected issue. */
  truePositives: number;
  /** Blocking findings that match none (on a clean case: every blocking finding). */
  falsePositives: number;
  /** Expected blocking issues no finding matched. */
  missed: ExpectedIssue[];
  /** Expected blocking issues found. */
  found: number;
  expectedBlocking: number;
  /** Matches whose title or body mentions one of the issue's keywords. */
  keywordHits: number;
  /** Per category: tp/fp by the finding's category, expected/found by the issue's. */
  byCategory: Partial<Record<Category, Tally>>;
}

export interface Tally {
  truePositives: number;
  falsePositives: number;
  expected: number;
  found: number;
}

const emptyTally = (): Tally => ({ truePositives: 0, falsePositives: 0, expected: 0, found: 0 });

function matches(finding: Finding, issue: ExpectedIssue, window: number): boolean {
  return finding.path === issue.file && finding.category === issue.category && finding.side !== 'old'
    && finding.line >= issue.lines[0] - window && finding.line <= issue.lines[1] + window;
}

const mentions = (finding: Finding, issue: ExpectedIssue) => {
  const text = `${finding.title} ${finding.body}`.toLowerCase();
  return issue.keywords.some((keyword) => text.includes(keyword.toLowerCase()));
};

/**
 * Matches one case's findings with its expected issues, one to one, on file + line window + category. Only
 * blocker/major findings are scored; one matching an expected issue of lower severity is neither true nor false.
 */
export function scoreCase(evalCase: Pick<EvalCase, 'expected'>, findings: readonly Finding[], window = DEFAULT_LINE_WINDOW): CaseMatch {
  const result: CaseMatch = { truePositives: 0, falsePositives: 0, missed: [], found: 0, expectedBlocking: 0, keywordHits: 0, byCategory: {} };
  const tally = (category: Category) => (result.byCategory[category] ??= emptyTally());
  const taken = new Set<number>();
  for (const finding of findings.filter((candidate) => BLOCKING.has(candidate.severity))) {
    const index = evalCase.expected.findIndex((issue, at) => !taken.has(at) && matches(finding, issue, window));
    const issue = evalCase.expected[index];
    if (!issue) {
      result.falsePositives += 1;
      tally(finding.category).falsePositives += 1;
      continue;
    }
    taken.add(index);
    if (!BLOCKING.has(issue.severity)) continue;
    result.truePositives += 1;
    tally(finding.category).truePositives += 1;
    if (mentions(finding, issue)) result.keywordHits += 1;
  }
  evalCase.expected.forEach((issue, index) => {
    if (!BLOCKING.has(issue.severity)) return;
    result.expectedBlocking += 1;
    tally(issue.category).expected += 1;
    if (taken.has(index)) {
      result.found += 1;
      tally(issue.category).found += 1;
    } else result.missed.push(issue);
  });
  return result;
}

export interface Rates {
  truePositives: number;
  falsePositives: number;
  expected: number;
  found: number;
  /** TP / (TP + FP); null when nothing blocking was reported. */
  precision: number | null;
  /** Found / expected; null when nothing was expected. */
  recall: number | null;
}

export function rates(tally: Tally): Rates {
  const reported = tally.truePositives + tally.falsePositives;
  return {
    ...tally,
    precision: reported === 0 ? null : tally.truePositives / reported,
    recall: tally.expected === 0 ? null : tally.found / tally.expected,
  };
}

export interface CorpusScore {
  overall: Rates;
  byCategory: Partial<Record<Category, Rates>>;
  cleanCases: number;
  /** Clean cases that got at least one blocker/major finding. */
  cleanCasesFlagged: number;
  /** cleanCasesFlagged / cleanCases; null without clean cases. */
  falsePositiveRate: number | null;
  /** Share of true positives whose text names one of the issue's keywords. */
  keywordHitRate: number | null;
}

/** Sums the cases' matches into the corpus's precision, recall and false-positive rate, overall and per category. */
export function scoreCorpus(cases: readonly { clean: boolean; match: CaseMatch }[]): CorpusScore {
  const overall = emptyTally();
  const perCategory: Partial<Record<Category, Tally>> = {};
  let keywordHits = 0;
  for (const { match } of cases) {
    overall.truePositives += match.truePositives;
    overall.falsePositives += match.falsePositives;
    overall.expected += match.expectedBlocking;
    overall.found += match.found;
    keywordHits += match.keywordHits;
    for (const [category, part] of Object.entries(match.byCategory) as [Category, Tally][]) {
      const sum = (perCategory[category] ??= emptyTally());
      sum.truePositives += part.truePositives;
      sum.falsePositives += part.falsePositives;
      sum.expected += part.expected;
      sum.found += part.found;
    }
  }
  const clean = cases.filter((entry) => entry.clean);
  const flagged = clean.filter((entry) => entry.match.falsePositives > 0).length;
  return {
    overall: rates(overall),
    byCategory: Object.fromEntries(Object.entries(perCategory).map(([category, tally]) => [category, rates(tally)])),
    cleanCases: clean.length,
    cleanCasesFlagged: flagged,
    falsePositiveRate: clean.length === 0 ? null : flagged / clean.length,
    keywordHitRate: overall.truePositives === 0 ? null : keywordHits / overall.truePositives,
  };
}
