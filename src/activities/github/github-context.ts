import type { RepositoryRef } from '../../domain/change-ref.js';
import { ForgeError } from '../forge.js';
import type { GitHubConnection } from './github-connection.js';
import { toGitHubForgeError } from './github-errors.js';
import type { GitHubOctokit } from './github-octokit.js';

// Type aliases, not interfaces: octokit's parameter types need an index signature.
export type Repo = { owner: string; repo: string };

/** `owner/repo` of a GitHub repository reference. */
export function repoOf(ref: RepositoryRef): Repo {
  const [owner = '', repo = '', ...rest] = ref.projectPath.split('/');
  if (!owner || !repo || rest.length > 0) throw new ForgeError('ERR_FORGE_INVALID', `"${ref.projectPath}" is not a GitHub owner/repo`);
  return { owner, repo };
}

export type RunInRepo = <T>(ref: RepositoryRef, doing: string, work: (api: GitHubOctokit, repo: Repo) => Promise<T>) => Promise<T>;

/** Runs `work` with the repository's client (token, or the App installation on it); failures become ForgeErrors. */
export function repoRunner(connection: GitHubConnection, secrets: readonly string[] = []): RunInRepo {
  return async (ref, doing, work) => {
    try {
      const repo = repoOf(ref);
      return await work(await connection.forRepository(repo.owner, repo.repo), repo);
    } catch (error) {
      throw toGitHubForgeError(error, doing, secrets);
    }
  };
}

/** No automatic repeat: for writes that are not safe to send twice (a repeat would fail or duplicate). */
export const ONCE = { request: { retries: 0 } } as const;
