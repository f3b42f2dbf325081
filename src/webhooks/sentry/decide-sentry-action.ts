import { findSentryMapping, type SentryProjectMapping } from '../../domain/sentry/project-mapping.js';
import { SentryTrigger, type SentryIssueSettled, type SentryIssueSummary } from '../../domain/sentry/issue.js';
import type { SubjectRef } from '../../domain/subject-ref.js';
import { InvalidPayloadError } from '../gitlab/parse-gitlab-event.js';
import type { SentryEvent } from './parse-sentry-event.js';
import type { SentryEnvelope, SentryEventAlertPayload, SentryIssuePayload } from './sentry-payload.js';

export type SentrySubject = Extract<SubjectRef, { kind: 'sentry-issue' }>;

/** What forgebot does about one Sentry delivery (decided by `decideSentryAction`, carried out by dispatch-sentry-action.ts). */
export type SentryAction =
  | { kind: 'start'; subject: SentrySubject; trigger: SentryTrigger }
  | { kind: 'settle'; subject: SentrySubject; settled: SentryIssueSettled }
  /** `unmapped`: the project has no SENTRY_PROJECTS entry (logged and counted by the route). */
  | { kind: 'ignore'; reason: string; unmapped?: { org: string; project?: string } };

export interface DecideOptions {
  mappings: readonly SentryProjectMapping[];
  /** SENTRY_URL: the issue's page when the payload names none. */
  sentryUrl: string;
  /** Sentry's `Request-ID` of the delivery. */
  deliveryId?: string;
}

export const NOT_MAPPED_REASON = 'project not mapped';

/**
 * What forgebot does about a parsed Sentry delivery. Pure: no I/O.
 * - issue `created` → start (reason `created`).
 * - issue `unresolved` → start (reason `regressed`) only when `substatus` is `regressed`. Sentry sends `unresolved`
 *   whenever an issue becomes unresolved: a resolved issue seen again (substatus `regressed`), an archived issue that
 *   escalates (`escalating`: it was never fixed, only silenced), or a person unresolving it by hand (`ongoing`).
 *   Only the first is a regression; the others, and an `unresolved` without a substatus (Sentry before substatuses,
 *   where a regression cannot be told apart), are acknowledged and ignored. `statusDetails` only describes
 *   resolutions and archivals (inRelease, ignoreCount, …), so it does not mark a regression.
 * - issue `resolved` / `ignored` / `archived` → settle: the running attempt stops and ends.
 * - event_alert `triggered` → start (reason `alert`), for the event's issue.
 * - an issue (or an alert's event) that is not an error — user feedback, a cron or uptime monitor, a performance
 *   issue (`issueCategory` other than `error`; an alert event with an `occurrence`) — has no stack to fix: ignored.
 * - a project without a mapping → ignored (`unmapped`), never guessed; everything else → ignored.
 * Throws InvalidPayloadError when a delivery that would start or settle names no organization or breaks the contract.
 */
export function decideSentryAction(event: SentryEvent, options: DecideOptions): SentryAction {
  if (event.kind === 'other') return { kind: 'ignore', reason: `${event.resource} "${event.action}" is not handled` };
  if (event.kind === 'event_alert') return decideAlert(event.envelope, event.alert, options);
  const { issue, action } = event;
  if (issue.issueCategory && issue.issueCategory !== 'error') return { kind: 'ignore', reason: `issue category "${cut(issue.issueCategory, 40)}" is not an error` };
  if (action === 'unresolved' && issue.substatus !== 'regressed') {
    return { kind: 'ignore', reason: `issue unresolved (substatus "${cut(issue.substatus ?? 'none', 40)}") is not a regression` };
  }
  const org = organizationOf(event.envelope, [issue.url, issue.web_url, issue.permalink]);
  const project = issue.project.slug;
  if (!findSentryMapping(options.mappings, org, project)) return notMapped(org, project);
  const subject: SentrySubject = { kind: 'sentry-issue', org, issueId: issue.id };
  if (action === 'resolved' || action === 'ignored' || action === 'archived') {
    const by = event.envelope.actor?.name;
    return { kind: 'settle', subject, settled: { status: action, ...(by ? { by: cut(by, 200) } : {}) } };
  }
  const reason = action === 'created' ? 'created' : 'regressed';
  return { kind: 'start', subject, trigger: trigger({ reason, issue: issueSummary(org, issue, options.sentryUrl), ...ids(options) }) };
}

function decideAlert(envelope: SentryEnvelope, alert: SentryEventAlertPayload, options: DecideOptions): SentryAction {
  const { event } = alert;
  if (event.occurrence !== undefined && event.occurrence !== null) return { kind: 'ignore', reason: "the alert's issue is not an error (a monitor or metric issue)" };
  const org = organizationOf(envelope, [event.url, event.issue_url, event.web_url]);
  const project = event.url === undefined ? undefined : PROJECT_API_PATH.exec(new URL(event.url).pathname)?.[2];
  if (project === undefined || !findSentryMapping(options.mappings, org, project)) return notMapped(org, project);
  const eventId = event.event_id?.replace(/-/g, '').toLowerCase();
  return {
    kind: 'start',
    subject: { kind: 'sentry-issue', org, issueId: event.issue_id },
    trigger: trigger({
      reason: 'alert',
      issue: alertIssueSummary(org, project, alert, options.sentryUrl),
      // Sentry's event ids are 32 hex digits; anything else (an example payload's `def456`) is left out, not refused.
      ...(eventId !== undefined && /^[0-9a-f]{32}$/.test(eventId) ? { eventId } : {}),
      ...ids(options),
    }),
  };
}

