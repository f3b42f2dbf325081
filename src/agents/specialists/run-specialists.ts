import type { AgentLimits } from '../../domain/agent-task.js';
import { emptyUsage } from '../../domain/finding.js';
import { reviewBatches, type BatchDeps, type BatchesOutcome } from '../context/review-batches.js';
import { shareOfLimits } from './budget-share.js';
import { focusFor } from './catalog.js';
import { concurrencyLimit } from './concurrency.js';
import type { RoutedSpecialist, RoutePlan } from './contracts.js';
import { sharedPrefixGate } from './shared-prefix.js';

export interface SpecialistRunsDeps extends Omit<BatchDeps, 'model' | 'limits' | 'focus' | 'sharedPrefix'> {
  /** The budget the specialists share (each gets its share of it). */
  limits: AgentLimits;
  /** Conversations at once (pipeline.max_parallel). */
  maxParallel: number;
  /** Each batch's first conversation writes the shared prefix before the others start it (default true). */
  warmCacheFirst?: boolean;
}

export interface SpecialistRun {
  routed: RoutedSpecialist;
  outcome: BatchesOutcome;
  limits: AgentLimits;
  durationMs: number;
  /** Set when its conversation failed (a model API error after the client's retries): it submitted nothing. */
  error?: string;
}

/**
 * Every routed specialist reviews the planned batches in a conversation of its own, at most `maxParallel` at once,
 * with its model, focus and share of the budget. One failing or stopping at a cap does not touch the others: its
 * unreviewed files are in its outcome's notReviewed. Throws only when every one of them failed.
 */
export async function runSpecialists(deps: SpecialistRunsDeps, route: RoutePlan): Promise<SpecialistRun[]> {
  const slot = concurrencyLimit(deps.maxParallel);
  const sharedPrefix = sharedPrefixGate(deps.warmCacheFirst ?? true);
  const paths = deps.scope.files.map((file) => file.newPath);
  const diffs = new Map(deps.scope.files.map((file) => [file.newPath, file.text]));
  const diffText = (path: string) => diffs.get(path);
  const planned = deps.plan.batches.flat();
  const { client, task, plan, scope, tools, extraTools } = deps;
  const errors: unknown[] = [];

  const runs = await Promise.all(
    route.run.map((routed) =>
      slot(async (): Promise<SpecialistRun> => {
        const limits = shareOfLimits(deps.limits, routed.share);
        const started = performance.now();
        const log = deps.log.child({ specialist: routed.name });
        try {
          const outcome = await reviewBatches({ client, task, plan, scope, tools, extraTools, model: routed.model, limits, focus: focusFor(routed.name, { paths, diffText }), sharedPrefix, log });
          return { routed, outcome, limits, durationMs: Math.round(performance.now() - started) };
        } catch (error) {
          errors.push(error);
          const message = (error instanceof Error ? error.message : String(error)).slice(0, 200);
          log.warn({ error: message }, 'specialist failed');
          const reason = `the ${routed.name} reviewer failed (${message})`;
          const outcome: BatchesOutcome = { submitted: [], usage: emptyUsage(), reviewed: 0, notReviewed: planned.map((file) => ({ path: file.file.newPath, reason })) };
          return { routed, outcome, limits, durationMs: Math.round(performance.now() - started), error: message };
        }
      }),
    ),
  );
  // Nothing to publish: the job fails as a single reviewer's would (the activity's retry policy decides).
  if (runs.length > 0 && errors.length === runs.length) throw errors[0];
  return runs;
}
