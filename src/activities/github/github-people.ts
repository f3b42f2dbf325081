import { RequestError } from '@octokit/request-error';
import { AccessLevel } from '../../domain/access-level.js';
import type { People } from '../forge.js';
import type { RunInRepo } from './github-context.js';
import type { GitHubOctokit } from './github-octokit.js';

/** The login of a GitHub account by its durable id (`GET /user/{account_id}`), or undefined when there is none. */
export async function loginOf(api: GitHubOctokit, id: number): Promise<string | undefined> {
  try {
    return (await api.rest.users.getById({ account_id: id })).data.login;
  } catch (error) {
    if (error instanceof RequestError && error.status === 404) return undefined;
    throw error;
  }
}

/** `GET /collaborators/{login}/permission`'s answer: the role (custom roles too), its base permission, the flags. */
interface PermissionAnswer {
  permission: string;
  role_name: string;
  user: { id: number; permissions?: { admin?: boolean; maintain?: boolean; push?: boolean; triage?: boolean; pull?: boolean } } | null;
}

/**
 * The access level GitHub reports: `role_name` when it is a base role (admin, maintain, write, triage, read); for a
 * custom role the flags it grants (`user.permissions`), else the legacy `permission` (admin/write/read/none).
 */
export function accessLevelOf(answer: PermissionAnswer): AccessLevel {
  const role = AccessLevel.safeParse(answer.role_name);
  if (role.success) return role.data;
  const flags = answer.user?.permissions;
  if (flags) {
    if (flags.admin) return 'admin';
    if (flags.maintain) return 'maintain';
    if (flags.push) return 'write';
    if (flags.triage) return 'triage';
    if (flags.pull) return 'read';
  }
  const base = AccessLevel.safeParse(answer.permission);
  return base.success ? base.data : 'none';
}

/**
 * People on GitHub. A person named by `id` is looked up by id (logins can be renamed and reused; ids cannot), and the
 * answer must be about that id; by `login` alone, by login. An unknown person or repository is `none`: never more
 * access than GitHub confirms.
 */
export function createGitHubPeople(run: RunInRepo): People {
  return {
    async accessLevel(repoRef, user) {
      return run(repoRef, `reading a person's access to ${repoRef.projectPath}`, async (api, repo) => {
        const login = user.id !== undefined ? await loginOf(api, user.id) : user.login;
        if (!login) return 'none';
        try {
          const { data } = await api.rest.repos.getCollaboratorPermissionLevel({ ...repo, username: login });
          if (user.id !== undefined && data.user?.id !== user.id) return 'none';
          return accessLevelOf(data);
        } catch (error) {
          if (error instanceof RequestError && error.status === 404) return 'none';
          throw error;
        }
      });
    },
  };
}
