import type { FakeProject, FakeUser } from './state.js';
import type { FakeMember, FakePipeline, GitLabAccessLevel, MemberOptions, PipelineStatusName } from './write-model.js';

/** A project (by id) or a group (by full path, e.g. `group/sub`): where a membership is held. */
export type MemberScope = { projectId: number } | { group: string };

interface PipelineStore {
  readonly pipelines: FakePipeline[];
  id(): number;
}

/** Updates the newest pipeline of `sha`, or starts a new one. */
export function recordPipeline(
  store: PipelineStore,
  input: { projectId: number; sha: string; status: PipelineStatusName; ref: string },
): FakePipeline {
  const now = new Date().toISOString();
  const existing = store.pipelines.findLast((p) => p.projectId === input.projectId && p.sha === input.sha);
  if (existing) return Object.assign(existing, { status: input.status, updatedAt: now });
  const iid = store.pipelines.filter((p) => p.projectId === input.projectId).length + 1;
  const pipeline: FakePipeline = { id: store.id(), iid, ...input, source: 'push', createdAt: now, updatedAt: now };
  store.pipelines.push(pipeline);
  return pipeline;
}

/** Adds (or replaces) `user`'s membership of one project or group. */
export function recordMember(
  store: { readonly members: FakeMember[] },
  scope: MemberScope,
  user: FakeUser,
  accessLevel: GitLabAccessLevel,
  options: MemberOptions,
): FakeMember {
  if (options.blocked !== undefined) user.state = options.blocked ? 'blocked' : 'active';
  const source: FakeMember['source'] = 'group' in scope ? { kind: 'group', path: scope.group } : { kind: 'project', projectId: scope.projectId };
  const sameSource = (member: FakeMember) => member.user.id === user.id && JSON.stringify(member.source) === JSON.stringify(source);
  const index = store.members.findIndex(sameSource);
  if (index >= 0) store.members.splice(index, 1);
  const member: FakeMember = { user, accessLevel, expiresAt: options.expiresAt ?? null, createdAt: new Date().toISOString(), source };
  store.members.push(member);
  return member;
}

/**
 * The membership `GET /projects/:id/members/:user_id` (direct) or `…/members/all/:user_id` (`inherited`: the
 * project's and its ancestor groups', highest access level first) answers.
 */
export function findMembership(members: readonly FakeMember[], project: FakeProject, userId: number, inherited: boolean): FakeMember | undefined {
  const applies = (member: FakeMember) =>
    member.source.kind === 'project'
      ? member.source.projectId === project.id
      : inherited && project.pathWithNamespace.startsWith(`${member.source.path}/`);
  return members.filter((member) => member.user.id === userId && applies(member)).sort((a, b) => b.accessLevel - a.accessLevel)[0];
}
