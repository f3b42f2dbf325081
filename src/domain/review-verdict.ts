import type { ReviewResult } from './finding.js';

/** What a whole review says about the change: a blocker was found, nothing is open, or findings to consider. */
export type ReviewVerdict = 'blocking' | 'findings' | 'clean';

/**
 * `clean` (which may lead to an approval where that is configured) needs more than an empty findings list, because
 * the model's output decides that list: the review ran to the end (not truncated), nothing is carried forward, and no
 * finding was held back by the thresholds. Anything less is `findings`.
 */
export function reviewVerdict(result: Pick<ReviewResult, 'findings' | 'carriedForward' | 'truncated' | 'hidden'>): ReviewVerdict {
  if (result.findings.some((finding) => finding.severity === 'blocker')) return 'blocking';
  const hidden = result.hidden ? result.hidden.lowConfidence + result.hidden.nits + result.hidden.overCap : 0;
  if (result.findings.length === 0 && (result.carriedForward ?? []).length === 0 && !result.truncated && hidden === 0) return 'clean';
  return 'findings';
}
