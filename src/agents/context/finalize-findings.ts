import { readFile, stat } from 'node:fs/promises';
import type { Finding, FindingChecks, HiddenFindings, PriorFinding, ReviewedFinding } from '../../domain/finding.js';
import { applyThresholds } from '../../domain/finding-filter.js';
import { validateFindings } from '../../domain/finding-validation.js';
import { findingFingerprint } from '../../domain/render.js';
import type { RepoSettings } from '../../domain/review-settings.js';
import { confinedPath } from '../confined-path.js';
import type { DiffFile } from './diff-files.js';

const MAX_SUGGESTION_FILE_BYTES = 2_000_000;

/** `F`: the findings as the caller has them (a multi-specialist review's carry raisedBy: it survives). */
export interface FinalizeInput<F extends ReviewedFinding = Finding> {
  repoDir: string;
  findings: readonly F[];
  /** Ids the model reported fixed (anything not in `prior` is ignored). */
  reportedFixed: readonly string[];
  changeFiles: readonly DiffFile[];
  settings: RepoSettings['reviewer'];
  prior: readonly PriorFinding[];
  resolvedFingerprints: readonly string[];
}

export interface FinalFindings<F extends ReviewedFinding = Finding> {
  findings: F[];
  hidden: HiddenFindings;
  checks: FindingChecks;
  fixed: string[];
  carriedForward: PriorFinding[];
  notRaisedAgain: number;
}

/** The head version of the files that suggestions point at (a suggestion must apply to them cleanly). */
async function headFiles(repoDir: string, findings: readonly Finding[]): Promise<Map<string, string[]>> {
  const lines = new Map<string, string[]>();
  for (const path of new Set(findings.filter((f) => f.suggestion !== undefined && f.side === 'new').map((f) => f.path))) {
    try {
      const full = await confinedPath(repoDir, path);
      if ((await stat(full)).size > MAX_SUGGESTION_FILE_BYTES) continue;
      const text = await readFile(full, 'utf8');
      lines.set(path, text.split('\n'));
    } catch {
      // Not readable at the head (deleted, outside the repository): its suggestions become plain text.
    }
  }
  return lines;
}

/**
 * From what the model submitted to what is posted: checked and placed on the diff, findings a person already
 * resolved left out, the repository's thresholds applied; earlier findings sorted into fixed and still open.
 */
export async function finalizeFindings<F extends ReviewedFinding>(input: FinalizeInput<F>): Promise<FinalFindings<F>> {
  const heads = await headFiles(input.repoDir, input.findings);
  const files = input.changeFiles.map((file) => ({ oldPath: file.oldPath, newPath: file.newPath, diff: file.hunks }));
  const { findings: checked, checks } = validateFindings(input.findings, { files, headLines: (path) => heads.get(path) });
  const resolved = new Set(input.resolvedFingerprints);
  const fresh = checked.filter((finding) => !resolved.has(findingFingerprint(finding)));
  const { shown, hidden } = applyThresholds(fresh, input.settings);

  const raisedAgain = new Set(checked.map((finding) => findingFingerprint(finding)));
  const reported = new Set(input.reportedFixed);
  const changed = new Set(input.changeFiles.filter((file) => file.status !== 'deleted').map((file) => file.newPath));
  // Fixed: the model says so, or the file is no longer changed by the merge request (the code is gone).
  const fixed = input.prior.filter((prior) => !raisedAgain.has(prior.fingerprint) && (reported.has(prior.fingerprint) || !changed.has(prior.path)));
  const fixedIds = new Set(fixed.map((prior) => prior.fingerprint));
  return {
    findings: shown,
    hidden,
    checks,
    fixed: [...fixedIds],
    carriedForward: input.prior.filter((prior) => !fixedIds.has(prior.fingerprint) && !raisedAgain.has(prior.fingerprint)),
    notRaisedAgain: checked.length - fresh.length,
  };
}
