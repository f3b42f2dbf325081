// Scoring of a specialist pipeline's run: each specialist by the posted findings it raised (raisedBy), what the
// aggregation and the validation pass did, and whether the case's pipeline expectations hold.
import { SPECIALISTS } from '../../src/agents/specialists/catalog.js';
import { emptyUsage, type DroppedFinding, type ReviewResult, type TokenUsage } from '../../src/domain/finding.js';
import type { SpecialistName } from '../../src/domain/specialist-name.js';
import type { EvalCase } from './case-schema.js';
import { DEFAULT_LINE_WINDOW, scoreCase, scoreCorpus, type CaseMatch, type Rates } from './score.js';

/** How the validation pass words a drop (src/agents/roles/validator/run.ts): aggregation's entries are suggestion losses. */
export const VALIDATION_DROP_PREFIX = 'Not confirmed by the validator';

/** One specialist on one case. */
export interface SpecialistCaseScore {
  name: SpecialistName;
  reason: string;
  /** Findings it submitted, before aggregation and the checks. */
  raised: number;
  /** Its posted findings (those whose raisedBy names it) against the case's expected issues. */
  match: CaseMatch;
  /** Of its findings, those the validation pass did not confirm. */
  droppedByValidation: number;
  usage: TokenUsage;
  costUsd?: number;
  durationMs: number;
}

export interface CaseAggregation {
  duplicatesMerged: number;
  conflictsResolved: number;
  validated: number;
  /** The findings validation dropped. */
  dropped: DroppedFinding[];
  /** Of those, the ones on an expected issue's lines (± the window): validation costing recall. */
  droppedOnExpected: number;
}

export interface PipelineExpectations {
  met: boolean;
  problems: string[];
}

export type SpecialistResult = Pick<ReviewResult, 'findings' | 'specialists' | 'aggregation'>;

const near = (path: string, line: number, file: string, lines: readonly [number, number], window: number) =>
  path === file && line >= lines[0] - window && line <= lines[1] + window;

export function validationDrops(result: SpecialistResult): DroppedFinding[] {
  return (result.aggregation?.dropped ?? []).filter((entry) => entry.reason.startsWith(VALIDATION_DROP_PREFIX));
}

/** Each specialist that ran, scored on the posted findings it raised. */
export function scoreSpecialists(evalCase: Pick<EvalCase, 'expected'>, result: SpecialistResult, window = DEFAULT_LINE_WINDOW): SpecialistCaseScore[] {
  const drops = validationDrops(result);
  return (result.specialists ?? []).map((report) => ({
    name: report.name,
    reason: report.reason,
    raised: report.findings,
    match: scoreCase(evalCase, result.findings.filter((finding) => finding.raisedBy?.includes(report.name)), window),
    droppedByValidation: drops.filter((entry) => entry.raisedBy.includes(report.name)).length,
    usage: report.usage,
    ...(report.costUsd !== undefined ? { costUsd: report.costUsd } : {}),
    durationMs: report.durationMs,
  }));
}

export function caseAggregation(evalCase: Pick<EvalCase, 'expected'>, result: SpecialistResult, window = DEFAULT_LINE_WINDOW): CaseAggregation {
  const dropped = validationDrops(result);
  const { aggregation } = result;
  return {
    duplicatesMerged: aggregation?.duplicatesMerged ?? 0,
    conflictsResolved: aggregation?.conflictsResolved ?? 0,
    validated: aggregation?.validated ?? 0,
    dropped,
    droppedOnExpected: dropped.filter((entry) => evalCase.expected.some((issue) => near(entry.path, entry.line, issue.file, issue.lines, window))).length,
  };
}

/**
 * The case's `expect_dropped` and `expect_conflicts`, and that the specialists ran: at all, each one its pipeline
 * forces (`forced`: those with `when: always`), and for each category of its expected issues one that owns it (a
 * docs issue scored on a run without the docs specialist measures nothing about it).
 */
