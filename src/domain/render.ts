import type { Category, Finding, ReviewResult, Severity } from './finding.js';
import { carriedSection, notReviewedSection, severityIcon, statusLines, usageFooter } from './render-sections.js';

/** Hidden marker that identifies forgebot's summary note, so a re-review edits it in place. */
export const SUMMARY_MARKER = '<!-- forgebot:summary -->';
const FINDING_MARKER_PREFIX = '<!-- forgebot:finding:';

const severityOrder: Severity[] = ['blocker', 'major', 'minor', 'nit'];

/** FNV-1a, 32 bit: a stable, dependency-free fingerprint (also safe inside workflow code). */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/** Identity of a finding across re-reviews: same file, same kind, same title. The line may move. */
export function findingFingerprint(finding: Pick<Finding, 'path' | 'category' | 'title'>): string {
  return fnv1a(`${finding.path}\u0000${finding.category}\u0000${finding.title.trim().toLowerCase()}`);
}

export function findingMarker(finding: Finding): string {
  return `${FINDING_MARKER_PREFIX}${findingFingerprint(finding)} -->`;
}

/** The fingerprint hidden in a comment body, if forgebot wrote it. */
export function fingerprintIn(body: string): string | undefined {
  const start = body.indexOf(FINDING_MARKER_PREFIX);
  if (start < 0) return undefined;
  return /^[0-9a-f]{8}/.exec(body.slice(start + FINDING_MARKER_PREFIX.length))?.[0];
}

/** What forgebot's own inline comment says about its finding (see renderInlineComment), if it is one. */
export function parseInlineComment(body: string): { severity: Severity; category: Category; title: string } | undefined {
  const match = /\*\*(blocker|major|minor|nit)\*\* · (bug|security|performance|maintainability|style|docs|tests) · [^\n]*\r?\n\r?\n\*\*(.+)\*\*\r?\n/.exec(body);
  if (!match) return undefined;
  return { severity: match[1] as Severity, category: match[2] as Category, title: match[3] ?? '' };
}

export function renderInlineComment(finding: Finding): string {
  const lines = [
    `${severityIcon[finding.severity]} **${finding.severity}** · ${finding.category} · confidence ${finding.confidence.toFixed(2)}`,
    '',
    `**${finding.title}**`,
    '',
    finding.body,
  ];
  // GitLab's fence counts the lines above the commented (last) line that the suggestion replaces; GitHub's spans the range.
  const above = finding.startLine !== undefined ? finding.line - finding.startLine : 0;
  if (finding.suggestion !== undefined) lines.push('', `\`\`\`suggestion:-${above}+0`, finding.suggestion, '```');
  lines.push('', findingMarker(finding));
  return lines.join('\n');
}

export interface SummaryContext {
  headSha: string;
  /** Findings that could not be anchored to a diff line: listed in the summary instead. */
  unanchored: Finding[];
  /** Bot threads resolved because this revision fixed them. */
  resolvedThreads?: number;
}

export function renderSummary(result: ReviewResult, context: SummaryContext): string {
  const counts = severityOrder
    .map((severity) => [severity, result.findings.filter((finding) => finding.severity === severity).length] as const)
    .filter(([, count]) => count > 0)
    .map(([severity, count]) => `${severityIcon[severity]} ${count} ${severity}`);
  const lines = [
    SUMMARY_MARKER,
    `### forgebot review of \`${context.headSha.slice(0, 12)}\``,
    '',
    result.summary,
    '',
    counts.length > 0 ? `**Findings:** ${counts.join(' · ')}` : '**Findings:** none',
  ];
  if (context.unanchored.length > 0) {
    lines.push('', '<details><summary>Findings outside the diff</summary>', '');
    for (const finding of context.unanchored) {
      lines.push(`- ${severityIcon[finding.severity]} \`${finding.path}:${finding.line}\` **${finding.title}** — ${finding.body}`);
    }
    lines.push('', '</details>');
  }
  lines.push(...statusLines(result, context.resolvedThreads ?? 0), ...carriedSection(result.carriedForward ?? []));
  lines.push(...notReviewedSection(result.notReviewed ?? [], result.filesReviewed));
  lines.push('', usageFooter(result));
  return lines.join('\n');
}

export function renderFailure(headSha: string, reason: string): string {
  return [SUMMARY_MARKER, `### forgebot could not review \`${headSha.slice(0, 12)}\``, '', reason].join('\n');
}
