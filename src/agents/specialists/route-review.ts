import type { ReviewTask } from '../../domain/agent-task.js';
import type { RepoSettings } from '../../domain/review-settings.js';
import type { ReviewScope } from '../context/scope.js';
import type { RoutePlan } from './contracts.js';
import { routeSpecialists } from './route.js';

export interface ReviewRoute {
  plan: RoutePlan;
  /** More than the general reviewer runs: the specialists' path. Otherwise the review is the single reviewer's. */
  specialists: boolean;
}

/** Which reviewers this change gets, from the files it reviews (path and changed lines), its labels and `pipeline:`. */
export function routeReview(task: ReviewTask, scope: ReviewScope, settings: RepoSettings): ReviewRoute {
  const plan = routeSpecialists({
    files: scope.files.map((file) => ({ path: file.newPath, changedLines: file.added + file.removed })),
    labels: task.review?.labels ?? [],
    pipeline: settings.pipeline,
    model: task.model,
  });
  return { plan, specialists: !(plan.run.length === 1 && plan.run[0]?.name === 'general') };
}

/** A single reviewer's review names the specialists routed but not run (max_specialists …): nothing left out silently. */
export function notRunNotices(plan: RoutePlan): string[] {
  if (plan.notRun.length === 0) return [];
  return [`Not run on this change: ${plan.notRun.map((entry) => `the ${entry.name} reviewer (${entry.reason})`).join('; ')}.`.slice(0, 2_000)];
}