const notMapped = (org: string, project: string | undefined): SentryAction => ({
  kind: 'ignore',
  reason: project === undefined ? `${NOT_MAPPED_REASON} (the alert's event names no project: data.event.url)` : NOT_MAPPED_REASON,
  unmapped: { org, ...(project === undefined ? {} : { project }) },
});

const ids = (options: DecideOptions) => (options.deliveryId === undefined ? {} : { deliveryId: cut(options.deliveryId, 200) });

/** The trigger, checked against the contract the workflow reads (a breach is the payload's: 400 with the field). */
function trigger(candidate: SentryTrigger): SentryTrigger {
  const parsed = SentryTrigger.safeParse(candidate);
  if (!parsed.success) throw new InvalidPayloadError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
  return parsed.data;
}

/** `/organizations/<org>/…` in an issue's or event's web URL or API URL. */
const ORG_PATH = /\/organizations\/([\w.-]{1,100})\//;
/** `/api/0/projects/<org>/<project>/events/<id>/`: an event's API URL, the one place an alert names its project. */
const PROJECT_API_PATH = /\/api\/0\/projects\/([\w.-]{1,100})\/([\w.-]{1,100})\//;

/**
 * The organization of a delivery. Sentry sends only the installation's uuid, so the organization is read from the
 * URLs it builds (`/api/0/organizations/<org>/issues/<id>/`, `/api/0/projects/<org>/…`, `/organizations/<org>/…`);
 * an installation that names its organization (Sentry's integration examples) is taken first.
 */
function organizationOf(envelope: SentryEnvelope, urls: readonly (string | null | undefined)[]): string {
  const named = envelope.installation?.organization?.slug;
  if (named) return named;
  for (const url of urls) {
    if (!url) continue;
    const path = new URL(url).pathname;
    const org = ORG_PATH.exec(path)?.[1] ?? PROJECT_API_PATH.exec(path)?.[1];
    if (org) return org;
  }
  throw new InvalidPayloadError('the delivery names no organization (installation.organization.slug or an /organizations/<org>/ URL)');
}

const cut = (value: string, max: number) => (value.length > max ? `${value.slice(0, max - 1)}…` : value);
const optional = <K extends string>(key: K, value: string | null | undefined, max: number) => (value ? ({ [key]: cut(value, max) } as Record<K, string>) : {});
const issuePage = (sentryUrl: string, org: string, issueId: string) => `${sentryUrl.replace(/\/+$/, '')}/organizations/${org}/issues/${issueId}/`;

function issueSummary(org: string, issue: SentryIssuePayload['issue'], sentryUrl: string): SentryIssueSummary {
  return {
    org,
    issueId: issue.id,
    shortId: issue.shortId,
    projectSlug: issue.project.slug,
    ...(issue.project.id === undefined ? {} : { projectId: issue.project.id }),
    title: cut(issue.title, 1_000),
    ...optional('culprit', issue.culprit, 1_000),
    ...optional('level', issue.level, 40),
    ...optional('platform', issue.platform, 60),
    status: issue.status,
    ...optional('errorType', issue.metadata?.type, 500),
    ...optional('errorValue', issue.metadata?.value, 2_000),
    count: issue.count ?? 0,
    userCount: issue.userCount ?? 0,
    ...optional('firstSeen', issue.firstSeen, 40),
    ...optional('lastSeen', issue.lastSeen, 40),
    webUrl: issue.web_url ?? issue.permalink ?? issuePage(sentryUrl, org, issue.id),
  };
}

/**
 * An alert's event, as an issue summary: what the event tells of its issue. It names neither the issue's short id
 * (the issue id stands in) nor its counts (0): the evidence activity reads the issue itself from the API before any
 * gate uses them.
 */
function alertIssueSummary(org: string, project: string, alert: SentryEventAlertPayload, sentryUrl: string): SentryIssueSummary {
  const { event } = alert;
  const title = event.title || [event.metadata?.type, event.metadata?.value].filter(Boolean).join(': ') || alert.triggered_rule || 'Sentry alert';
  // The event's page is `<issue page>events/<event id>/`.
  const page = event.web_url?.replace(/events\/[^/]+\/?$/, '');
  return {
    org,
    issueId: event.issue_id,
    shortId: event.issue_id,
    projectSlug: project,
    ...(event.project === undefined ? {} : { projectId: event.project }),
    title: cut(title, 1_000),
    ...optional('culprit', event.culprit, 1_000),
    ...optional('level', event.level, 40),
    ...optional('platform', event.platform, 60),
    status: 'unresolved',
    ...optional('errorType', event.metadata?.type, 500),
    ...optional('errorValue', event.metadata?.value, 2_000),
    count: 0,
    userCount: 0,
    ...optional('lastSeen', event.datetime, 40),
    webUrl: page && page !== event.web_url ? page : issuePage(sentryUrl, org, event.issue_id),
  };
}
