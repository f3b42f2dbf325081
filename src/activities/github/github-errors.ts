import { RequestError } from '@octokit/request-error';
import { redactSecrets } from '../../domain/redact.js';
import { ForgeError } from '../forge.js';
import { retryAfterMs } from '../retry-after.js';

type Headers = Record<string, string | number | undefined>;

const header = (headers: Headers, name: string) => {
  const value = headers[name];
  return value === undefined ? undefined : String(value);
};

/** The wait GitHub asks for: `retry-after` (secondary limit), else until `x-ratelimit-reset` (primary limit). */
export function rateLimitWaitMs(headers: Headers): number | undefined {
  const after = retryAfterMs(header(headers, 'retry-after'));
  if (after !== undefined) return after;
  const reset = Number(header(headers, 'x-ratelimit-reset'));
  return Number.isFinite(reset) && reset > 0 ? Math.max(reset * 1000 - Date.now(), 0) + 1000 : undefined;
}

function isRateLimit(status: number, headers: Headers, message: string): boolean {
  if (status === 429) return true;
  return status === 403 && (header(headers, 'x-ratelimit-remaining') === '0' || header(headers, 'retry-after') !== undefined || /rate limit/i.test(message));
}

/** octokit's GraphqlResponseError (HTTP 200 with `errors`), mapped by the first error's type. */
function graphqlFailure(error: unknown, doing: string, clean: (text: string) => string): ForgeError | undefined {
  if (!(error instanceof Error) || error.name !== 'GraphqlResponseError') return undefined;
  const first = (error as Error & { errors?: { type?: string; message?: string }[] }).errors?.[0];
  const message = clean(`${doing}: GitHub GraphQL answered ${first?.type ?? 'an error'}${first?.message ? ` (${first.message})` : ''}`);
  if (first?.type === 'NOT_FOUND') return new ForgeError('ERR_FORGE_NOT_FOUND', message);
  if (first?.type === 'FORBIDDEN') return new ForgeError('ERR_FORGE_UNAUTHORIZED', message);
  if (first?.type === 'RATE_LIMITED') return new ForgeError('ERR_FORGE_RATE_LIMITED', message, 60_000);
  return new ForgeError('ERR_FORGE_INVALID', message);
}

/** GitHub's words for a protected branch (or ruleset) refusing a write, in `message` or in `errors[].message`. */
const PROTECTED = /protected branch|changes must be made through a pull request|repository rule violations/i;
/** GitHub's words for a write that lost a race or cannot apply: the ref exists, moved, or the merge cannot be made. */
const CONFLICT = /already exists|not a fast.?forward|not mergeable|head branch was modified|base branch was modified|still a draft/i;

/** One `errors[]` entry: a string, `{ message }`, or `{ resource, field, code }`. */
function errorText(entry: unknown): string {
  if (typeof entry === 'string') return entry;
  const { message, resource, field, code } = (entry ?? {}) as Record<string, unknown>;
  if (typeof message === 'string') return message;
  return [resource, field, code].filter((part) => typeof part === 'string').join(' ');
}

/** `message` and the `errors[]` of a GitHub error body, in one line (422s put the reason in `errors`). */
function reasonOf(data: unknown): string | undefined {
  const body = (data ?? {}) as { message?: unknown; errors?: unknown };
  const parts = [typeof body.message === 'string' ? body.message : '', ...(Array.isArray(body.errors) ? body.errors.map(errorText) : [])];
  const reason = parts.filter((part) => part !== '').join('; ');
  return reason === '' ? undefined : reason;
}

/**
 * Maps an octokit failure to a ForgeError, like gitlab-errors.ts: 401/403 unauthorized, 404 not found, 400/422
 * invalid, a rate limit (403 with `x-ratelimit-remaining: 0`, 429, or a secondary limit) retryable with GitHub's wait,
 * anything else (5xx after retries, network, timeout) unavailable. Writes add: a protected branch's refusal (403/405/422
 * naming it) protected; 409, 405 (not mergeable, draft) and 422 "already exists" / "not a fast forward" conflict.
 * The message never carries a token.
 */
export function toGitHubForgeError(error: unknown, doing: string, secrets: readonly string[] = []): ForgeError {
  if (error instanceof ForgeError) return error;
  const clean = (text: string) => redactSecrets(text, secrets).slice(0, 500);
  if (error instanceof RequestError && error.status > 0) {
    const headers = (error.response?.headers ?? {}) as Headers;
    const detail = reasonOf(error.response?.data);
    const message = clean(`${doing}: GitHub answered ${error.status}${detail !== undefined ? ` (${detail})` : ''}`);
    if (isRateLimit(error.status, headers, detail ?? error.message)) {
      return new ForgeError('ERR_FORGE_RATE_LIMITED', message, rateLimitWaitMs(headers));
    }
    if ([403, 405, 422].includes(error.status) && PROTECTED.test(detail ?? '')) return new ForgeError('ERR_FORGE_PROTECTED', message);
    if (error.status === 409 || error.status === 405 || (error.status === 422 && CONFLICT.test(detail ?? ''))) return new ForgeError('ERR_FORGE_CONFLICT', message);
    if (error.status === 401 || error.status === 403) return new ForgeError('ERR_FORGE_UNAUTHORIZED', message);
    if (error.status === 404) return new ForgeError('ERR_FORGE_NOT_FOUND', message);
    if (error.status === 400 || error.status === 422) return new ForgeError('ERR_FORGE_INVALID', message);
    return new ForgeError('ERR_FORGE_UNAVAILABLE', message);
  }
  const graphql = graphqlFailure(error, doing, clean);
  if (graphql) return graphql;
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') return new ForgeError('ERR_FORGE_UNAVAILABLE', clean(`${doing}: GitHub did not answer in time`));
  const reason = error instanceof Error ? `${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ''}` : String(error);
  return new ForgeError('ERR_FORGE_UNAVAILABLE', clean(`${doing}: ${reason}`));
}
