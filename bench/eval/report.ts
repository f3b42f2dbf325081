import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatUsd } from '../../src/domain/usage-cost.js';
import type { CaseOutcome, EvalReport, RunTotals, SpecialistsReport } from './run-eval.js';
import type { CorpusScore, Rates } from './score.js';
import type { SpecialistScore } from './score-specialists.js';

/** Where results go by default (gitignored). */
export const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'results');

const pct = (value: number | null) => (value === null ? '—' : `${(value * 100).toFixed(0)}%`);
const usdOrDash = (value: number | null | undefined) => (value === undefined || value === null ? '—' : formatUsd(value));

function table(header: string[], rows: string[][]): string {
  const widths = header.map((cell, index) => Math.max(cell.length, ...rows.map((row) => (row[index] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, index) => cell.padEnd(widths[index] ?? 0)).join('  ').trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

const rateRow = (name: string, rates: Rates) => [name, String(rates.expected), String(rates.found), String(rates.truePositives), String(rates.falsePositives), pct(rates.precision), pct(rates.recall)];

const tokens = (totals: Pick<RunTotals, 'inputTokens' | 'cacheReadTokens' | 'outputTokens'>) => `${totals.inputTokens} input + ${totals.cacheReadTokens} cache-read + ${totals.outputTokens} output tokens`;

/** A specialist case's aggregation in a few words (merged, conflicts, drops, a missed expectation or error). */
function pipelineNote(outcome: SpecialistsReport['cases'][number]): string {
  const { aggregation, expectations } = outcome;
  const parts = [
    aggregation.duplicatesMerged > 0 ? `${aggregation.duplicatesMerged} merged` : '',
    aggregation.conflictsResolved > 0 ? `${aggregation.conflictsResolved} conflict${aggregation.conflictsResolved === 1 ? '' : 's'}` : '',
    aggregation.dropped.length > 0 ? `${aggregation.dropped.length} dropped by validation` : '',
    outcome.error ? `specialists error: ${outcome.error.slice(0, 60)}` : expectations.met ? '' : `FAILED: ${expectations.problems.join('; ').slice(0, 120)}`,
  ];
  return parts.filter(Boolean).join(', ');
}

const falsePositivesByCategory = (score: SpecialistScore) =>
  Object.entries(score.byCategory).filter(([, rates]) => (rates?.falsePositives ?? 0) > 0).sort(([a], [b]) => a.localeCompare(b)).map(([category, rates]) => `${category} ${rates?.falsePositives ?? 0}`).join(', ') || '—';

const modeRow = (name: string, score: CorpusScore, totals: RunTotals, cases: readonly CaseOutcome[], usd: (value: number | null | undefined) => string) => [
  name, String(score.overall.truePositives), String(score.overall.falsePositives), pct(score.overall.precision), pct(score.overall.recall),
  `${score.cleanCasesFlagged}/${score.cleanCases}`, String(totals.inputTokens + totals.cacheReadTokens + totals.outputTokens), usd(totals.costUsd),
  `${totals.latencyMs} ms`, `${cases.length === 0 ? 0 : Math.round(totals.latencyMs / cases.length)} ms`,
];

/** Single reviewer vs the specialist pipeline, each specialist, and what aggregation and validation did. */
function specialistsSection(report: EvalReport, specialists: SpecialistsReport, usd: (value: number | null | undefined) => string): string[] {
  const specialistRows = Object.entries(specialists.bySpecialist).map(([name, entry]) => {
    const score = entry as SpecialistScore;
    return [
      name, String(score.cases), String(score.raised), String(score.overall.truePositives), String(score.overall.falsePositives),
      pct(score.overall.precision), pct(score.overall.recall), pct(score.ownRecall), falsePositivesByCategory(score), String(score.droppedByValidation),
      String(score.usage.inputTokens + score.usage.cacheWriteTokens + score.usage.cacheReadTokens + score.usage.outputTokens), usd(score.costUsd), `${score.durationMs} ms`,
    ];
  });
  const { aggregation } = specialists;
  return [
    'single reviewer vs specialist pipeline (blocker/major findings as posted; routing forced so the specialists run):',
    table(
      ['', 'true+', 'false+', 'precision', 'recall', 'clean flagged', 'tokens', 'cost', 'latency', 'per case'],
      [modeRow('single', report.score, report.totals, report.cases, usd), modeRow('specialists', specialists.score, specialists.totals, specialists.cases, usd)],
    ),
    '',
    'per specialist (the posted findings it raised; raised = submitted before aggregation):',
    table(['specialist', 'cases', 'raised', 'true+', 'false+', 'precision', 'recall', 'own recall', 'false+ by category', 'dropped', 'tokens', 'cost', 'time'], specialistRows),
    '',
    `aggregation: ${aggregation.duplicatesMerged} duplicates merged, ${aggregation.conflictsResolved} conflicting suggestions settled, ${aggregation.validated} findings validated, ${aggregation.droppedByValidation} dropped by validation (${aggregation.droppedOnExpected} of them on an expected issue)`,
    specialists.failed.length === 0 ? 'specialist cases: all met their pipeline expectations' : `specialist cases FAILED: ${specialists.failed.join(', ')}`,
  ];
}

/** The report as text: one row per case, then the corpus's scores overall and per category. */
export function formatReport(report: EvalReport): string {
  // A heuristic run with an unpriced (scripted) model name costs nothing: say so rather than "unknown".
  const noCost = report.target.kind === 'heuristic' && report.totals.costUsd === null;
  const usd = (value: number | null | undefined) => (noCost ? 'none' : usdOrDash(value));
  const specialistCases = new Map((report.specialists?.cases ?? []).map((outcome) => [outcome.id, outcome]));
  const caseRows = report.cases.map((outcome) => {
    const pipeline = specialistCases.get(outcome.id);
    return [
      outcome.id, outcome.language, outcome.kind,
      String(outcome.match.expectedBlocking), String(outcome.match.found), String(outcome.match.falsePositives), String(outcome.findings),
      `${outcome.latencyMs} ms`, usd(outcome.costUsd),
      ...(report.specialists ? (pipeline ? [String(pipeline.match.found), String(pipeline.match.falsePositives), `${pipeline.latencyMs} ms`, usd(pipeline.costUsd)] : ['', '', '', '']) : []),
      [outcome.error ? `error: ${outcome.error.slice(0, 60)}` : '', pipeline ? pipelineNote(pipeline) : ''].filter(Boolean).join('; '),
    ];
  });
  const specialistColumns = report.specialists ? ['sp found', 'sp false+', 'sp latency', 'sp cost'] : [];
  const { score, totals } = report;
  const categoryRows = Object.entries(score.byCategory).sort(([a], [b]) => a.localeCompare(b)).map(([category, rates]) => rateRow(category, rates));
  return [
    `forgebot eval — ${report.target.kind} (${report.target.model}), ${report.cases.length} cases, line window ±${report.lineWindow}`,
    '',
    table(['case', 'language', 'kind', 'expected', 'found', 'false+', 'findings', 'latency', 'cost', ...specialistColumns, ''], caseRows),
    '',
    'blocker/major findings:',
    table(['', 'expected', 'found', 'true+', 'false+', 'precision', 'recall'], [rateRow('overall', score.overall), ...categoryRows]),
    '',
    `false-positive rate (clean cases with a blocker/major finding): ${score.cleanCasesFlagged}/${score.cleanCases} = ${pct(score.falsePositiveRate)}`,
    `keyword hit rate of true positives: ${pct(score.keywordHitRate)}`,
    `total: ${noCost ? 'no cost (scripted model, no API calls)' : usd(totals.costUsd)}, ${tokens(totals)}, ${totals.latencyMs} ms`,
    ...(report.specialists ? ['', ...specialistsSection(report, report.specialists, usd)] : []),
  ].join('\n');
}

/** Writes the report as JSON to `path` (folders made), or to bench/eval/results/eval-<time>.json; returns the path. */
export async function writeReport(report: EvalReport, path?: string): Promise<string> {
  const target = path ?? join(RESULTS_DIR, `eval-${report.startedAt.replace(/[:.]/g, '-')}.json`);
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, `${JSON.stringify(report, null, 2)}\n`);
  return target;
}
