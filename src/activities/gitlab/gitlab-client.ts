import { Gitlab } from '@gitbeaker/rest';

/** A gitbeaker client with snake_case answers (the default `camelize: false`). */
export type GitLabClient = InstanceType<typeof Gitlab<false>>;

export interface GitLabClientOptions {
  /** e.g. `https://gitlab.example.com` (no `/api/v4`). */
  host: string;
  token: string;
  /** Per request; gitbeaker's own retries of 429/502 share this budget. */
  timeoutMs: number;
}

/** The gitbeaker client forgebot uses; every request has a timeout. */
export function createGitLabClient(options: GitLabClientOptions): GitLabClient {
  return new Gitlab({ host: options.host, token: options.token, queryTimeout: options.timeoutMs });
}
