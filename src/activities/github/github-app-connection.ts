import { createAppAuth } from '@octokit/auth-app';
import { RequestError } from '@octokit/request-error';
import type { GitHubConnection } from './github-connection.js';
import { memo } from './github-connection.js';
import { GitHubOctokit, octokitOptions, type OctokitSettings } from './github-octokit.js';
import { createInstallationTokenCache } from './installation-token-cache.js';

export interface AppCredentials {
  appId: number;
  /** PEM (PKCS#1 or PKCS#8). Signs the App's JWTs; never leaves this process. */
  privateKey: string;
  /** Take a fresh installation token this long before the current one expires. Default 5 minutes. */
  refreshMarginMs?: number;
}

/**
 * A GitHub App: the App JWT finds the installation on a repository (`GET /repos/{owner}/{repo}/installation`),
 * then each installation gets its own Octokit whose token auth-app mints (`POST /app/installations/{id}/access_tokens`),
 * caches until shortly before `expires_at`, and mints again. A 401 (token revoked or expired early) drops the cached
 * token and repeats the request once with a new one.
 */
export function createAppConnection(credentials: AppCredentials, settings: OctokitSettings): GitHubConnection {
  const cache = createInstallationTokenCache(credentials.refreshMarginMs ?? 5 * 60_000);
  const base = octokitOptions(settings);
  const authOptions = { appId: credentials.appId, privateKey: credentials.privateKey, cache };
  const app = new GitHubOctokit({ ...base, authStrategy: createAppAuth, auth: authOptions });
  const installations = new Map<string, Promise<number>>();
  const clients = new Map<number, GitHubOctokit>();

  function installationOf(owner: string, repo: string): Promise<number> {
    const key = `${owner}/${repo}`.toLowerCase();
    let id = installations.get(key);
    if (!id) {
      id = app.rest.apps.getRepoInstallation({ owner, repo }).then((response) => response.data.id);
      id.catch(() => installations.delete(key));
      installations.set(key, id);
    }
    return id;
  }

  function clientFor(installationId: number): GitHubOctokit {
    let client = clients.get(installationId);
    if (client) return client;
    client = new GitHubOctokit({ ...base, authStrategy: createAppAuth, auth: { ...authOptions, installationId } });
    client.hook.wrap('request', async (request, options) => {
      try {
        return await request(options);
      } catch (error) {
        if (!(error instanceof RequestError && error.status === 401)) throw error;
        cache.evict(installationId);
        return request(options);
      }
    });
    clients.set(installationId, client);
    return client;
  }

  const slug = memo(async () => (await app.rest.apps.getAuthenticated()).data?.slug ?? String(credentials.appId));
  const appAuth = createAppAuth({ ...authOptions, request: app.request });

  return {
    async forRepository(owner, repo) {
      return clientFor(await installationOf(owner, repo));
    },
    async botLogin() {
      return `${await slug()}[bot]`;
    },
    async cloneToken(owner, repo) {
      const installationId = await installationOf(owner, repo);
      const { token } = await appAuth({ type: 'installation', installationId, repositoryNames: [repo], permissions: { contents: 'read' } });
      return token;
    },
  };
}
