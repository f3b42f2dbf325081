import type { Config } from '../../config.js';
import { createGitLabClient } from '../../activities/gitlab/gitlab-client.js';
import { fail, ok, skip, type Check } from './check.js';

/** What `GET /personal_access_tokens/self` says of a token. */
interface TokenSelf {
  name?: string;
  scopes?: string[];
  active?: boolean;
  expires_at?: string | null;
}

/** forgebot reads merge requests and writes notes, discussions, branches and merge requests: the `api` scope. */
const API_SCOPES = ['api'];
/** Scopes that write: never on the clone token, which the sandbox holds. */
const WRITE_SCOPES = ['api', 'write_repository', 'sudo', 'admin_mode'];

function tokenSelf(config: Pick<Config, 'GITLAB_URL'>, token: string, timeoutMs: number): Promise<TokenSelf> {
  // No retries: a doctor says what it finds now, within its timeout.
  const client = createGitLabClient({ host: config.GITLAB_URL ?? '', token, timeoutMs, retry: { attempts: 1, maxInlineWaitMs: 0, baseDelayMs: 0 } });
  return client.PersonalAccessTokens.show() as Promise<TokenSelf>;
}

const expiry = (self: TokenSelf) => (self.expires_at ? `, expires ${self.expires_at}` : '');

/** GITLAB_TOKEN is valid and has the scopes forgebot needs (`api`). */
export function gitlabTokenCheck(config: Pick<Config, 'GITLAB_URL' | 'GITLAB_TOKEN'>, timeoutMs: number): Check {
  return {
    name: 'GitLab token',
    hint: 'check GITLAB_URL, and that GITLAB_TOKEN is a valid token (not revoked or expired) with the api scope',
    async run() {
      if (!config.GITLAB_URL || !config.GITLAB_TOKEN) return skip('not configured (GITLAB_URL unset)');
      const self = await tokenSelf(config, config.GITLAB_TOKEN, timeoutMs);
      const scopes = self.scopes ?? [];
      const missing = API_SCOPES.filter((scope) => !scopes.includes(scope));
      if (self.active === false) return fail(`the token ${JSON.stringify(self.name ?? '')} is not active`, 'create a new token with the api scope for GITLAB_TOKEN');
      if (missing.length > 0) {
        return fail(`scopes ${scopes.join(', ') || 'none'}; forgebot needs ${missing.join(', ')}`, 'create a token with the api scope (forgebot writes notes, discussions, branches and merge requests) for GITLAB_TOKEN');
      }
      return ok(`scopes ${scopes.join(', ')}${expiry(self)}`);
    },
  };
}

/** GITLAB_CLONE_TOKEN, which the sandbox holds, can clone (read_repository) and cannot write. */
export function gitlabCloneTokenCheck(config: Pick<Config, 'GITLAB_URL' | 'GITLAB_CLONE_TOKEN'>, timeoutMs: number): Check {
  return {
    name: 'GitLab clone token',
    hint: 'check that GITLAB_CLONE_TOKEN is a valid token with the read_repository scope only',
    async run() {
      if (!config.GITLAB_URL || !config.GITLAB_CLONE_TOKEN) return skip('not configured (GITLAB_CLONE_TOKEN unset: the sandbox clones anonymously)');
      const self = await tokenSelf(config, config.GITLAB_CLONE_TOKEN, timeoutMs);
      const scopes = self.scopes ?? [];
      const writes = scopes.filter((scope) => WRITE_SCOPES.includes(scope));
      if (writes.length > 0) return fail(`scopes ${scopes.join(', ')}: ${writes.join(', ')} can write, and the sandbox holds this token`, 'create a token with read_repository only for GITLAB_CLONE_TOKEN');
      if (!scopes.includes('read_repository')) return fail(`scopes ${scopes.join(', ') || 'none'}; cloning needs read_repository`, 'create a token with read_repository only for GITLAB_CLONE_TOKEN');
      return ok(`scopes ${scopes.join(', ')} (read-only)${expiry(self)}`);
    },
  };
}
