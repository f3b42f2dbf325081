import type { NotReviewedFile, PriorFinding, ReviewResult, Severity } from './finding.js';
import { safeCode, safeLine } from './safe-markdown.js';
import { formatUsd } from './usage-cost.js';

export const severityIcon: Record<Severity, string> = { blocker: '🛑', major: '🔴', minor: '🟡', nit: '⚪' };
/** Paths listed per reason before "… and N more": a 2,000-file change stays readable. */
const LISTED_PER_REASON = 30;

const stopText: Record<NonNullable<ReviewResult['stoppedBy']>, string> = {
  turns: 'its turn limit',
  tokens: 'its token budget',
  cost: 'its cost budget',
  'no-tool-call': 'the model ending without finishing',
};

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/** A block (e.g. safeText's) as the continuation of a list item: every line indented under the item's text. */
export const indented = (block: string) => block.split('\n').map((line) => (line === '' ? '' : `  ${line}`)).join('\n');

/** Files not reviewed, grouped by reason: every changed file is either reviewed or listed here. */
export function notReviewedSection(files: readonly NotReviewedFile[], reviewed: number | undefined): string[] {
  if (files.length === 0) return [];
  const byReason = new Map<string, string[]>();
  for (const file of files) byReason.set(file.reason, [...(byReason.get(file.reason) ?? []), file.path]);
  const head = reviewed === undefined ? '' : `${plural(reviewed, 'file')} reviewed; `;
  const lines = ['', `<details><summary>${head}${plural(files.length, 'file')} not reviewed</summary>`, ''];
  for (const [reason, paths] of byReason) {
    const shown = paths.slice(0, LISTED_PER_REASON).map(safeCode).join(', ');
    const more = paths.length > LISTED_PER_REASON ? ` … and ${paths.length - LISTED_PER_REASON} more` : '';
    lines.push(`- **${safeLine(reason)}** (${paths.length}): ${shown}${more}`);
  }
  lines.push('', '</details>');
  return lines;
}

/** Notices, what was held back, incremental state and caps: the lines between the verdict and the details. */
export function statusLines(result: ReviewResult, resolvedThreads: number): string[] {
  const lines: string[] = [];
  for (const notice of result.notices ?? []) lines.push(`> ⚠️ ${safeLine(notice)}`);
  if (result.incrementalFrom) lines.push(`_Incremental review of the commits after \`${result.incrementalFrom.slice(0, 12)}\`._`);
  const hidden = result.hidden;
  const held = hidden ? [
    hidden.lowConfidence > 0 ? `${hidden.lowConfidence} below the confidence threshold` : '',
    hidden.nits > 0 ? plural(hidden.nits, 'nit') : '',
    hidden.overCap > 0 ? `${hidden.overCap} over the per-review cap` : '',
  ].filter(Boolean) : [];
  if (held.length > 0) lines.push(`Not shown: ${held.join(', ')} (settings in \`.forgebot.yml\`).`);
  if (resolvedThreads > 0) lines.push(`✅ ${plural(resolvedThreads, 'earlier finding')} fixed by the new commits: ${resolvedThreads === 1 ? 'its thread was' : 'their threads were'} resolved.`);
  if ((result.notRaisedAgain ?? 0) > 0) lines.push(`${plural(result.notRaisedAgain ?? 0, 'finding')} already resolved or dismissed by a person ${result.notRaisedAgain === 1 ? 'was' : 'were'} not raised again.`);
  if (result.truncated || result.stoppedBy) {
    const cap = result.stoppedBy ? stopText[result.stoppedBy] : 'its turn or token cap';
    lines.push(`_The review stopped at ${cap}; it may be incomplete: the findings so far are posted, and files it did not reach are listed below._`);
  }
  return lines.length > 0 ? ['', ...lines] : [];
}

export function carriedSection(carried: readonly PriorFinding[]): string[] {
  if (carried.length === 0) return [];
  const lines = ['', `<details><summary>${plural(carried.length, 'earlier finding')} still open</summary>`, ''];
  for (const finding of carried) lines.push(`- ${severityIcon[finding.severity]} ${safeCode(`${finding.path}:${finding.line}`)} ${safeLine(finding.title)}`);
  lines.push('', '</details>');
  return lines;
}

/** The footer: model, turns, every token count, and the cost (or why it is unknown). */
export function usageFooter(result: ReviewResult): string {
  const { usage } = result;
  const cost = result.costUsd === undefined ? `cost unknown (no price for ${safeLine(result.model)})` : formatUsd(result.costUsd);
  return (
    `<sub>${safeLine(result.model)} · ${usage.turns} turns · ${usage.inputTokens} in / ${usage.outputTokens} out tokens` +
    ` (${usage.cacheReadTokens} cached) · ${usage.cacheWriteTokens} cache-write tokens · ${cost}</sub>`
  );
}
