import { Gitlab } from '@gitbeaker/rest';
import { createRetryAfterRequester, type RetryPolicy } from './gitlab-requester.js';

/** A gitbeaker client with snake_case answers (the default `camelize: false`). */
export type GitLabClient = InstanceType<typeof Gitlab<false>>;

export interface GitLabClientOptions {
  /** e.g. `https://gitlab.example.com` (no `/api/v4`). */
  host: string;
  token: string;
  /** Per attempt. */
  timeoutMs: number;
  retry?: RetryPolicy;
}

/** The gitbeaker client forgebot uses: every request has a timeout, and rate limits are honoured (Retry-After). */
export function createGitLabClient(options: GitLabClientOptions): GitLabClient {
  return new Gitlab({ host: options.host, token: options.token, queryTimeout: options.timeoutMs, requesterFn: createRetryAfterRequester(options.retry) });
}
