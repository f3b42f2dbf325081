import type { AnalysisResult, ImplementResult } from '../../domain/agent-task.js';
import type { SentryIssueSummary } from '../../domain/sentry/issue.js';
import { safeFence, safeLine } from '../../domain/safe-markdown.js';
import { analysisLines, cutEnd, linkTo, safeTitle, verificationLines, withoutBlankRuns } from './render-parts.js';
import { issueWebUrl } from './issue-summary.js';

export interface FixDescriptionInput {
  issue: SentryIssueSummary;
  analysis: AnalysisResult;
  work: ImplementResult;
  /** SENTRY_URL: the issue's link when Sentry gave none. */
  sentryUrl: string;
  earlierAttempt?: { webUrl: string };
}

export const MAX_TITLE_CHARS = 200;

/** `Fix TypeError: Cannot read properties of undefined`: the error type and its message (or the issue's title). */
export function fixTitle(issue: SentryIssueSummary): string {
  const type = issue.errorType?.trim();
  const words = (issue.errorValue?.trim() || issue.title).trim();
  return safeTitle(type ? `Fix ${type}: ${words}` : `Fix ${words}`, MAX_TITLE_CHARS);
}

/**
 * The description of the fix change: the Sentry issue it fixes (linked), the analyst's root cause and evidence, the
 * runner's test proof (before/after output, fenced and cut), the patch size, an earlier attempt, and the line
 * `Fixes SENTRY-<shortId>` (the forge and Sentry integrations read it).
 */
export function renderFixDescription(input: FixDescriptionInput): { title: string; description: string } {
  const { issue, analysis, work } = input;
  const webUrl = issueWebUrl(input.sentryUrl, issue.org, issue.issueId, issue.webUrl);
  const seen = `${issue.count} events, ${issue.userCount} users${issue.lastSeen ? `, last seen ${safeLine(issue.lastSeen)}` : ''}`;
  const lines = [
    `forgebot’s proposed fix for the Sentry issue ${linkTo(issue.shortId, webUrl)} (${seen}):`,
    '',
    `> ${safeLine(cutEnd(issue.title, 300))}`,
    '',
    ...analysisLines(analysis),
    '',
    ...verificationLines(work.verification),
    `**Patch:** ${work.patch.filesChanged} files, +${work.patch.linesAdded} −${work.patch.linesDeleted} lines.`,
    '',
    '**What the agent says it did** (its own words, unverified):',
    '',
    safeFence(cutEnd(work.summary, 3_000)),
  ];
  if (input.earlierAttempt) lines.push('', `An earlier fix for this issue was merged and the error came back: ${linkTo('the earlier change', input.earlierAttempt.webUrl)}.`);
  lines.push('', `Fixes SENTRY-${issue.shortId}`, '', '_Opened by forgebot as a draft: nothing merges without a person._');
  return { title: fixTitle(issue), description: withoutBlankRuns(lines).join('\n') };
}