export function checkExpectations(
  evalCase: Pick<EvalCase, 'expect_dropped' | 'expect_conflicts'> & Partial<Pick<EvalCase, 'expected'>>,
  result: SpecialistResult,
  window = DEFAULT_LINE_WINDOW,
  forced: readonly SpecialistName[] = [],
): PipelineExpectations {
  const problems: string[] = [];
  if (!result.specialists || !result.aggregation) problems.push('the specialist pipeline did not run (only the general reviewer was routed)');
  const ran = new Set((result.specialists ?? []).map((report) => report.name));
  if (result.specialists) {
    const missing = forced.filter((name) => !ran.has(name));
    if (missing.length > 0) problems.push(`forced but not run: ${missing.join(', ')}`);
    const unowned = [...new Set((evalCase.expected ?? []).map((issue) => issue.category))].filter((category) => ![...ran].some((name) => SPECIALISTS[name].categories.includes(category)));
    if (unowned.length > 0) problems.push(`no specialist of ${unowned.join(', ')} ran, yet the case expects such issues`);
  }
  const drops = validationDrops(result);
  for (const expected of evalCase.expect_dropped) {
    const found = drops.some((entry) => near(entry.path, entry.line, expected.file, expected.lines, window) && (expected.raised_by === undefined || entry.raisedBy.includes(expected.raised_by)));
    if (!found) problems.push(`validation did not drop a finding${expected.raised_by ? ` of ${expected.raised_by}` : ''} on ${expected.file}:${expected.lines.join('-')}`);
  }
  const conflicts = result.aggregation?.conflictsResolved ?? 0;
  if (conflicts < evalCase.expect_conflicts) problems.push(`${conflicts} conflicting suggestion(s) settled, ${evalCase.expect_conflicts} expected`);
  return { met: problems.length === 0, problems };
}

/** One specialist over the corpus (the cases it ran on). */
export interface SpecialistScore {
  cases: number;
  raised: number;
  overall: Rates;
  byCategory: Partial<Record<string, Rates>>;
  /** Recall on the expected issues of its own categories (the catalog's): null when the corpus has none where it ran. */
  ownRecall: number | null;
  droppedByValidation: number;
  usage: TokenUsage;
  /** Null when a run of it had no price. */
  costUsd: number | null;
  durationMs: number;
}

export interface AggregationTotals {
  duplicatesMerged: number;
  conflictsResolved: number;
  validated: number;
  droppedByValidation: number;
  droppedOnExpected: number;
}

function addUsage(total: TokenUsage, part: TokenUsage): TokenUsage {
  return {
    inputTokens: total.inputTokens + part.inputTokens,
    outputTokens: total.outputTokens + part.outputTokens,
    cacheReadTokens: total.cacheReadTokens + part.cacheReadTokens,
    cacheWriteTokens: total.cacheWriteTokens + part.cacheWriteTokens,
    turns: total.turns + part.turns,
  };
}

/** Sums each specialist's cases (precision, recall, false positives per category, cost, time) in catalog order of first appearance. */
export function scoreSpecialistCorpus(cases: readonly { clean: boolean; specialists: readonly SpecialistCaseScore[] }[]): Partial<Record<SpecialistName, SpecialistScore>> {
  const names = [...new Set(cases.flatMap((entry) => entry.specialists.map((specialist) => specialist.name)))];
  const scores: Partial<Record<SpecialistName, SpecialistScore>> = {};
  for (const name of names) {
    const runs = cases.flatMap((entry) => entry.specialists.filter((specialist) => specialist.name === name).map((specialist) => ({ clean: entry.clean, specialist })));
    const corpus = scoreCorpus(runs.map(({ clean, specialist }) => ({ clean, match: specialist.match })));
    const own = SPECIALISTS[name].categories.flatMap((category) => corpus.byCategory[category] ?? []);
    const ownExpected = own.reduce((sum, rates) => sum + rates.expected, 0);
    const costs = runs.map(({ specialist }) => specialist.costUsd);
    scores[name] = {
      cases: runs.length,
      raised: runs.reduce((sum, { specialist }) => sum + specialist.raised, 0),
      overall: corpus.overall,
      byCategory: corpus.byCategory,
      ownRecall: ownExpected === 0 ? null : own.reduce((sum, rates) => sum + rates.found, 0) / ownExpected,
      droppedByValidation: runs.reduce((sum, { specialist }) => sum + specialist.droppedByValidation, 0),
      usage: runs.reduce((total, { specialist }) => addUsage(total, specialist.usage), emptyUsage()),
      costUsd: costs.every((cost) => cost !== undefined) ? costs.reduce<number>((sum, cost) => sum + (cost ?? 0), 0) : null,
      durationMs: runs.reduce((sum, { specialist }) => sum + specialist.durationMs, 0),
    };
  }
  return scores;
}

export function aggregationTotals(cases: readonly { aggregation: CaseAggregation }[]): AggregationTotals {
  const sum = (pick: (aggregation: CaseAggregation) => number) => cases.reduce((total, entry) => total + pick(entry.aggregation), 0);
  return {
    duplicatesMerged: sum((entry) => entry.duplicatesMerged),
    conflictsResolved: sum((entry) => entry.conflictsResolved),
    validated: sum((entry) => entry.validated),
    droppedByValidation: sum((entry) => entry.dropped.length),
    droppedOnExpected: sum((entry) => entry.droppedOnExpected),
  };
}
