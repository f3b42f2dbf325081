import type { z } from 'zod';
import { JiraError } from './jira-api.js';
import { jiraErrorFromException, jiraErrorFromResponse } from './jira-errors.js';
import { meteredFetch } from '../../workers/metrics/metered-fetch.js';

/** How forgebot signs in: an Atlassian account's email and API token (Cloud), or a bearer token (OAuth, a DC PAT). */
export type JiraAuth = { type: 'basic'; email: string; apiToken: string } | { type: 'bearer'; token: string };

export interface JiraHttpOptions {
  /** The site: `https://acme.atlassian.net`, or Server/DC with its context path; a trailing `/rest/api/3` is dropped. */
  baseUrl: string;
  auth: JiraAuth;
  /** Per request, the answer's body included (default 15 s). */
  timeoutMs?: number;
  /** For tests only; production uses the global fetch. */
  fetch?: typeof fetch;
}

export type Query = Record<string, string | number | undefined>;

export interface JiraHttp {
  /** The site's URL without a trailing slash (issues are at `<site>/browse/<KEY>`). */
  readonly site: string;
  /** Values that must never appear in a message or a log: the token, and the Authorization header's credential. */
  readonly secrets: readonly string[];
  /** A call to `/rest/api/3<path>`: the answer validated with `schema` (204 and no schema: undefined). */
  request<S extends z.ZodType>(doing: string, method: 'GET' | 'POST', path: string, options?: { query?: Query; body?: unknown; schema?: S }): Promise<z.output<S>>;
}

/** `https://acme.atlassian.net/` or `…/rest/api/3` → `https://acme.atlassian.net`; http(s) only. */
export function jiraSite(baseUrl: string): string {
  const url = new URL(baseUrl);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError(`the Jira URL must be http(s), not ${url.protocol}`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '').replace(/\/rest\/api\/(?:2|3|latest)$/, '')}`;
}

/**
 * Jira's REST API v3 over fetch: the credential on every request, a timeout on each, no redirect followed (it would
 * carry the credential elsewhere, or hide a wrong URL), every answer validated. Failures are JiraErrors whose messages
 * never hold the credential. It never retries: the activity's retry policy does, with a bound.
 */
export function createJiraHttp(options: JiraHttpOptions): JiraHttp {
  const site = jiraSite(options.baseUrl);
  const timeoutMs = options.timeoutMs ?? 15_000;
  const fetchImpl = meteredFetch('jira', options.fetch ?? fetch);
  const { auth } = options;
  const credential = auth.type === 'basic' ? Buffer.from(`${auth.email}:${auth.apiToken}`, 'utf8').toString('base64') : auth.token;
  const authorization = auth.type === 'basic' ? `Basic ${credential}` : `Bearer ${credential}`;
  const secrets = auth.type === 'basic' ? [auth.apiToken, credential] : [auth.token];

  async function request<S extends z.ZodType>(doing: string, method: 'GET' | 'POST', path: string, init: { query?: Query; body?: unknown; schema?: S } = {}): Promise<z.output<S>> {
    const url = new URL(`${site}/rest/api/3${path}`);
    for (const [name, value] of Object.entries(init.query ?? {})) if (value !== undefined) url.searchParams.set(name, String(value));
    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(url, {
        method,
        headers: {
          authorization,
          accept: 'application/json',
          // Jira refuses state-changing requests from browsers without it (XSRF check); harmless for API clients.
          'x-atlassian-token': 'no-check',
          ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw jiraErrorFromException(doing, error, secrets);
    }
    if (response.status >= 300 && response.status < 400) {
      throw new JiraError('ERR_JIRA_INVALID', `${doing}: Jira redirected (${response.status}) to ${response.headers.get('location') ?? '?'}: check the Jira URL`.slice(0, 500));
    }
    if (!response.ok) throw jiraErrorFromResponse(doing, response, text, secrets);
    if (!init.schema) return undefined as z.output<S>;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new JiraError('ERR_JIRA_INVALID', `${doing}: Jira answered ${response.status} with a body that is not JSON`);
    }
    const parsed = init.schema.safeParse(json);
    if (!parsed.success) {
      // Paths and messages only: the body is untrusted and may hold personal data.
      const problems = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
      throw new JiraError('ERR_JIRA_INVALID', `${doing}: Jira's answer does not have the documented shape: ${problems.join('; ')}`.slice(0, 500));
    }
    return parsed.data;
  }

  return { site, secrets, request };
}
