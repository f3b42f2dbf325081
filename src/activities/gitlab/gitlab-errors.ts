import { GitbeakerRequestError, GitbeakerRetryError, GitbeakerTimeoutError } from '@gitbeaker/rest';
import { redactSecrets } from '../../domain/redact.js';
import { ForgeError } from '../forge.js';
import { retryAfterMs } from '../retry-after.js';

/**
 * GitLab's refusals of a write to a protected branch: the commits API's 403 "You are not allowed to push into this
 * branch", and the branch checks the branches API passes on as 400s ("…create protected branches…", "…delete
 * protected branches…").
 */
const PROTECTED = /protected branch|not allowed to push into this branch|not allowed to push code to protected/i;
/**
 * Answers that mean "the repository is not as you thought": "Branch already exists", "The file has changed since you
 * started editing it", "A file with this name already exists / doesn't exist", a ref that moved under the update.
 */
const CONFLICT = /already exists|has changed since you started editing|file with this name doesn't exist|please refresh and try again/i;

function fromStatus(status: number, message: string, retryAfter: string | null, description = ''): ForgeError {
  if ((status === 400 || status === 403 || status === 405) && PROTECTED.test(description)) return new ForgeError('ERR_FORGE_PROTECTED', message);
  if (status === 401 || status === 403) return new ForgeError('ERR_FORGE_UNAUTHORIZED', message);
  if (status === 404) return new ForgeError('ERR_FORGE_NOT_FOUND', message);
  if (status === 409 || ((status === 400 || status === 422) && CONFLICT.test(description))) return new ForgeError('ERR_FORGE_CONFLICT', message);
  // 405/406: GitLab will not do this to the resource in its state (e.g. merge a draft); repeating will not help.
  if (status === 400 || status === 405 || status === 406 || status === 422) return new ForgeError('ERR_FORGE_INVALID', message);
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
    return fromStatus(status, message, headers.get('retry-after'), error.cause.description);
  }
  if (error instanceof GitbeakerRetryError) {
    const status = Number(/last status code: (\d+)/.exec(error.message)?.[1] ?? 0);
    return fromStatus(status === 429 ? 429 : 503, clean(`${doing}: GitLab kept answering ${status || 'errors'} after retries`), null);
  }
  if (error instanceof GitbeakerTimeoutError) return new ForgeError('ERR_FORGE_UNAVAILABLE', clean(`${doing}: GitLab did not answer in time`));
  const reason = error instanceof Error ? `${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ''}` : String(error);
  return new ForgeError('ERR_FORGE_UNAVAILABLE', clean(`${doing}: ${reason}`));
}

/** The HTTP status and GitLab's message of a gitbeaker request failure, for answers a caller treats specially. */
export function gitlabAnswer(error: unknown): { status: number; message: string } | undefined {
  if (!(error instanceof GitbeakerRequestError) || !error.cause?.response) return undefined;
  return { status: error.cause.response.status, message: error.cause.description };
}
