import type { RepositoryRef } from '../../domain/change-ref.js';
import type { Logger } from '../../logger.js';
import type { GitLabClient } from './gitlab-client.js';
import { toForgeError } from './gitlab-errors.js';

/** What every part of the GitLab forge shares: the client, how failures become ForgeErrors, list page size. */
export interface GitLabContext {
  api: GitLabClient;
  /** Runs one call, turning any failure into a ForgeError whose message says what was being done. */
  attempt<T>(doing: string, work: () => Promise<T>): Promise<T>;
  /** Strings scrubbed from error messages (e.g. the token). */
  secrets: readonly string[];
  perPage: number;
  logger?: Logger;
}

export function createGitLabContext(api: GitLabClient, options: { secrets?: readonly string[]; perPage?: number; logger?: Logger } = {}): GitLabContext {
  const secrets = options.secrets ?? [];
  return {
    api,
    secrets,
    perPage: Math.min(options.perPage ?? 100, 100),
    ...(options.logger ? { logger: options.logger } : {}),
    async attempt(doing, work) {
      try {
        return await work();
      } catch (error) {
        throw toForgeError(error, doing, secrets);
      }
    },
  };
}

/** `group/project` for messages. */
export const where = (repo: RepositoryRef) => repo.projectPath;
