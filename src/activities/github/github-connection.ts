import type { Logger } from '../../logger.js';
import { createAppConnection, type AppCredentials } from './github-app-connection.js';
import { GitHubOctokit, octokitOptions, type OctokitSettings } from './github-octokit.js';

/** How forgebot reaches GitHub: a token, or a GitHub App's installations. */
export interface GitHubConnection {
  /** An Octokit authorised for `owner/repo`: the token's, or the App installation's on that repository. */
  forRepository(owner: string, repo: string): Promise<GitHubOctokit>;
  /** The login whose comments are forgebot's own: the token's user, or `<app-slug>[bot]`. */
  botLogin(owner: string, repo: string): Promise<string>;
  /**
   * A credential the sandbox may clone `owner/repo` with, read-only: GITHUB_CLONE_TOKEN, or an installation token
   * limited to that repository and `contents: read`. Undefined: clone anonymously.
   */
  cloneToken(owner: string, repo: string): Promise<string | undefined>;
}

export type GitHubAuth = { kind: 'token'; token: string; cloneToken?: string } | ({ kind: 'app' } & AppCredentials);

/** Caches a promise, but forgets a failed one (the next call tries again). */
export function memo<T>(load: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= load();
    void value.catch(() => (value = undefined));
    return value;
  };
}

export function createGitHubConnection(auth: GitHubAuth, settings: OctokitSettings & { logger?: Logger }): GitHubConnection {
  if (auth.kind === 'app') return createAppConnection(auth, settings);
  const octokit = new GitHubOctokit({ ...octokitOptions(settings), auth: auth.token });
  const login = memo(async () => (await octokit.rest.users.getAuthenticated()).data.login);
  return {
    forRepository: () => Promise.resolve(octokit),
    botLogin: () => login(),
    cloneToken: () => Promise.resolve(auth.cloneToken),
  };
}
