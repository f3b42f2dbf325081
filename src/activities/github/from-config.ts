import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import { createGitHubConnection, type GitHubConnection } from './github-connection.js';
import { createGitHubForge } from './github-forge.js';

type GitHubConfig = Pick<Config, 'GITHUB_API_URL' | 'GITHUB_TOKEN' | 'GITHUB_APP_ID' | 'GITHUB_APP_PRIVATE_KEY' | 'GITHUB_CLONE_TOKEN' | 'GITHUB_APPROVE_WHEN_CLEAN'>;

/** The GitHub connection the configuration names (a token, or an App), or undefined when GitHub is not configured. */
export function githubConnectionFromConfig(config: GitHubConfig, logger?: Logger): GitHubConnection | undefined {
  const settings = { baseUrl: config.GITHUB_API_URL, timeoutMs: 30_000, ...(logger ? { logger } : {}) };
  if (config.GITHUB_APP_ID !== undefined && config.GITHUB_APP_PRIVATE_KEY) {
    return createGitHubConnection({ kind: 'app', appId: config.GITHUB_APP_ID, privateKey: config.GITHUB_APP_PRIVATE_KEY }, settings);
  }
  if (!config.GITHUB_TOKEN) return undefined;
  return createGitHubConnection({ kind: 'token', token: config.GITHUB_TOKEN, ...(config.GITHUB_CLONE_TOKEN ? { cloneToken: config.GITHUB_CLONE_TOKEN } : {}) }, settings);
}

/** The GitHub Forge from the configuration, or undefined. */
export function githubForgeFromConfig(config: GitHubConfig, logger?: Logger) {
  const connection = githubConnectionFromConfig(config, logger);
  if (!connection) return undefined;
  const secrets = [config.GITHUB_TOKEN, config.GITHUB_APP_PRIVATE_KEY].filter((value): value is string => Boolean(value));
  return createGitHubForge(connection, { approveWhenClean: config.GITHUB_APPROVE_WHEN_CLEAN, secrets, ...(logger ? { logger } : {}) });
}
