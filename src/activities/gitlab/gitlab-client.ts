import { Gitlab } from '@gitbeaker/rest';

export type GitLabClient = InstanceType<typeof Gitlab<false>>;

/** The gitbeaker client forgebot uses; every request has a timeout. */
export function createGitLabClient(options: { host: string; token: string; timeoutMs: number }): GitLabClient {
  return new Gitlab({ host: options.host, token: options.token, queryTimeout: options.timeoutMs });
}
