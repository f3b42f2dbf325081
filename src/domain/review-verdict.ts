import type { ReviewResult } from './finding.js';

/** What a whole review says about the change: a blocker was found, nothing is open, or findings to consider. */
export type ReviewVerdict = 'blocking' | 'findings' | 'clean';

export function reviewVerdict(result: Pick<ReviewResult, 'findings' | 'carriedForward'>): ReviewVerdict {
  if (result.findings.some((finding) => finding.severity === 'blocker')) return 'blocking';
  if (result.findings.length === 0 && (result.carriedForward ?? []).length === 0) return 'clean';
  return 'findings';
}
