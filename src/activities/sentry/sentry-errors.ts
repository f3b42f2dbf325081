import { ApplicationFailure } from '@temporalio/common';
import { redactSecrets } from '../../domain/redact.js';
import { retryAfterMs } from '../retry-after.js';

export type SentryErrorCode =
  | 'ERR_SENTRY_UNAUTHORIZED' // 401: no token, a wrong or revoked one
  | 'ERR_SENTRY_FORBIDDEN' // 403: the token lacks the scope (event:read, event:write) or the project
  | 'ERR_SENTRY_NOT_FOUND' // 404: unknown organization, issue, or an issue without events
  | 'ERR_SENTRY_INVALID' // 400: Sentry refused the request itself
  | 'ERR_SENTRY_BAD_RESPONSE' // a 2xx answer that is not what Sentry documents
  | 'ERR_SENTRY_RATE_LIMITED' // 429: retry after the delay Sentry names
  | 'ERR_SENTRY_UNAVAILABLE'; // network error, timeout or 5xx: retry

const RETRYABLE: readonly SentryErrorCode[] = ['ERR_SENTRY_RATE_LIMITED', 'ERR_SENTRY_UNAVAILABLE'];

/**
 * A failed Sentry API call. It is an `ApplicationFailure` whose type is the code (like ClaimCheckError), so an
 * activity that lets it through fails with that type: non-retryable unless Sentry is rate limiting or unavailable,
 * and a rate limit carries Sentry's delay as `nextRetryDelay` (Temporal waits that long before the next attempt).
 */
export class SentryError extends ApplicationFailure {
  constructor(
    readonly code: SentryErrorCode,
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message, code, !RETRYABLE.includes(code), undefined, undefined, retryAfterMs);
  }

  get permanent(): boolean {
    return !RETRYABLE.includes(this.code);
  }
}

/**
 * How long Sentry asks to wait: `Retry-After` (seconds or an HTTP date), else `X-Sentry-Rate-Limit-Reset` (the UTC
 * epoch second the window resets, present on every answer of the web API).
 */
export function sentryRetryDelayMs(headers: Headers, now = Date.now()): number | undefined {
  const retryAfter = retryAfterMs(headers.get('retry-after'));
  if (retryAfter !== undefined) return retryAfter;
  const reset = Number(headers.get('x-sentry-rate-limit-reset') ?? Number.NaN);
  return Number.isFinite(reset) && reset > 0 ? Math.max(Math.ceil(reset * 1000 - now), 0) : undefined;
}

/** Sentry's error body (`{"detail": "…"}`, or a serializer's `{"field": ["…"]}`) as one short line. */
function detailOf(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object' && 'detail' in parsed && typeof parsed.detail === 'string') return parsed.detail;
    return JSON.stringify(parsed);
  } catch {
    return body.replace(/\s+/g, ' ');
  }
}

/** The SentryError for a non-2xx answer; the message names what failed and Sentry's answer, never a token. */
export function sentryErrorFromResponse(doing: string, response: { status: number; headers: Headers }, body: string, secrets: readonly string[]): SentryError {
  const { status } = response;
  const detail = detailOf(body).slice(0, 300);
  const message = redactSecrets(`${doing}: Sentry answered ${status}${detail ? ` (${detail})` : ''}`, secrets).slice(0, 500);
  if (status === 401) return new SentryError('ERR_SENTRY_UNAUTHORIZED', message, status);
  if (status === 403) return new SentryError('ERR_SENTRY_FORBIDDEN', message, status);
  if (status === 404) return new SentryError('ERR_SENTRY_NOT_FOUND', message, status);
  if (status === 429) return new SentryError('ERR_SENTRY_RATE_LIMITED', message, status, sentryRetryDelayMs(response.headers));
  // 408 (the proxy gave up) and 5xx are Sentry's trouble; other 4xx are refusals that a retry repeats.
  if (status === 408 || status >= 500) return new SentryError('ERR_SENTRY_UNAVAILABLE', message, status);
  return new SentryError('ERR_SENTRY_INVALID', message, status);
}

/** A network failure or a timeout as a retryable SentryError. */
export function sentryErrorFromException(doing: string, error: unknown, secrets: readonly string[]): SentryError {
  if (error instanceof SentryError) return error;
  const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
  const reason = timedOut
    ? 'Sentry did not answer in time'
    : error instanceof Error
      ? `${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ''}`
      : String(error);
  return new SentryError('ERR_SENTRY_UNAVAILABLE', redactSecrets(`${doing}: ${reason}`, secrets).slice(0, 500));
}
