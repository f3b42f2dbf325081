import { GitbeakerRequestError, GitbeakerRetryError, GitbeakerTimeoutError } from '@gitbeaker/rest';
import { ForgeError } from '../forge.js';

/** Maps a gitbeaker failure to a ForgeError. The message names the status and GitLab's text, never a token. */
export function toForgeError(error: unknown, doing: string): ForgeError {
  if (error instanceof ForgeError) return error;
  if (error instanceof GitbeakerRequestError && error.cause?.response) {
    const { status, headers } = error.cause.response;
    const message = `${doing}: GitLab answered ${status} ${error.cause.description}`.slice(0, 500);
    if (status === 401 || status === 403) return new ForgeError('ERR_FORGE_UNAUTHORIZED', message);
    if (status === 404) return new ForgeError('ERR_FORGE_NOT_FOUND', message);
    if (status === 400 || status === 422) return new ForgeError('ERR_FORGE_INVALID', message);
    if (status === 429) {
      const retryAfter = Number(headers.get('retry-after'));
      return new ForgeError('ERR_FORGE_RATE_LIMITED', message, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined);
    }
    return new ForgeError('ERR_FORGE_UNAVAILABLE', message);
  }
  if (error instanceof GitbeakerRetryError) return new ForgeError('ERR_FORGE_RATE_LIMITED', `${doing}: ${error.message}`);
  if (error instanceof GitbeakerTimeoutError) return new ForgeError('ERR_FORGE_UNAVAILABLE', `${doing}: request timed out`);
  return new ForgeError('ERR_FORGE_UNAVAILABLE', `${doing}: ${error instanceof Error ? error.message : String(error)}`);
}
