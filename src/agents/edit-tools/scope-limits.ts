import type { AgentPatch } from '../../domain/patch.js';
import type { ChangeLimits } from '../../domain/review-settings.js';
import type { ChangeSummary } from './change-summary.js';
import { pathGuard, type PathGuard } from './protected-paths.js';

export interface ChangeLimitRules {
  maxFiles: number;
  /** Lines added + deleted. */
  maxLines: number;
}

const lines = (summary: ChangeSummary) => summary.linesAdded + summary.linesDeleted;

/**
 * Why an edit that took the change from `before` to `after` must be undone (one sentence), or undefined. An edit
 * that brings a change already over a limit (a command's doing) closer to it is allowed.
 */
export function limitBreach(before: ChangeSummary, after: ChangeSummary, limits: ChangeLimitRules): string | undefined {
  if (after.filesChanged > limits.maxFiles && after.filesChanged > before.filesChanged) {
    return `This edit would make the change touch ${after.filesChanged} files, more than the limit of ${limits.maxFiles} (changes.max_files), so nothing was changed.`;
  }
  if (lines(after) > limits.maxLines && lines(after) > lines(before)) {
    return `This edit would give the change ${lines(after)} changed lines (added + deleted), more than the limit of ${limits.maxLines} (changes.max_lines), so nothing was changed.`;
  }
  return undefined;
}

/** Everything wrong with a whole change (e.g. after a command rewrote files, or before a patch leaves the sandbox). */
export function scopeProblems(summary: Pick<ChangeSummary, 'filesChanged' | 'linesAdded' | 'linesDeleted'> & { paths: readonly { path: string }[] }, limits: ChangeLimitRules, guard: PathGuard): string[] {
  const problems = summary.paths.map(({ path }) => guard(path)).filter((problem): problem is string => problem !== undefined);
  if (summary.filesChanged > limits.maxFiles) problems.push(`The change touches ${summary.filesChanged} files, more than the limit of ${limits.maxFiles} (changes.max_files).`);
  const total = summary.linesAdded + summary.linesDeleted;
  if (total > limits.maxLines) problems.push(`The change has ${total} changed lines (added + deleted), more than the limit of ${limits.maxLines} (changes.max_lines).`);
  return problems;
}

/** How much of the budget the change uses, for the model. */
export function usageLine(summary: ChangeSummary, limits: ChangeLimitRules): string {
  return `the change now touches ${summary.filesChanged} of at most ${limits.maxFiles} files and has ${lines(summary)} of at most ${limits.maxLines} changed lines`;
}

/** A collected patch checked against `.forgebot.yml`'s `changes:` (a command may have written what the tools refuse). */
export function patchScopeProblems(patch: AgentPatch, changes: ChangeLimits): string[] {
  return scopeProblems({ ...patch, paths: patch.files }, { maxFiles: changes.max_files, maxLines: changes.max_lines }, pathGuard(changes.protected_paths));
}
