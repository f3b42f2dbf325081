import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatUsd } from '../../src/domain/usage-cost.js';
import type { EvalReport } from './run-eval.js';
import type { Rates } from './score.js';

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

/** The report as text: one row per case, then the corpus's scores overall and per category. */
export function formatReport(report: EvalReport): string {
  // A heuristic run with an unpriced (scripted) model name costs nothing: say so rather than "unknown".
  const noCost = report.target.kind === 'heuristic' && report.totals.costUsd === null;
  const usd = (value: number | null | undefined) => (noCost ? 'none' : usdOrDash(value));
  const caseRows = report.cases.map((outcome) => [
    outcome.id, outcome.language, outcome.kind,
    String(outcome.match.expectedBlocking), String(outcome.match.found), String(outcome.match.falsePositives), String(outcome.findings),
    `${outcome.latencyMs} ms`, usd(outcome.costUsd), outcome.error ? `error: ${outcome.error.slice(0, 60)}` : '',
  ]);
  const { score, totals } = report;
  const categoryRows = Object.entries(score.byCategory).sort(([a], [b]) => a.localeCompare(b)).map(([category, rates]) => rateRow(category, rates));
  return [
    `forgebot eval — ${report.target.kind} (${report.target.model}), ${report.cases.length} cases, line window ±${report.lineWindow}`,
    '',
    table(['case', 'language', 'kind', 'expected', 'found', 'false+', 'findings', 'latency', 'cost', ''], caseRows),
    '',
    'blocker/major findings:',
    table(['', 'expected', 'found', 'true+', 'false+', 'precision', 'recall'], [rateRow('overall', score.overall), ...categoryRows]),
    '',
    `false-positive rate (clean cases with a blocker/major finding): ${score.cleanCasesFlagged}/${score.cleanCases} = ${pct(score.falsePositiveRate)}`,
    `keyword hit rate of true positives: ${pct(score.keywordHitRate)}`,
    `total: ${noCost ? 'no cost (scripted model, no API calls)' : usd(totals.costUsd)}, ${totals.inputTokens} input + ${totals.cacheReadTokens} cache-read + ${totals.outputTokens} output tokens, ${totals.latencyMs} ms`,
  ].join('\n');
}

/** Writes the report as JSON to `path` (folders made), or to bench/eval/results/eval-<time>.json; returns the path. */
export async function writeReport(report: EvalReport, path?: string): Promise<string> {
  const target = path ?? join(RESULTS_DIR, `eval-${report.startedAt.replace(/[:.]/g, '-')}.json`);
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, `${JSON.stringify(report, null, 2)}\n`);
  return target;
}
