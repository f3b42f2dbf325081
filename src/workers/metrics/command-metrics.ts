import { Counter } from 'prom-client';
import { workerRegistry } from './forgebot-metrics.js';

export const RATE_LIMIT_SCOPES = ['person', 'change'] as const;
export type RateLimitScope = (typeof RATE_LIMIT_SCOPES)[number];
/** What was refused: reviews on request, or answers (explain, suggest, replies to findings). */
export const RATE_LIMITED_WHAT = ['reviews', 'answers'] as const;
export type RateLimitedWhat = (typeof RATE_LIMITED_WHAT)[number];

const rateLimited = new Counter({
  name: 'forgebot_command_rate_limited_total',
  help: 'Token-costing commands refused by a rate limit and answered so in their thread, by scope (person: per person, on one change or across all changes; change: per change) and what (reviews, answers).',
  labelNames: ['scope', 'what'],
  registers: [workerRegistry],
});
const budgetUnchecked = new Counter({
  name: 'forgebot_command_budget_unchecked_total',
  help: 'Token-costing commands let through without the per-person limit across changes because Redis could not be asked (fail open: the per-change limits still applied), by kind (answer, review).',
  labelNames: ['kind'],
  registers: [workerRegistry],
});
for (const scope of RATE_LIMIT_SCOPES) for (const what of RATE_LIMITED_WHAT) rateLimited.inc({ scope, what }, 0);
for (const kind of ['answer', 'review']) budgetUnchecked.inc({ kind }, 0);

/** One refusal, once it was said in its thread. */
export function countRateLimited(scope: RateLimitScope, what: RateLimitedWhat): void {
  rateLimited.inc({ scope, what });
}

export function countBudgetUnchecked(kind: 'answer' | 'review'): void {
  budgetUnchecked.inc({ kind });
}
