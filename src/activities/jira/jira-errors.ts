import { redactSecrets } from '../../domain/redact.js';
import { retryAfterMs } from '../retry-after.js';
import { JiraError } from './jira-api.js';

/**
 * Jira's error body as one short line: `errorMessages` and the per-field `errors` of its ErrorCollection
 * (`{"errorMessages":["…"],"errors":{"comment":"…"}}`), else a `message`, else the text itself (a proxy's page).
 */
export function jiraErrorDetail(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const { errorMessages, errors, message } = parsed as Record<string, unknown>;
      const parts = [
        ...(Array.isArray(errorMessages) ? errorMessages.filter((item): item is string => typeof item === 'string') : []),
        ...(errors && typeof errors === 'object' ? Object.entries(errors).map(([field, text]) => `${field}: ${typeof text === 'string' ? text : JSON.stringify(text)}`) : []),
      ];
      if (parts.length > 0) return parts.join('; ');
      if (typeof message === 'string') return message;
    }
    return JSON.stringify(parsed);
  } catch {
    return body.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  }
}

/**
 * The JiraError for a non-2xx answer. The message names what failed and what Jira said, never a credential: 401 and
 * 403 (a bad or under-scoped token), 404 (absent, or invisible to the token: Jira does not tell them apart) and 400 are
 * permanent; 429 carries Jira's Retry-After; 408 and 5xx are Jira's trouble, retried (after Retry-After when sent).
 */
export function jiraErrorFromResponse(doing: string, response: { status: number; headers: Headers }, body: string, secrets: readonly string[]): JiraError {
  const { status } = response;
  const detail = jiraErrorDetail(body).slice(0, 300);
  const message = redactSecrets(`${doing}: Jira answered ${status}${detail ? ` (${detail})` : ''}`, secrets).slice(0, 500);
  const delay = retryAfterMs(response.headers.get('retry-after'));
  if (status === 401) return new JiraError('ERR_JIRA_UNAUTHORIZED', message);
  if (status === 403) return new JiraError('ERR_JIRA_FORBIDDEN', message);
  if (status === 404) return new JiraError('ERR_JIRA_NOT_FOUND', message);
  if (status === 429) return new JiraError('ERR_JIRA_RATE_LIMITED', message, delay);
  if (status === 408 || status >= 500) return new JiraError('ERR_JIRA_UNAVAILABLE', message, delay);
  return new JiraError('ERR_JIRA_INVALID', message);
}

/** A network failure or a timeout as a retryable JiraError. */
export function jiraErrorFromException(doing: string, error: unknown, secrets: readonly string[]): JiraError {
  if (error instanceof JiraError) return error;
  const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
  const reason = timedOut
    ? 'Jira did not answer in time'
    : error instanceof Error
      ? `${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ''}`
      : String(error);
  return new JiraError('ERR_JIRA_UNAVAILABLE', redactSecrets(`${doing}: ${reason}`, secrets).slice(0, 500));
}
