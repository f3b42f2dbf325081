import { InvalidPayloadError, parseWith } from '../gitlab/parse-gitlab-event.js';
import type { GitHubEvent } from './decide-pull-request-action.js';
import { GitHubEnvelope, PullRequestEvent } from './pull-request-event.js';

export { InvalidPayloadError };

/**
 * Parses a GitHub webhook body (already JSON-decoded) once, by the `X-GitHub-Event` header (GitHub's payloads do not
 * name their own kind). Throws InvalidPayloadError with the offending field.
 */
export function parseGitHubEvent(body: unknown, eventHeader: string | undefined): GitHubEvent {
  if (!eventHeader) throw new InvalidPayloadError('X-GitHub-Event header is missing');
  parseWith(GitHubEnvelope, body);
  if (eventHeader === 'ping') return { kind: 'ping' };
  if (eventHeader !== 'pull_request') return { kind: 'other', name: eventHeader };
  return { kind: 'pull_request', event: parseWith(PullRequestEvent, body) };
}
