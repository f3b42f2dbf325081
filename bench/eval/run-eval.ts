import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { Finding, ReviewedFinding, ReviewResult, TokenUsage } from '../../src/domain/finding.js';
import type { PipelineSettings } from '../../src/domain/pipeline-settings.js';
import type { SpecialistName } from '../../src/domain/specialist-name.js';
import { FakeAnthropic } from '../../src/fakes/anthropic/fake-anthropic.js';
import { heuristicReviewer } from '../../src/fakes/anthropic/heuristic-reviewer.js';
import type { CaseKind, CaseLanguage, EvalCase } from './case-schema.js';
import { materializeCase } from './materialize.js';
import { reviewCase, specialistPipeline, type ModelEndpoint } from './runner-adapter.js';
import {
  aggregationTotals, caseAggregation, checkExpectations, scoreSpecialistCorpus, scoreSpecialists,
  type AggregationTotals, type CaseAggregation, type PipelineExpectations, type SpecialistCaseScore, type SpecialistScore,
} from './score-specialists.js';
import { BLOCKING, DEFAULT_LINE_WINDOW, scoreCase, scoreCorpus, type CaseMatch, type CorpusScore } from './score.js';

/** `heuristic`: the fake Anthropic server answered by the rule-based reviewer (CI); `anthropic`: a real endpoint. */
export type EvalTarget = { kind: 'heuristic'; model?: string } | ({ kind: 'anthropic' } & ModelEndpoint);

export interface CaseOutcome {
  id: string;
  language: CaseLanguage;
  kind: CaseKind;
  clean: boolean;
  /** Blocker/major findings as posted (after the runner's checks); raisedBy on a specialist run. */
  blocking: (Pick<Finding, 'path' | 'line' | 'severity' | 'category' | 'title'> & Pick<ReviewedFinding, 'raisedBy'>)[];
  findings: number;
  match: CaseMatch;
  latencyMs: number;
  usage?: TokenUsage;
  costUsd?: number;
  /** The run failed (scored as finding nothing). */
  error?: string;
}

/** A case reviewed by the specialist pipeline: the aggregate's scores plus each specialist's and the aggregation's. */
export interface SpecialistCaseOutcome extends CaseOutcome {
  specialists: SpecialistCaseScore[];
  aggregation: CaseAggregation;
  /** The case's expect_dropped / expect_conflicts (and that the specialists ran): a case that misses them fails. */
  expectations: PipelineExpectations;
}

export interface RunTotals {
  costUsd: number | null;
  latencyMs: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
}

/** The same cases through the specialist pipeline (routing forced: runner-adapter.ts specialistPipeline). */
export interface SpecialistsReport {
  cases: SpecialistCaseOutcome[];
  /** The aggregate: the posted findings, scored as the single reviewer's are. */
  score: CorpusScore;
  totals: RunTotals;
  bySpecialist: Partial<Record<SpecialistName, SpecialistScore>>;
  aggregation: AggregationTotals;
  /** Ids of cases that errored or missed their pipeline expectations. */
  failed: string[];
}

export interface EvalReport {
  target: { kind: EvalTarget['kind']; model: string };
  startedAt: string;
  lineWindow: number;
  /** The single reviewer (the baseline). */
  cases: CaseOutcome[];
  score: CorpusScore;
  totals: RunTotals;
  /** Absent when the run was asked for the single reviewer only. */
  specialists?: SpecialistsReport;
}

export interface EvalOptions {
  target: EvalTarget;
  log: Logger;
  lineWindow?: number;
  /** Also run every case through the specialist pipeline (default true). */
  specialists?: boolean;
  /** Called after each case and mode (progress output). */
  onCase?: (outcome: CaseOutcome, mode: 'single' | 'specialists') => void;
}

/** The default model name for the heuristic target: a priced model, so the cost column is computed from the fake's usage. */
const HEURISTIC_MODEL = 'claude-sonnet-4-6';

function outcomeOf(evalCase: EvalCase, result: ReviewResult, latencyMs: number, window: number): CaseOutcome {
  return {
    id: evalCase.id, language: evalCase.language, kind: evalCase.kind, clean: evalCase.kind === 'clean',
    blocking: result.findings.filter((finding) => BLOCKING.has(finding.severity)).map(({ path, line, severity, category, title, raisedBy }) => ({ path, line, severity, category, title, ...(raisedBy ? { raisedBy } : {}) })),
    findings: result.findings.length,
    match: scoreCase(evalCase, result.findings, window),
    latencyMs,
    usage: result.usage,
    ...(result.costUsd !== undefined ? { costUsd: result.costUsd } : {}),
  };
}

