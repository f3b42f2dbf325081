import { EVIDENCE_LIMITS, SentryEvidence, type SentryBreadcrumb, type SentryException, type SentryRequest } from '../../domain/sentry/evidence.js';
import type { SentryProjectMapping } from '../../domain/sentry/project-mapping.js';
import {
  SentryApiBreadcrumbsEntry, SentryApiExceptionEntry, SentryApiMessageEntry, SentryApiRequestEntry, type SentryApiEvent,
} from './sentry-api-schemas.js';
import { SentryError } from './sentry-errors.js';
import { fitEvidenceBudget } from './evidence-budget.js';
import { Trimmer, framesFromApi } from './evidence-frames.js';
import { isSensitiveName, scrubQuery, scrubText, scrubUrl, scrubValue } from './scrub.js';

const MAX_EXCEPTIONS = 5;

type Entries = SentryApiEvent['entries'];

/** The data of the first entry of `type` that has the documented shape (a malformed one is skipped, and noted). */
function entryData<T>(entries: Entries, type: string, schema: { safeParse(data: unknown): { success: true; data: T } | { success: false } }, trim: Trimmer): T | undefined {
  const entry = entries.find((candidate) => candidate.type === type);
  if (!entry) return undefined;
  const parsed = schema.safeParse(entry.data);
  if (parsed.success) return parsed.data;
  trim.truncated = true;
  return undefined;
}

function exceptionsOf(entries: Entries, trim: Trimmer): SentryException[] {
  const values = entryData(entries, 'exception', SentryApiExceptionEntry, trim)?.values ?? [];
  return trim.last(values, MAX_EXCEPTIONS).map((value) => {
    const module = trim.optional(value.module, 500);
    const handled = value.mechanism?.handled;
    return {
      type: trim.text(value.type ?? 'Error', 500),
      value: trim.text(value.value ?? '', 2_000),
      ...(module !== undefined ? { module } : {}),
      ...(typeof handled === 'boolean' ? { handled } : {}),
      frames: framesFromApi(value.stacktrace?.frames ?? [], trim),
    };
  });
}

/** An HTTP breadcrumb as `GET /path [500]`; other data as scrubbed JSON. */
function breadcrumbText(crumb: NonNullable<SentryApiBreadcrumbsEntry['values']>[number], trim: Trimmer): string {
  if (crumb.message) return crumb.message;
  const data = crumb.data ?? {};
  if (typeof data.url === 'string') {
    const status = typeof data.status_code === 'number' ? ` [${data.status_code}]` : '';
    return `${typeof data.method === 'string' ? `${data.method} ` : ''}${scrubUrl(data.url, trim.secrets)}${status}`;
  }
  return Object.keys(data).length > 0 ? (JSON.stringify(scrubValue(data, trim.secrets)) ?? '') : (crumb.type ?? '');
}

