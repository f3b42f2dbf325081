import Anthropic from '@anthropic-ai/sdk';
import type { Config } from '../../config.js';
import { createJiraClient } from '../../activities/jira/jira-client.js';
import type { JiraAuth } from '../../activities/jira/jira-http.js';
import { sentryApiBase } from '../../activities/sentry/sentry-client.js';
import { fail, ok, skip, type Check } from './check.js';

/** What forgebot does on Sentry (README: "Pointing forgebot at Sentry"): read issues and events, comment, read projects. */
export const SENTRY_SCOPES = ['event:read', 'event:write', 'project:read'];

/**
 * SENTRY_TOKEN is accepted and carries the scopes forgebot needs: Sentry's API root (`GET /api/0/`) answers the
 * token's scopes. The Sentry client has no call for it; this is the same fetch (bearer, timeout, no redirect).
 */
export function sentryCheck(config: Pick<Config, 'SENTRY_URL' | 'SENTRY_TOKEN'>, timeoutMs: number): Check {
  return {
    name: 'Sentry token',
    hint: "check SENTRY_URL, and that SENTRY_TOKEN is the internal integration's token",
    async run(signal) {
      if (!config.SENTRY_TOKEN) return skip('not configured (SENTRY_TOKEN unset)');
      const response = await fetch(`${sentryApiBase(config.SENTRY_URL)}/`, {
        headers: { authorization: `Bearer ${config.SENTRY_TOKEN}`, accept: 'application/json' },
        redirect: 'manual',
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
      });
      if (response.status === 401 || response.status === 403) return fail(`Sentry refused the token (${response.status})`, this.hint);
      if (!response.ok) return fail(`Sentry answered ${response.status} at ${config.SENTRY_URL}/api/0/`, 'check SENTRY_URL (a self-hosted Sentry: its base URL)');
      const body = (await response.json()) as { auth?: { scopes?: unknown } | null; user?: { username?: unknown } | null };
      const scopes = Array.isArray(body.auth?.scopes) ? body.auth.scopes.map(String) : [];
      const missing = SENTRY_SCOPES.filter((scope) => !scopes.includes(scope));
      if (missing.length > 0) {
        return fail(`scopes ${scopes.join(', ') || 'none'}; forgebot needs ${missing.join(', ')}`, "give the integration Issue & Event: Read & Write and Project: Read (its token's scopes follow)");
      }
      return ok(`scopes ${scopes.join(', ')}`);
    },
  };
}

/** forgebot's Jira credential (the configuration checks that there is one kind, with a site). */
function jiraAuth(config: Pick<Config, 'JIRA_TOKEN' | 'JIRA_EMAIL' | 'JIRA_API_TOKEN'>): JiraAuth | undefined {
  if (config.JIRA_TOKEN) return { type: 'bearer', token: config.JIRA_TOKEN };
  if (config.JIRA_EMAIL && config.JIRA_API_TOKEN) return { type: 'basic', email: config.JIRA_EMAIL, apiToken: config.JIRA_API_TOKEN };
  return undefined;
}

/** Jira accepts forgebot's credential: `GET /rest/api/3/myself`, through the project's Jira client. */
export function jiraCheck(config: Pick<Config, 'JIRA_URL' | 'JIRA_TOKEN' | 'JIRA_EMAIL' | 'JIRA_API_TOKEN'>, timeoutMs: number): Check {
  return {
    name: 'Jira',
    hint: 'check JIRA_URL and the credential: JIRA_EMAIL with JIRA_API_TOKEN (an Atlassian API token), or JIRA_TOKEN',
    async run() {
      const auth = jiraAuth(config);
      if (!config.JIRA_URL || !auth) return skip('not configured (JIRA_URL unset)');
      const me = await createJiraClient({ baseUrl: config.JIRA_URL, auth, timeoutMs }).myself();
      return ok(`signed in as ${me.displayName ?? me.accountId} on ${new URL(config.JIRA_URL).host}`);
    },
  };
}

/** The model key works and the configured model is there for it: `GET /v1/models/{model}`, one cheap call. */
export function modelCheck(config: Pick<Config, 'ANTHROPIC_API_KEY' | 'ANTHROPIC_BASE_URL' | 'ANTHROPIC_MODEL'>, timeoutMs: number): Check {
  return {
    name: 'model key',
    hint: 'check ANTHROPIC_API_KEY (a key from the Anthropic Console) and ANTHROPIC_BASE_URL',
    async run(signal) {
      if (!config.ANTHROPIC_API_KEY) return fail('ANTHROPIC_API_KEY is not set: agent jobs cannot call the model', 'set ANTHROPIC_API_KEY for the agent-worker (it hands the key to the sandbox only)');
      const client = new Anthropic({ apiKey: config.ANTHROPIC_API_KEY, ...(config.ANTHROPIC_BASE_URL ? { baseURL: config.ANTHROPIC_BASE_URL } : {}), maxRetries: 0, timeout: timeoutMs });
      try {
        const model = await client.models.retrieve(config.ANTHROPIC_MODEL, {}, { signal });
        return ok(`accepted; model ${model.id} available`);
      } catch (error) {
        if (error instanceof Anthropic.AuthenticationError || error instanceof Anthropic.PermissionDeniedError) return fail(`the key is refused (${error.status})`, this.hint);
        if (error instanceof Anthropic.NotFoundError) return fail(`the key works, but model ${config.ANTHROPIC_MODEL} is not available to it`, 'set ANTHROPIC_MODEL to a model the key may use');
        throw error;
      }
    },
  };
}
