import type { Finding, HiddenFindings, Severity } from './finding.js';
import type { RepoSettings } from './review-settings.js';

const severityRank: Record<Severity, number> = { blocker: 0, major: 1, minor: 2, nit: 3 };

/** Most severe first, then most confident: the order findings are shown (and capped) in. */
export function bySeverityThenConfidence(x: Finding, y: Finding): number {
  return severityRank[x.severity] - severityRank[y.severity] || y.confidence - x.confidence;
}

/** Applies the repository's thresholds: low-confidence findings and nits are hidden, then the cap; all counted. */
export function applyThresholds<F extends Finding>(findings: readonly F[], settings: RepoSettings['reviewer']): { shown: F[]; hidden: HiddenFindings } {
  const hidden: HiddenFindings = { lowConfidence: 0, nits: 0, overCap: 0 };
  const passing = [...findings].sort(bySeverityThenConfidence).filter((finding) => {
    if (finding.confidence < settings.min_confidence) {
      hidden.lowConfidence++;
      return false;
    }
    if (finding.severity === 'nit' && !settings.include_nits) {
      hidden.nits++;
      return false;
    }
    return true;
  });
  hidden.overCap = Math.max(0, passing.length - settings.max_findings);
  return { shown: passing.slice(0, settings.max_findings), hidden };
}
