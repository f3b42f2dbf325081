import type { CheckResult, CheckStatus } from './check.js';

const MARKS: Record<CheckStatus, string> = { ok: '✓', fail: '✗', skip: '–' };

/** One line per check (`✓ Redis  PONG from …`, `✗ … → fix: …`), then the count: what `forgebot doctor` prints for people. */
export function renderChecks(results: readonly CheckResult[]): string {
  const width = Math.max(...results.map((result) => result.name.length));
  const lines = results.map((result) => `${MARKS[result.status]} ${result.name.padEnd(width)}  ${result.detail}${result.status === 'fail' && result.hint ? ` → fix: ${result.hint}` : ''}`);
  const failed = results.filter((result) => result.status === 'fail').length;
  const skipped = results.filter((result) => result.status === 'skip').length;
  const summary = failed === 0 ? `all ${results.length - skipped} checks passed${skipped ? ` (${skipped} skipped)` : ''}` : `${failed} of ${results.length} checks failed`;
  return `${lines.join('\n')}\n${summary}\n`;
}
