import { SentryIssueSummary } from '../../domain/sentry/issue.js';
import type { SentryApiIssue } from './sentry-api-schemas.js';
import { SentryError } from './sentry-errors.js';
import { scrubText } from './scrub.js';

/** `text` cut to `max` characters (with an ellipsis), `undefined` for empty. */
export function cut(text: string | null | undefined, max: number): string | undefined {
  if (text === null || text === undefined || text === '') return undefined;
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The web page of an issue: Sentry's permalink when it is an http(s) URL, else the org's issue page on SENTRY_URL. */
export function issueWebUrl(sentryUrl: string, org: string, issueId: string, permalink?: string | null): string {
  if (permalink) {
    try {
      const url = new URL(permalink);
      if ((url.protocol === 'https:' || url.protocol === 'http:') && permalink.length <= 2_000) return url.toString();
    } catch {
      // Not a URL: built below.
    }
  }
  return `${sentryUrl.replace(/\/+$/, '')}/organizations/${encodeURIComponent(org)}/issues/${issueId}/`;
}

/** What forgebot keeps of an issue the API answered: cut to the summary's limits, credentials redacted. */
export function issueSummaryFromApi(org: string, issue: SentryApiIssue, sentryUrl: string, secrets: readonly string[] = []): SentryIssueSummary {
  const clean = (text: string | null | undefined, max: number) => cut(text === null || text === undefined ? text : scrubText(text, secrets), max);
  const count = Number(issue.count ?? 0);
  const summary = {
    org,
    issueId: issue.id,
    shortId: issue.shortId,
    projectSlug: issue.project.slug,
    ...(issue.project.id !== null && issue.project.id !== undefined ? { projectId: String(issue.project.id).slice(0, 40) } : {}),
    title: clean(issue.title, 1_000) ?? '(untitled)',
    culprit: clean(issue.culprit, 1_000),
    level: cut(issue.level, 40),
    platform: cut(issue.platform, 60),
    status: cut(issue.status, 40) ?? 'unresolved',
    errorType: clean(issue.metadata?.type, 500),
    errorValue: clean(issue.metadata?.value, 2_000),
    count: Number.isSafeInteger(count) && count >= 0 ? count : 0,
    userCount: Math.max(Math.trunc(issue.userCount ?? 0), 0),
    firstSeen: cut(issue.firstSeen, 40),
    lastSeen: cut(issue.lastSeen, 40),
    webUrl: issueWebUrl(sentryUrl, org, issue.id, issue.permalink),
  };
  const withoutUndefined = Object.fromEntries(Object.entries(summary).filter(([, value]) => value !== undefined));
  const parsed = SentryIssueSummary.safeParse(withoutUndefined);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 3).map((problem) => `${problem.path.join('.')}: ${problem.message}`);
    throw new SentryError('ERR_SENTRY_BAD_RESPONSE', `Sentry issue ${issue.id.slice(0, 20)} does not fit forgebot's summary: ${problems.join('; ')}`);
  }
  return parsed.data;
}
