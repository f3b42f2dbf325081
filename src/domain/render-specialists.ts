import type { AggregationReport, Category, ReviewedFinding, Severity, SpecialistReport } from './finding.js';
import { indented, severityIcon } from './render-sections.js';
import { safeCode, safeLine, safeText } from './safe-markdown.js';
import { formatUsd } from './usage-cost.js';

// The parts of the summary that only a multi-specialist review has (ReviewResult.specialists / .aggregation). Every
// reason, rule, title and model name may come from a model or a settings file: all of it goes through safe-markdown.

const categoryOrder: Category[] = ['security', 'bug', 'performance', 'maintainability', 'tests', 'docs', 'style'];
const categoryHeading: Record<Category, string> = {
  security: 'Security',
  bug: 'Bugs',
  performance: 'Performance',
  maintainability: 'Maintainability',
  tests: 'Tests',
  docs: 'Docs',
  style: 'Style',
};
const severityRank: Record<Severity, number> = { blocker: 0, major: 1, minor: 2, nit: 3 };
/** Findings and dropped findings listed before "… and N more": the note stays well under GitHub's 65,536 characters. */
const LISTED_FINDINGS = 60;
const LISTED_DROPPED = 30;

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
const raisedBy = (names: readonly string[] | undefined) => (names && names.length > 0 ? ` — raised by ${names.join(', ')}` : '');

/** `**Reviewed by:** general (default) · security (label security-review)`: who looked at the change, and why. */
export function reviewedByLine(specialists: readonly SpecialistReport[]): string {
  return `**Reviewed by:** ${specialists.map((report) => `${report.name} (${safeLine(report.reason)})`).join(' · ')}`;
}

/** Every finding of the review, under its category (security first), most severe first within one. */
export function findingsByCategory(findings: readonly ReviewedFinding[]): string[] {
  const lines: string[] = [];
  let listed = 0;
  for (const category of categoryOrder) {
    const inCategory = findings.filter((finding) => finding.category === category).sort((a, b) => severityRank[a.severity] - severityRank[b.severity]);
    if (inCategory.length === 0) continue;
    lines.push('', `**${categoryHeading[category]}** (${inCategory.length})`, '');
    const shown = inCategory.slice(0, Math.max(LISTED_FINDINGS - listed, 0));
    for (const finding of shown) {
      lines.push(`- ${severityIcon[finding.severity]} ${safeCode(`${finding.path}:${finding.line}`)} ${safeLine(finding.title.trim())}${raisedBy(finding.raisedBy)}`);
    }
    listed += shown.length;
    if (shown.length < inCategory.length) lines.push(`- … and ${inCategory.length - shown.length} more (in the inline comments)`);
  }
  return lines;
}

/** What aggregation and validation did: merged duplicates, settled conflicts (and the rule), dropped findings, reviewers not run. */
export function aggregationSection(aggregation: AggregationReport): string[] {
  const done = [
    aggregation.duplicatesMerged > 0 ? `${plural(aggregation.duplicatesMerged, 'duplicate')} merged` : '',
    aggregation.conflictsResolved > 0 ? `${plural(aggregation.conflictsResolved, 'conflicting suggestion')} settled (${safeLine(aggregation.conflictRule)})` : '',
    aggregation.validated > 0 ? `${plural(aggregation.validated, 'blocker/major finding')} re-checked against the code` : '',
  ].filter(Boolean);
  const lines: string[] = [];
  if (done.length > 0) lines.push('', `_How the reviews were combined:_ ${done.join('; ')}.`);
  if (aggregation.notRun.length > 0) {
    lines.push('', `_Not run:_ ${aggregation.notRun.map((skipped) => `${skipped.name} (${safeLine(skipped.reason)})`).join(' · ')}`);
  }
  if (aggregation.dropped.length > 0) {
    lines.push('', `<details><summary>${plural(aggregation.dropped.length, 'finding')} dropped (not confirmed, or merged away)</summary>`, '');
    for (const dropped of aggregation.dropped.slice(0, LISTED_DROPPED)) {
      lines.push(`- ${safeCode(`${dropped.path}:${dropped.line}`)} ${safeLine(dropped.title.trim())}${raisedBy(dropped.raisedBy)}`, indented(safeText(dropped.reason)));
    }
    if (aggregation.dropped.length > LISTED_DROPPED) lines.push(`- … and ${aggregation.dropped.length - LISTED_DROPPED} more`);
    lines.push('', '</details>');
  }
  return lines;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** One usage line per reviewer, for the footer (each its own small paragraph): model, tokens, cost, time. */
export function specialistUsage(specialists: readonly SpecialistReport[]): string[] {
  const lines = specialists.map((report) => {
    const { usage } = report;
    // `$1` is a GitLab snippet reference: the zero-width space keeps a cost from becoming one.
    const cost = report.costUsd === undefined ? 'cost unknown' : formatUsd(report.costUsd).replace('$', '$\u200b');
    const stopped = report.stoppedBy ? ` · stopped (${report.stoppedBy})` : '';
    return (
      `${report.name}: ${safeLine(report.model)} · ${plural(report.findings, 'finding')} · ${usage.turns} turns · ${usage.inputTokens} in / ${usage.outputTokens} out tokens` +
      ` (${usage.cacheReadTokens} cached) · ${cost} · ${seconds(report.durationMs)}${stopped}`
    );
  });
  return lines.flatMap((line) => ['', `<sub>${line}</sub>`]);
}