/** One case through the real runner; with `pipeline`, as a specialist review. A failed run is scored as finding nothing. */
async function runOne(evalCase: EvalCase, endpoint: ModelEndpoint, window: number, log: Logger, pipeline?: PipelineSettings): Promise<{ outcome: CaseOutcome; result?: ReviewResult }> {
  const repo = await materializeCase(evalCase);
  const workspace = await mkdtemp(join(tmpdir(), 'forgebot-eval-'));
  const started = performance.now();
  try {
    const result = await reviewCase(evalCase, repo, endpoint, workspace, log.child({ case: evalCase.id }), pipeline);
    return { outcome: outcomeOf(evalCase, result, Math.round(performance.now() - started), window), result };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.warn({ case: evalCase.id, message }, 'eval case failed');
    const base = { id: evalCase.id, language: evalCase.language, kind: evalCase.kind, clean: evalCase.kind === 'clean' };
    return { outcome: { ...base, blocking: [], findings: 0, match: scoreCase(evalCase, [], window), latencyMs: Math.round(performance.now() - started), error: message.slice(0, 500) } };
  } finally {
    await Promise.all([repo.repo.remove(), rm(workspace, { recursive: true, force: true })]);
  }
}

async function runSpecialistCase(evalCase: EvalCase, endpoint: ModelEndpoint, window: number, log: Logger): Promise<SpecialistCaseOutcome> {
  const pipeline = specialistPipeline(evalCase);
  const { outcome, result } = await runOne(evalCase, endpoint, window, log, pipeline);
  const empty = { findings: [] };
  const forced = (Object.entries(pipeline.specialists) as [SpecialistName, { when: string } | undefined][]).filter(([, rule]) => rule?.when === 'always').map(([name]) => name);
  const expectations = outcome.error ? { met: false, problems: [`the run failed: ${outcome.error.slice(0, 200)}`] } : checkExpectations(evalCase, result ?? empty, window, forced);
  return { ...outcome, specialists: scoreSpecialists(evalCase, result ?? empty, window), aggregation: caseAggregation(evalCase, result ?? empty, window), expectations };
}

function totalsOf(outcomes: readonly CaseOutcome[]): RunTotals {
  const costs = outcomes.map((outcome) => outcome.costUsd);
  return {
    costUsd: costs.every((cost) => cost !== undefined) ? costs.reduce<number>((sum, cost) => sum + (cost ?? 0), 0) : null,
    latencyMs: outcomes.reduce((sum, outcome) => sum + outcome.latencyMs, 0),
    inputTokens: outcomes.reduce((sum, outcome) => sum + (outcome.usage?.inputTokens ?? 0) + (outcome.usage?.cacheWriteTokens ?? 0), 0),
    outputTokens: outcomes.reduce((sum, outcome) => sum + (outcome.usage?.outputTokens ?? 0), 0),
    cacheReadTokens: outcomes.reduce((sum, outcome) => sum + (outcome.usage?.cacheReadTokens ?? 0), 0),
  };
}

function specialistsReport(cases: SpecialistCaseOutcome[]): SpecialistsReport {
  return {
    cases,
    score: scoreCorpus(cases),
    totals: totalsOf(cases),
    bySpecialist: scoreSpecialistCorpus(cases),
    aggregation: aggregationTotals(cases),
    failed: cases.filter((entry) => entry.error !== undefined || !entry.expectations.met).map((entry) => entry.id),
  };
}

/** Runs every case, one after another, through the real runner against the target, and scores the corpus. */
export async function runEval(cases: readonly EvalCase[], options: EvalOptions): Promise<EvalReport> {
  const window = options.lineWindow ?? DEFAULT_LINE_WINDOW;
  const startedAt = new Date().toISOString();
  let fake: FakeAnthropic | undefined;
  let endpoint: ModelEndpoint;
  if (options.target.kind === 'heuristic') {
    const apiKey = `sk-ant-eval-${randomBytes(12).toString('hex')}`;
    fake = new FakeAnthropic({ apiKey, brain: heuristicReviewer });
    const { url } = await fake.start();
    endpoint = { apiKey, baseUrl: url, model: options.target.model ?? HEURISTIC_MODEL };
  } else endpoint = options.target;
  const outcomes: CaseOutcome[] = [];
  const specialistOutcomes: SpecialistCaseOutcome[] = [];
  try {
    for (const evalCase of cases) {
      const { outcome } = await runOne(evalCase, endpoint, window, options.log);
      outcomes.push(outcome);
      options.onCase?.(outcome, 'single');
      if (options.specialists === false) continue;
      const specialist = await runSpecialistCase(evalCase, endpoint, window, options.log);
      specialistOutcomes.push(specialist);
      options.onCase?.(specialist, 'specialists');
    }
    if (fake && fake.errors.length > 0) throw new Error(`the fake Anthropic server saw requests the real API would refuse: ${fake.errors.join('; ')}`);
  } finally {
    await fake?.stop();
  }
  return {
    target: { kind: options.target.kind, model: endpoint.model },
    startedAt,
    lineWindow: window,
    cases: outcomes,
    score: scoreCorpus(outcomes),
    totals: totalsOf(outcomes),
    ...(options.specialists === false ? {} : { specialists: specialistsReport(specialistOutcomes) }),
  };
}
