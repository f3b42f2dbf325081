import type { Category, Finding, ReviewedFinding, ReviewResult, Severity } from './finding.js';
import { relatedSection } from './render-related.js';
import { carriedSection, indented, notReviewedSection, severityIcon, statusLines, usageFooter } from './render-sections.js';
import { aggregationSection, findingsByCategory, reviewedByLine, specialistUsage } from './render-specialists.js';
import { SpecialistName } from './specialist-name.js';
import { fence, fromSafeLine, safeCode, safeFence, safeLine, safeText } from './safe-markdown.js';

/**
 * Hidden marker that starts forgebot's summary note, so a re-review edits it in place. Untrusted text never renders to
 * a marker (safe-markdown.ts escapes every `<`), and the forges look for it only at the start of the bot's own non-diff
 * notes.
 */
export const SUMMARY_MARKER = '<!-- forgebot:summary -->';
/** The last line of forgebot's inline comment, exactly (see findingMarker); ` by:…` only in markers since review memory. */
const FINDING_MARKER_LINE = /^<!-- forgebot:finding:([0-9a-f]{8})(?: by:([a-z]{2,20}(?:,[a-z]{2,20}){0,8}))? -->$/;

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

/** The hidden last line of an inline comment: the finding's fingerprint, and the specialists who raised it (when known). */
export function findingMarker(finding: Finding | ReviewedFinding): string {
  const raisedBy = 'raisedBy' in finding && finding.raisedBy?.length ? ` by:${finding.raisedBy.join(',')}` : '';
  return `<!-- forgebot:finding:${findingFingerprint(finding)}${raisedBy} -->`;
}

/**
 * The fingerprint forgebot rendered into its inline comment: the comment's LAST line, in exactly findingMarker's
 * format. A marker anywhere else (quoted by a person, or, were it not escaped, written by the model into a finding's
 * body above the real one) is not forgebot's record. Callers also check that forgebot wrote the comment.
 */
export function fingerprintIn(body: string): string | undefined {
  const last = body.trimEnd().split(/\r?\n/).at(-1) ?? '';
  return FINDING_MARKER_LINE.exec(last)?.[1];
}

/**
 * The specialists forgebot's marker (the comment's last line, as fingerprintIn reads it) names as having raised the
 * finding; undefined for a marker from before they were named (callers take the single reviewer, `general`).
 */
export function raisedByIn(body: string): SpecialistName[] | undefined {
  const last = body.trimEnd().split(/\r?\n/).at(-1) ?? '';
  const names = FINDING_MARKER_LINE.exec(last)?.[2]?.split(',').flatMap((name) => {
    const parsed = SpecialistName.safeParse(name);
    return parsed.success ? [parsed.data] : [];
  });
  return names && names.length > 0 ? [...new Set(names)] : undefined;
}

/** What forgebot's own inline comment says about its finding (see renderInlineComment), if it is one. */
export function parseInlineComment(body: string): { severity: Severity; category: Category; title: string } | undefined {
  const match = /^[^\n*]*\*\*(blocker|major|minor|nit)\*\* · (bug|security|performance|maintainability|style|docs|tests) · [^\n]*\r?\n\r?\n\*\*(.+)\*\*\r?\n/.exec(body);
  if (!match) return undefined;
  return { severity: match[1] as Severity, category: match[2] as Category, title: fromSafeLine(match[3] ?? '') };
}

/** A GitLab quick action (`/merge`, `/approve` …) at the start of a line: GitLab would run it as forgebot. */
const QUICK_ACTION_LINE = /^[ \t]*\/[a-z_]+(?:[ \t]|$)/m;

/**
 * The one-click suggestion: the `suggestion` field alone, in a fence longer than any backtick run in it. GitLab's fence
 * counts the lines above the commented (last) line that the suggestion replaces; GitHub's spans the range (see
 * toGitHubMarkdown). A suggestion with a line GitLab would run as a quick action is shown as plain, inert code.
 */
function suggestionBlock(finding: Finding, suggestion: string): string {
  if (QUICK_ACTION_LINE.test(suggestion)) {
    return `Suggested replacement (not offered as a one-click suggestion: a line of it reads as a quick action):\n\n${safeFence(suggestion)}`;
  }
  const above = finding.startLine !== undefined ? finding.line - finding.startLine : 0;
  return fence(suggestion, `suggestion:-${above}+0`);
}

export function renderInlineComment(finding: ReviewedFinding): string {
  // After the confidence (parseInlineComment reads the header only up to it): who raised it, in a multi-specialist review.
  const raisedBy = finding.raisedBy && finding.raisedBy.length > 0 ? ` · raised by ${finding.raisedBy.join(', ')}` : '';
  const lines = [
    `${severityIcon[finding.severity]} **${finding.severity}** · ${finding.category} · confidence ${finding.confidence.toFixed(2)}${raisedBy}`,
    '',
    `**${safeLine(finding.title.trim())}**`,
    '',
    safeText(finding.body),
  ];
  if (finding.suggestion !== undefined) lines.push('', suggestionBlock(finding, finding.suggestion));
  lines.push('', findingMarker(finding));
  return lines.join('\n');
}

export interface SummaryContext {
  headSha: string;
  /** Findings that could not be anchored to a diff line: listed in the summary instead. */
  unanchored: Finding[];
  /** Bot threads resolved because this revision fixed them. */
  resolvedThreads?: number;
  /** The change's forge: how related changes are numbered (`!12` on GitLab, `#12` on GitHub). */
  forge?: 'gitlab' | 'github';
}

export function renderSummary(result: ReviewResult, context: SummaryContext): string {
  const counts = severityOrder
    .map((severity) => [severity, result.findings.filter((finding) => finding.severity === severity).length] as const)
    .filter(([, count]) => count > 0)
    .map(([severity, count]) => `${severityIcon[severity]} ${count} ${severity}`);
  // A multi-specialist review also says who reviewed, lists every finding by category, and how the reviews became one.
  const specialists = result.specialists ?? [];
  const lines = [
    SUMMARY_MARKER,
    `### forgebot review of \`${context.headSha.slice(0, 12)}\``,
    '',
    ...(specialists.length > 0 ? [reviewedByLine(specialists), ''] : []),
    safeText(result.summary),
    '',
    counts.length > 0 ? `**Findings:** ${counts.join(' · ')}` : '**Findings:** none',
  ];
  if (specialists.length > 0) lines.push(...findingsByCategory(result.findings));
  if (result.aggregation) lines.push(...aggregationSection(result.aggregation));
  if (context.unanchored.length > 0) {
    lines.push('', '<details><summary>Findings outside the diff</summary>', '');
    for (const finding of context.unanchored) {
      lines.push(`- ${severityIcon[finding.severity]} ${safeCode(`${finding.path}:${finding.line}`)} **${safeLine(finding.title.trim())}**`, indented(safeText(finding.body)));
    }
    lines.push('', '</details>');
  }
  lines.push(...statusLines(result, context.resolvedThreads ?? 0), ...carriedSection(result.carriedForward ?? []));
  lines.push(...notReviewedSection(result.notReviewed ?? [], result.filesReviewed));
  lines.push(...relatedSection(result.related, context.forge));
  lines.push('', usageFooter(result));
  lines.push(...specialistUsage(specialists));
  return lines.join('\n');
}

export function renderFailure(headSha: string, reason: string): string {
  return [SUMMARY_MARKER, `### forgebot could not review \`${headSha.slice(0, 12)}\``, '', safeText(reason)].join('\n');
}
