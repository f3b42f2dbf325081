import type { AccessLevel } from '../../domain/access-level.js';
import type { People } from '../forge.js';
import type { GitLabContext } from './gitlab-context.js';
import { gitlabAnswer, toForgeError } from './gitlab-errors.js';

/**
 * GitLab role levels as access levels: guest (10) and planner (15) read, reporter (20) triages, developer (30)
 * writes, maintainer (40) maintains, owner (50) administers. No access (0) and minimal access (5): none.
 */
export function accessFromLevel(level: number): AccessLevel {
  if (level >= 50) return 'admin';
  if (level >= 40) return 'maintain';
  if (level >= 30) return 'write';
  if (level >= 20) return 'triage';
  if (level >= 10) return 'read';
  return 'none';
}

/** The fields of a member that decide whether the membership counts today. */
interface MemberLike {
  access_level: number;
  state?: string;
  expires_at?: string | null;
  membership_state?: string;
}

/** A membership counts while the account is active, the membership is active and it has not expired (`YYYY-MM-DD`). */
export function effectiveAccess(member: MemberLike, today = new Date()): AccessLevel {
  if (member.state !== undefined && member.state !== 'active') return 'none';
  if (member.membership_state !== undefined && member.membership_state !== 'active') return 'none';
  if (member.expires_at && member.expires_at.slice(0, 10) <= today.toISOString().slice(0, 10)) return 'none';
  return accessFromLevel(member.access_level);
}

export interface GitLabUsers {
  /** A user id by username (GitLab matches it case-insensitively), or undefined for no such user. */
  idOf(login: string): Promise<number | undefined>;
}

export function createGitLabUsers(ctx: GitLabContext): GitLabUsers {
  return {
    async idOf(login) {
      const users = await ctx.api.Users.all({ username: login, perPage: 1, page: 1 });
      return users.find((user) => user.username.toLowerCase() === login.toLowerCase())?.id;
    },
  };
}

/** Who may do what in a project: GitLab's effective membership, ancestor groups included (`members/all`). */
export function createGitLabPeople(ctx: GitLabContext, users: GitLabUsers): People {
  return {
    async accessLevel(repo, user) {
      const who = user.login ?? (user.id !== undefined ? `user ${user.id}` : 'nobody');
      const doing = `reading the access of ${who} to ${repo.projectPath}`;
      const id = user.id ?? (user.login ? await ctx.attempt(doing, () => users.idOf(user.login ?? '')) : undefined);
      if (id === undefined) return 'none';
      try {
        const member = await ctx.api.ProjectMembers.show(repo.projectId, id, { includeInherited: true });
        return effectiveAccess(member as MemberLike);
      } catch (error) {
        // Not a member — unless the project itself is missing, which GitLab says as "404 Project Not Found".
        const answer = gitlabAnswer(error);
        if (answer?.status === 404 && !/project not found/i.test(answer.message)) return 'none';
        throw toForgeError(error, doing, ctx.secrets);
      }
    },
  };
}
