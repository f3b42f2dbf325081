import { loadCases } from '../../../bench/eval/load-cases.js';
import { formatReport, writeReport } from '../../../bench/eval/report.js';
import { runEval, type EvalTarget } from '../../../bench/eval/run-eval.js';
import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';

export interface EvalCommandOptions {
  /** Case ids to run (all when empty). */
  cases: string[];
  out?: string;
  /** `heuristic`: the fake model (CI); `anthropic`: the real API (needs ANTHROPIC_API_KEY); default: anthropic when a key is set. */
  reviewer?: 'heuristic' | 'anthropic';
  lineWindow?: number;
}

/**
 * The model name of a heuristic run: the rule-based fake answers, not a Claude model, so the report carries no real
 * model's name and no cost (an unpriced name has none: src/domain/usage-cost.ts).
 */
export const SCRIPTED_EVAL_MODEL = 'scripted-heuristic-reviewer';

/** A bad option or case id: reported in one line, exit code 2. */
export class EvalUsageError extends Error {}

/** The command line's options as commander gives them. */
export interface RawEvalOptions {
  case: string[];
  out?: string;
  reviewer?: string;
  window?: string;
}

/** Checks the command line's options; a bad value is an error that names it. */
export function parseEvalOptions(raw: RawEvalOptions): EvalCommandOptions {
  const { reviewer } = raw;
  if (reviewer !== undefined && reviewer !== 'heuristic' && reviewer !== 'anthropic') throw new EvalUsageError(`--reviewer must be heuristic or anthropic, not ${reviewer}`);
  const lineWindow = raw.window === undefined ? undefined : Number(raw.window);
  if (lineWindow !== undefined && !(Number.isInteger(lineWindow) && lineWindow >= 0)) throw new EvalUsageError(`--window must be a whole number ≥ 0, not ${raw.window}`);
  return {
    cases: raw.case,
    ...(raw.out !== undefined ? { out: raw.out } : {}),
    ...(reviewer !== undefined ? { reviewer } : {}),
    ...(lineWindow !== undefined ? { lineWindow } : {}),
  };
}

/** The evaluation target the options and configuration ask for, or a clear error. */
export function evalTarget(config: Pick<Config, 'ANTHROPIC_API_KEY' | 'ANTHROPIC_BASE_URL' | 'ANTHROPIC_MODEL'>, reviewer: EvalCommandOptions['reviewer']): EvalTarget {
  const kind = reviewer ?? (config.ANTHROPIC_API_KEY ? 'anthropic' : 'heuristic');
  if (kind === 'heuristic') return { kind, model: SCRIPTED_EVAL_MODEL };
  if (!config.ANTHROPIC_API_KEY) throw new EvalUsageError('--reviewer anthropic needs ANTHROPIC_API_KEY');
  return { kind, apiKey: config.ANTHROPIC_API_KEY, model: config.ANTHROPIC_MODEL, ...(config.ANTHROPIC_BASE_URL ? { baseUrl: config.ANTHROPIC_BASE_URL } : {}) };
}

/** `forgebot eval`: runs the review corpus through the real runner (single reviewer, then the specialist pipeline), prints the table, writes the JSON report. */
export async function runEvalCommand(config: Config, logger: Logger, options: EvalCommandOptions): Promise<void> {
  const all = await loadCases();
  const unknown = options.cases.filter((id) => !all.some((evalCase) => evalCase.id === id));
  if (unknown.length > 0) throw new EvalUsageError(`unknown case id(s): ${unknown.join(', ')} (known: ${all.map((evalCase) => evalCase.id).join(', ')})`);
  const cases = options.cases.length > 0 ? all.filter((evalCase) => options.cases.includes(evalCase.id)) : all;
  const target = evalTarget(config, options.reviewer);
  const against = target.kind === 'heuristic' ? 'the heuristic fake model (scripted, on this machine: no API calls, no cost)' : target.model;
  process.stderr.write(`forgebot eval: ${cases.length} case(s) against ${against}\n`);
  const report = await runEval(cases, {
    target,
    log: logger.child({}, { level: 'warn' }),
    ...(options.lineWindow !== undefined ? { lineWindow: options.lineWindow } : {}),
    onCase: (outcome, mode) => process.stderr.write(`  ${outcome.id} (${mode}): ${outcome.error ? `error (${outcome.error.slice(0, 80)})` : `${outcome.match.found}/${outcome.match.expectedBlocking} found, ${outcome.match.falsePositives} false+`} in ${outcome.latencyMs} ms\n`),
  });
  process.stdout.write(`${formatReport(report)}\n`);
  const path = await writeReport(report, options.out);
  process.stdout.write(`report written to ${path}\n`);
  // A case fails when a run errors, or when the specialist run misses the case's expect_dropped / expect_conflicts.
  if (report.cases.some((outcome) => outcome.error) || (report.specialists?.failed.length ?? 0) > 0) process.exitCode = 1;
}
