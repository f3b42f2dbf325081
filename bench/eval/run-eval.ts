import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { Finding, TokenUsage } from '../../src/domain/finding.js';
import { FakeAnthropic } from '../../src/fakes/anthropic/fake-anthropic.js';
import { heuristicReviewer } from '../../src/fakes/anthropic/heuristic-reviewer.js';
import type { CaseKind, CaseLanguage, EvalCase } from './case-schema.js';
import { materializeCase } from './materialize.js';
import { reviewCase, type ModelEndpoint } from './runner-adapter.js';
import { BLOCKING, DEFAULT_LINE_WINDOW, scoreCase, scoreCorpus, type CaseMatch, type CorpusScore } from './score.js';

/** `heuristic`: the fake Anthropic server answered by the rule-based reviewer (CI); `anthropic`: a real endpoint. */
export type EvalTarget = { kind: 'heuristic'; model?: string } | ({ kind: 'anthropic' } & ModelEndpoint);

export interface CaseOutcome {
  id: string;
  language: CaseLanguage;
  kind: CaseKind;
  clean: boolean;
  /** Blocker/major findings as posted (after the runner's checks). */
  blocking: Pick<Finding, 'path' | 'line' | 'severity' | 'category' | 'title'>[];
  findings: number;
  match: CaseMatch;
  latencyMs: number;
  usage?: TokenUsage;
  costUsd?: number;
  /** The run failed (scored as finding nothing). */
  error?: string;
}

export interface EvalReport {
  target: { kind: EvalTarget['kind']; model: string };
  startedAt: string;
  lineWindow: number;
  cases: CaseOutcome[];
  score: CorpusScore;
  totals: { costUsd: number | null; latencyMs: number; inputTokens: number; outputTokens: number; cacheReadTokens: number };
}

export interface EvalOptions {
  target: EvalTarget;
  log: Logger;
  lineWindow?: number;
  /** Called after each case (progress output). */
  onCase?: (outcome: CaseOutcome) => void;
}

/** The default model name for the heuristic target: a priced model, so the cost column is computed from the fake's usage. */
const HEURISTIC_MODEL = 'claude-sonnet-4-6';

async function runOne(evalCase: EvalCase, endpoint: ModelEndpoint, window: number, log: Logger): Promise<CaseOutcome> {
  const base = { id: evalCase.id, language: evalCase.language, kind: evalCase.kind, clean: evalCase.kind === 'clean' };
  const repo = await materializeCase(evalCase);
  const workspace = await mkdtemp(join(tmpdir(), 'forgebot-eval-'));
  const started = performance.now();
  try {
    const result = await reviewCase(evalCase, repo, endpoint, workspace, log.child({ case: evalCase.id }));
    const latencyMs = Math.round(performance.now() - started);
    return {
      ...base,
      blocking: result.findings.filter((finding) => BLOCKING.has(finding.severity)).map(({ path, line, severity, category, title }) => ({ path, line, severity, category, title })),
      findings: result.findings.length,
      match: scoreCase(evalCase, result.findings, window),
      latencyMs,
      usage: result.usage,
      ...(result.costUsd !== undefined ? { costUsd: result.costUsd } : {}),
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.warn({ case: evalCase.id, message }, 'eval case failed');
    return { ...base, blocking: [], findings: 0, match: scoreCase(evalCase, [], window), latencyMs: Math.round(performance.now() - started), error: message.slice(0, 500) };
  } finally {
    await Promise.all([repo.repo.remove(), rm(workspace, { recursive: true, force: true })]);
  }
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
  try {
    for (const evalCase of cases) {
      const outcome = await runOne(evalCase, endpoint, window, options.log);
      outcomes.push(outcome);
      options.onCase?.(outcome);
    }
    if (fake && fake.errors.length > 0) throw new Error(`the fake Anthropic server saw requests the real API would refuse: ${fake.errors.join('; ')}`);
  } finally {
    await fake?.stop();
  }
  const costs = outcomes.map((outcome) => outcome.costUsd);
  return {
    target: { kind: options.target.kind, model: endpoint.model },
    startedAt,
    lineWindow: window,
    cases: outcomes,
    score: scoreCorpus(outcomes),
    totals: {
      costUsd: costs.every((cost) => cost !== undefined) ? costs.reduce<number>((sum, cost) => sum + (cost ?? 0), 0) : null,
      latencyMs: outcomes.reduce((sum, outcome) => sum + outcome.latencyMs, 0),
      inputTokens: outcomes.reduce((sum, outcome) => sum + (outcome.usage?.inputTokens ?? 0) + (outcome.usage?.cacheWriteTokens ?? 0), 0),
      outputTokens: outcomes.reduce((sum, outcome) => sum + (outcome.usage?.outputTokens ?? 0), 0),
      cacheReadTokens: outcomes.reduce((sum, outcome) => sum + (outcome.usage?.cacheReadTokens ?? 0), 0),
    },
  };
}
