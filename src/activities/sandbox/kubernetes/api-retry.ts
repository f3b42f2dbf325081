import { setTimeout as sleep } from 'node:timers/promises';
import { ApiException } from '@kubernetes/client-node';

const ATTEMPTS = 6;
const FIRST_DELAY_MS = 200;

/** The HTTP status of a failed API call, if it got one. */
export function statusOf(error: unknown): number | undefined {
  if (error instanceof ApiException) return error.code;
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' ? status : undefined;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** No answer at all: the connection was refused, reset or timed out, or the name did not resolve. */
function isNetworkError(error: unknown): boolean {
  for (let cause = error, depth = 0; cause && depth < 5; cause = (cause as { cause?: unknown }).cause, depth++) {
    const { code, name, message } = cause as { code?: unknown; name?: unknown; message?: unknown };
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
    if (name === 'TimeoutError' || name === 'FetchError' || message === 'fetch failed') return true;
  }
  return false;
}

/** Worth repeating: 429, 5xx, or a network failure. A 4xx or a client-side error (bad kubeconfig) is not. */
export function isTransient(error: unknown): boolean {
  const status = statusOf(error);
  if (status === undefined) return isNetworkError(error);
  return status === 429 || status >= 500;
}


/**
 * Runs one API call, repeating it on transient errors with exponential backoff (6 attempts, about 6 s in all).
 * Anything else — and the last transient error — is thrown.
 */
export async function withApiRetry<T>(call: () => Promise<T>, onRetry?: (error: unknown, attempt: number) => void): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= ATTEMPTS || !isTransient(error)) throw error;
      onRetry?.(error, attempt);
      await sleep(FIRST_DELAY_MS * 2 ** (attempt - 1));
    }
  }
}
