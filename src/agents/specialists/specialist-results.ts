// How the specialists' runs read in the review result: who covered which file, each one's report and summary.
import type { NotReviewedFile, SpecialistReport, StopCause } from '../../domain/finding.js';
import type { SpecialistName } from '../../domain/specialist-name.js';
import { costOf } from '../../domain/usage-cost.js';
import type { ReviewPlan } from '../context/plan-batches.js';
import { stoppedText, summaryOf } from '../context/review-result.js';
import type { ReviewScope } from '../context/scope.js';
import type { SpecialistRun } from './run-specialists.js';

const LABELS: Record<SpecialistName, string> = {
  general: 'General', security: 'Security', performance: 'Performance', docs: 'Documentation', tests: 'Tests',
  typescript: 'TypeScript', python: 'Python', go: 'Go', php: 'PHP',
};
const MAX_REPORT_SUMMARY = 4_000;
const NAMED_FILES = 10;

/** A run's own summary: the model's, or why it has none. */
function summaryOfRun(run: SpecialistRun, batches: number, scope: ReviewScope): string {
  if (run.error !== undefined) return `It failed before submitting (${run.error}).`;
  return summaryOf(run.outcome.submitted, run.outcome.stoppedBy, run.outcome.usage.turns, batches, scope);
}

/**
 * The review's coverage: a planned file counts as reviewed when at least one specialist finished it; one that none
 * did is not reviewed (with the first run's reason), and only then did a cap cut the review (`stoppedBy`: the cap
 * of the first run, in route order, that left such a file).
 */
export function coverageOf(runs: readonly SpecialistRun[], plan: ReviewPlan): { reviewed: number; notReviewed: NotReviewedFile[]; stoppedBy?: StopCause } {
  const planned = plan.batches.flat().map((file) => file.file.newPath);
  const missedBy = runs.map((run) => new Map(run.outcome.notReviewed.map((file) => [file.path, file.reason])));
  const nobody = planned.filter((path) => missedBy.every((missed) => missed.has(path)));
  const notReviewed = nobody.map((path) => ({ path, reason: missedBy[0]?.get(path) ?? 'not reviewed' }));
  const cutBy = runs.find((run, index) => run.outcome.stoppedBy !== undefined && nobody.some((path) => missedBy[index]?.has(path)));
  return { reviewed: planned.length - nobody.length, notReviewed, ...(cutBy?.outcome.stoppedBy ? { stoppedBy: cutBy.outcome.stoppedBy } : {}) };
}

/** A specialist that failed or stopped at a cap says which files it did not review (the others' findings stand). */
export function specialistNotices(runs: readonly SpecialistRun[]): string[] {
  return runs.flatMap((run) => {
    const missed = run.outcome.notReviewed.map((file) => file.path);
    if (missed.length === 0) return [];
    const why = run.error !== undefined ? `failed (${run.error})` : `stopped at ${stoppedText[run.outcome.stoppedBy ?? 'turns']}`;
    const named = missed.slice(0, NAMED_FILES).join(', ') + (missed.length > NAMED_FILES ? ` and ${missed.length - NAMED_FILES} more` : '');
    return [`The ${run.routed.name} reviewer ${why}: not reviewed by it: ${named}. The other reviewers' findings are kept.`.slice(0, 2_000)];
  });
}

/** One summary of the review: each reviewer's, labelled, the general reviewer's first (route order). */
export function specialistsSummary(runs: readonly SpecialistRun[], batches: number, scope: ReviewScope): string {
  if (batches === 0) return summaryOf([], undefined, 0, 0, scope);
  const each = Math.floor(19_000 / Math.max(1, runs.length)) - 40;
  return runs.map((run) => `**${LABELS[run.routed.name]}:** ${summaryOfRun(run, batches, scope).slice(0, each)}`).join('\n\n');
}

export function specialistReports(runs: readonly SpecialistRun[], batches: number, scope: ReviewScope, redact: (text: string) => string): SpecialistReport[] {
  return runs.map((run) => {
    const costUsd = costOf(run.routed.model, run.outcome.usage);
    return {
      name: run.routed.name,
      model: run.routed.model,
      reason: redact(run.routed.reason).slice(0, 300),
      findings: run.outcome.submitted.reduce((sum, submitted) => sum + submitted.findings.length, 0),
      usage: run.outcome.usage,
      ...(costUsd !== undefined ? { costUsd } : {}),
      ...(run.outcome.stoppedBy ? { stoppedBy: run.outcome.stoppedBy } : {}),
      durationMs: run.durationMs,
      summary: redact(summaryOfRun(run, batches, scope)).slice(0, MAX_REPORT_SUMMARY),
    };
  });
}
