import type { z } from 'zod';
import { SentryApiComment, SentryApiEvent, SentryApiIssue } from './sentry-api-schemas.js';
import { SentryError, sentryErrorFromException, sentryErrorFromResponse } from './sentry-errors.js';
import { nextPageUrl } from './sentry-pagination.js';
import { meteredFetch } from '../../workers/metrics/metered-fetch.js';

export interface SentryClientOptions {
  /** SENTRY_URL: `https://sentry.io`, a region (`https://de.sentry.io`) or a self-hosted Sentry; `/api/0` may follow. */
  baseUrl: string;
  /** An auth token (internal integration): `event:read` to read issues and events, `event:write` to comment. */
  token: string;
  /** Per request, the answer's body included (default 15 s). */
  timeoutMs?: number;
  /** Pages a list walks at most (default 20 pages of 100). */
  maxPages?: number;
  /** For tests only; production uses the global fetch. */
  fetch?: typeof fetch;
}

/**
 * Sentry's web API for what a fix attempt needs: the issue, its latest event, and comments on it. No SDK covers the
 * web API, so this is fetch with a bearer token and a timeout; every answer is validated with zod. A failure is a
 * SentryError (a typed Temporal failure): 401/403/404/400 permanent, 429 with Sentry's delay, 5xx and network errors
 * retryable. It never retries itself: the activity's retry policy does, with a bound.
 */
export interface SentryClient {
  getIssue(org: string, issueId: string): Promise<SentryApiIssue>;
  latestEvent(org: string, issueId: string): Promise<SentryApiEvent>;
  /** Every comment of the issue, newest first (all pages, up to `maxPages`). */
  listComments(org: string, issueId: string): Promise<SentryApiComment[]>;
  /**
   * Posts a comment. Sentry refuses the same text from the same user within an hour ("You have already posted that
   * comment."): a retried post then answers the comment already there, so posting is idempotent for an activity retry.
   */
  postComment(org: string, issueId: string, text: string): Promise<SentryApiComment>;
  /** Values that must never appear in a message, a log or a comment (the token). */
  readonly secrets: readonly string[];
}

const DUPLICATE_COMMENT = /already posted that comment/i;
const ORG = /^[\w.-]{1,100}$/;
const ISSUE_ID = /^\d{1,20}$/;

/** `https://sentry.example.com/sentry/` or `…/api/0/` → `https://sentry.example.com/sentry/api/0`. */
export function sentryApiBase(baseUrl: string): string {
  const url = new URL(baseUrl);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError(`SENTRY_URL must be http(s), not ${url.protocol}`);
  const path = url.pathname.replace(/\/+$/, '').replace(/\/api\/0$/, '');
  return `${url.origin}${path}/api/0`;
}

export function createSentryClient(options: SentryClientOptions): SentryClient {
  const api = sentryApiBase(options.baseUrl);
  const origin = new URL(api).origin;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const maxPages = options.maxPages ?? 20;
  const fetchImpl = meteredFetch('sentry', options.fetch ?? fetch);
  const secrets = [options.token];

  function issuePath(org: string, issueId: string): string {
    if (!ORG.test(org) || !ISSUE_ID.test(issueId)) throw new SentryError('ERR_SENTRY_INVALID', `not a Sentry organization slug and issue id: ${JSON.stringify(org).slice(0, 120)}, ${JSON.stringify(issueId).slice(0, 40)}`);
    return `${api}/organizations/${encodeURIComponent(org)}/issues/${issueId}`;
  }

  async function request<S extends z.ZodType>(doing: string, url: string, schema: S, init: { method?: 'GET' | 'POST'; body?: unknown } = {}): Promise<{ data: z.output<S>; headers: Headers }> {
    let response: Response;
    let body: string;
    try {
      response = await fetchImpl(url, {
        method: init.method ?? 'GET',
        headers: { authorization: `Bearer ${options.token}`, accept: 'application/json', ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
        // A redirect would carry the token elsewhere, or hide a wrong SENTRY_URL: it is reported instead.
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      body = await response.text();
    } catch (error) {
      throw sentryErrorFromException(doing, error, secrets);
    }
    if (response.status >= 300 && response.status < 400) {
      throw new SentryError('ERR_SENTRY_INVALID', `${doing}: Sentry redirected (${response.status}) to ${response.headers.get('location') ?? '?'}: check SENTRY_URL`.slice(0, 500), response.status);
    }
    if (!response.ok) throw sentryErrorFromResponse(doing, response, body, secrets);
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new SentryError('ERR_SENTRY_BAD_RESPONSE', `${doing}: Sentry answered ${response.status} with a body that is not JSON`, response.status);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      // Paths and messages only: the body is untrusted and may hold personal data.
      const problems = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
      throw new SentryError('ERR_SENTRY_BAD_RESPONSE', `${doing}: Sentry's answer does not have the documented shape: ${problems.join('; ')}`.slice(0, 500), response.status);
    }
    return { data: parsed.data, headers: response.headers };
  }

  async function listComments(org: string, issueId: string): Promise<SentryApiComment[]> {
    const doing = `listing the comments of Sentry issue ${issueId}`;
    const comments: SentryApiComment[] = [];
    let url: string | undefined = `${issuePath(org, issueId)}/comments/?per_page=100`;
    for (let page = 0; url !== undefined && page < maxPages; page++) {
      const { data, headers } = await request(doing, url, SentryApiComment.array());
      comments.push(...data);
      url = nextPageUrl(headers.get('link'));
      // The token goes to Sentry only: a next link elsewhere ends the walk.
      if (url !== undefined && new URL(url).origin !== origin) url = undefined;
    }
    return comments;
  }

  return {
    secrets,
    async getIssue(org, issueId) {
      return (await request(`reading Sentry issue ${issueId}`, `${issuePath(org, issueId)}/`, SentryApiIssue)).data;
    },
    async latestEvent(org, issueId) {
      return (await request(`reading the latest event of Sentry issue ${issueId}`, `${issuePath(org, issueId)}/events/latest/`, SentryApiEvent)).data;
    },
    listComments,
    async postComment(org, issueId, text) {
      const doing = `commenting on Sentry issue ${issueId}`;
      try {
        return (await request(doing, `${issuePath(org, issueId)}/comments/`, SentryApiComment, { method: 'POST', body: { text } })).data;
      } catch (error) {
        if (!(error instanceof SentryError && error.code === 'ERR_SENTRY_INVALID' && DUPLICATE_COMMENT.test(error.message))) throw error;
        const existing = (await listComments(org, issueId)).find((comment) => comment.data?.text === text);
        if (!existing) throw error;
        return existing;
      }
    },
  };
}
