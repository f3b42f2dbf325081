import { GitbeakerRequestError, GitbeakerRetryError, GitbeakerTimeoutError } from '@gitbeaker/rest';
import { redactSecrets } from '../../domain/redact.js';
import { ForgeError } from '../forge.js';
import { retryAfterMs } from '../retry-after.js';

function fromStatus(status: number, message: string, retryAfter: string | null): ForgeError {
  if (status === 401 || status === 403) return new ForgeError('ERR_FORGE_UNAUTHORIZED', message);
  if (status === 404) return new ForgeError('ERR_FORGE_NOT_FOUND', message);
  if (status === 400 || status === 409 || status === 422) return new ForgeError('ERR_FORGE_INVALID', message);
  if (status === 429) return new ForgeError('ERR_FORGE_RATE_LIMITED', message, retryAfterMs(retryAfter));
  return new ForgeError('ERR_FORGE_UNAVAILABLE', message);
}

/**
 * Maps a gitbeaker failure to a ForgeError. gitbeaker throws GitbeakerRequestError (with `cause.response`) for
 * a non-2xx answer (also for a 429/5xx that gitlab-requester.ts stopped retrying), GitbeakerRetryError from gitbeaker's
 * default requester, GitbeakerTimeoutError at `queryTimeout`,
 * and fetch's TypeError on network errors. The message names what failed and GitLab's answer, never a token.
 */
export function toForgeError(error: unknown, doing: string, secrets: readonly string[] = []): ForgeError {
  if (error instanceof ForgeError) return error;
  const clean = (text: string) => redactSecrets(text, secrets).slice(0, 500);
  if (error instanceof GitbeakerRequestError && error.cause?.response) {
    const { status, headers } = error.cause.response;
    const message = clean(`${doing}: GitLab answered ${status}${error.cause.description ? ` (${error.cause.description})` : ''}`);
    return fromStatus(status, message, headers.get('retry-after'));
  }
  if (error instanceof GitbeakerRetryError) {
    const status = Number(/last status code: (\d+)/.exec(error.message)?.[1] ?? 0);
    return fromStatus(status === 429 ? 429 : 503, clean(`${doing}: GitLab kept answering ${status || 'errors'} after retries`), null);
  }
  if (error instanceof GitbeakerTimeoutError) return new ForgeError('ERR_FORGE_UNAVAILABLE', clean(`${doing}: GitLab did not answer in time`));
  const reason = error instanceof Error ? `${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ''}` : String(error);
  return new ForgeError('ERR_FORGE_UNAVAILABLE', clean(`${doing}: ${reason}`));
}
