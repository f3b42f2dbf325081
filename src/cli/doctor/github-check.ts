import { createAppAuth } from '@octokit/auth-app';
import type { Config } from '../../config.js';
import { GitHubOctokit, octokitOptions } from '../../activities/github/github-octokit.js';
import { fail, ok, reasonOf, skip, type Check, type Verdict } from './check.js';

type GitHubConfig = Pick<Config, 'GITHUB_API_URL' | 'GITHUB_TOKEN' | 'GITHUB_APP_ID' | 'GITHUB_APP_PRIVATE_KEY' | 'SENTRY_TOKEN' | 'JIRA_URL'>;

/** The App's installation permissions for reviews (README: "Pointing forgebot at GitHub"). */
export const REVIEW_PERMISSIONS: Readonly<Record<string, 'read' | 'write'>> = { pull_requests: 'write', contents: 'read', metadata: 'read' };
/** On top, for the roles that open pull requests (Sentry fixes, tickets). */
export const AUTHOR_PERMISSIONS: Readonly<Record<string, 'read' | 'write'>> = { ...REVIEW_PERMISSIONS, contents: 'write', checks: 'read', statuses: 'read' };

/** `name: level` pairs of `needed` that `granted` lacks (write covers read). */
export function missingPermissions(needed: Readonly<Record<string, string>>, granted: Readonly<Record<string, string | undefined>>): string[] {
  return Object.entries(needed)
    .filter(([name, level]) => {
      const has = granted[name];
      return has === undefined || (level === 'write' && has !== 'write' && has !== 'admin');
    })
    .map(([name, level]) => `${name}: ${level}`);
}

/** A classic token's scopes (`x-oauth-scopes`): `repo` (or `public_repo` for public repositories only). */
function tokenVerdict(login: string, header: string | undefined): Verdict {
  if (header === undefined) {
    return ok(`fine-grained token of ${login} (GitHub lists no scopes for it: it needs Pull requests Read and write, Contents Read, Metadata Read)`);
  }
  const scopes = header.split(',').map((scope) => scope.trim()).filter(Boolean);
  if (scopes.includes('repo')) return ok(`classic token of ${login}: scopes ${scopes.join(', ')}`);
  if (scopes.includes('public_repo')) return ok(`classic token of ${login}: scopes ${scopes.join(', ')} (public repositories only)`);
  return fail(`classic token of ${login}: scopes ${scopes.join(', ') || 'none'}; forgebot needs repo`, 'give GITHUB_TOKEN the repo scope (public_repo for public repositories only), or use a GitHub App');
}

/**
 * The GitHub credential works and may do what forgebot does: a token (`GET /user`: its user and, for a classic token,
 * its scopes), or an App (its JWT: `GET /app`; each installation's permissions: `GET /app/installations`).
 */
export function githubCheck(config: GitHubConfig, timeoutMs: number): Check & { verdict(): Promise<Verdict> } {
  const base = octokitOptions({ baseUrl: config.GITHUB_API_URL, timeoutMs, retries: 0, maxInlineWaitMs: 0 });
  return {
    name: 'GitHub',
    hint: config.GITHUB_APP_ID !== undefined ? 'check GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY (the App\'s private key, PEM) and GITHUB_API_URL' : 'check GITHUB_API_URL, and that GITHUB_TOKEN is a valid token (not revoked or expired)',
    async run() {
      try {
        return await this.verdict();
      } catch (error) {
        const status = (error as { status?: unknown }).status;
        if (status === 401) return fail(`GitHub refused the ${config.GITHUB_APP_ID !== undefined ? "App's JWT" : 'token'} (401 ${reasonOf(error)})`, this.hint);
        throw error;
      }
    },
    async verdict(): Promise<Verdict> {
      if (config.GITHUB_APP_ID !== undefined && config.GITHUB_APP_PRIVATE_KEY) {
        const app = new GitHubOctokit({ ...base, authStrategy: createAppAuth, auth: { appId: config.GITHUB_APP_ID, privateKey: config.GITHUB_APP_PRIVATE_KEY } });
        const slug = (await app.rest.apps.getAuthenticated()).data?.slug ?? String(config.GITHUB_APP_ID);
        const installations = (await app.rest.apps.listInstallations({ per_page: 100 })).data;
        if (installations.length === 0) return fail(`App ${slug} is installed nowhere`, 'install the App on the repositories forgebot works on');
        // Fixes and tickets open pull requests: with Sentry or Jira configured, the installations need to write contents.
        const needed = config.SENTRY_TOKEN || config.JIRA_URL ? AUTHOR_PERMISSIONS : REVIEW_PERMISSIONS;
        const short = installations
          .map((installation) => ({ who: installation.account && 'login' in installation.account ? installation.account.login : String(installation.id), missing: missingPermissions(needed, installation.permissions as Record<string, string | undefined>) }))
          .filter((entry) => entry.missing.length > 0);
        if (short.length > 0) {
          return fail(`App ${slug}: ${short.map((entry) => `installation on ${entry.who} lacks ${entry.missing.join(', ')}`).join('; ')}`, "grant them in the App's settings (Permissions), then accept the new permissions in each installation");
        }
        return ok(`App ${slug}: ${installations.length} installation${installations.length === 1 ? '' : 's'} with ${Object.entries(needed).map(([name, level]) => `${name}: ${level}`).join(', ')}`);
      }
      if (!config.GITHUB_TOKEN) return skip('not configured (neither GITHUB_TOKEN nor a GitHub App)');
      const octokit = new GitHubOctokit({ ...base, auth: config.GITHUB_TOKEN });
      const user = await octokit.request('GET /user');
      return tokenVerdict(user.data.login, user.headers['x-oauth-scopes']);
    },
  };
}