function timestampOf(value: string | number | null | undefined): string | undefined {
  if (typeof value === 'string') return value.slice(0, 40) || undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  const date = new Date(value * 1000);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function breadcrumbsOf(entries: Entries, trim: Trimmer): SentryBreadcrumb[] {
  const values = entryData(entries, 'breadcrumbs', SentryApiBreadcrumbsEntry, trim)?.values ?? [];
  return trim.last(values, EVIDENCE_LIMITS.breadcrumbs).map((crumb) => {
    const timestamp = timestampOf(crumb.timestamp);
    const category = trim.optional(crumb.category, 200);
    const level = trim.optional(crumb.level, 40);
    return {
      ...(timestamp !== undefined ? { timestamp } : {}),
      ...(category !== undefined ? { category } : {}),
      ...(level !== undefined ? { level } : {}),
      message: trim.text(breadcrumbText(crumb, trim), EVIDENCE_LIMITS.breadcrumbChars),
    };
  });
}

function queryText(query: SentryApiRequestEntry['query'], secrets: readonly string[]): string | undefined {
  if (query === null || query === undefined) return undefined;
  if (typeof query === 'string') return query === '' ? undefined : scrubQuery(query, secrets);
  const pairs = Array.isArray(query) ? query : Object.entries(query).map(([key, value]): [string, string | null] => [key, typeof value === 'string' ? value : JSON.stringify(value) ?? null]);
  if (pairs.length === 0) return undefined;
  return pairs.map(([key, value]) => `${scrubText(key, secrets)}=${isSensitiveName(key) ? '[redacted]' : scrubText(value ?? '', secrets)}`).join('&');
}

/** Method, URL, query and body of the request; never its headers, cookies or environment. */
function requestOf(entries: Entries, trim: Trimmer): SentryRequest | undefined {
  const request = entryData(entries, 'request', SentryApiRequestEntry, trim);
  if (!request) return undefined;
  const method = trim.optional(request.method, 20);
  const url = request.url ? trim.text(scrubUrl(request.url, trim.secrets), 2_000) : undefined;
  const query = trim.optional(queryText(request.query, trim.secrets), 2_000);
  const rawData = request.data;
  const data = rawData === null || rawData === undefined || rawData === ''
    ? undefined
    : trim.text(typeof rawData === 'string' ? rawData : (JSON.stringify(scrubValue(rawData, trim.secrets)) ?? ''), 2_000);
  const out: SentryRequest = {
    ...(method !== undefined ? { method } : {}),
    ...(url !== undefined ? { url } : {}),
    ...(query !== undefined ? { query } : {}),
    ...(data !== undefined && data !== '' ? { data } : {}),
  };
  return Object.keys(out).length > 0 ? out : undefined;
}

function messageOf(event: SentryApiEvent, trim: Trimmer): string | undefined {
  const entry = entryData(event.entries, 'message', SentryApiMessageEntry, trim);
  return trim.optional(entry?.formatted ?? entry?.message ?? event.message, 2_000);
}

/**
 * The evidence of a Sentry event, as the fix attempt keeps it: chained exceptions with their frames (mapped to
 * repository paths), the message, the last breadcrumbs, tags, release, environment and the request without headers,
 * cookies or environment. Everything is untrusted text: credentials redacted, cut to EVIDENCE_LIMITS and to a size
 * workflow history carries well (EVIDENCE_JSON_BUDGET), `truncated` when anything was cut.
 */
export function evidenceFromEvent(event: SentryApiEvent, mapping: SentryProjectMapping, secrets: readonly string[] = []): SentryEvidence {
  const trim = new Trimmer(mapping, secrets);
  const tags = (event.tags ?? []).filter((tag) => tag.value !== null && tag.value !== '');
  const tag = (key: string) => tags.find((candidate) => candidate.key === key)?.value ?? undefined;
  const release = typeof event.release === 'string' ? event.release : (event.release?.version ?? tag('release'));
  const exceptions = exceptionsOf(event.entries, trim);
  const message = messageOf(event, trim);
  const breadcrumbs = breadcrumbsOf(event.entries, trim);
  const request = requestOf(event.entries, trim);
  const keptTags = trim.last(tags, EVIDENCE_LIMITS.tags).map(({ key, value }): [string, string] => [trim.text(key, 200), trim.text(value ?? '', 200)]);
  const optional = {
    message,
    release: trim.optional(release, 250),
    environment: trim.optional(event.environment ?? tag('environment'), 100),
    platform: trim.optional(event.platform, 60),
    request,
    dateCreated: trim.optional(event.dateCreated, 40),
  };
  const evidence = {
    eventId: (event.eventID ?? event.id).slice(0, 64),
    exceptions,
    breadcrumbs,
    tags: keptTags,
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)),
    truncated: trim.truncated,
  };
  const parsed = SentryEvidence.safeParse(evidence);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new SentryError('ERR_SENTRY_BAD_RESPONSE', `the event ${evidence.eventId} does not fit forgebot's evidence: ${problems.join('; ')}`);
  }
  return fitEvidenceBudget(parsed.data);
}
