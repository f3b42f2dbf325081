import { runGit } from './git-plumbing.js';
import { serializeUser } from './serialize.js';
import type { FakeProject } from './state.js';
import type { FakeAward, FakeMember, FakePipeline } from './write-model.js';

/** A commit as git holds it. */
export interface GitCommit {
  id: string;
  parentIds: string[];
  authorName: string;
  authorEmail: string;
  authoredDate: string;
  committerName: string;
  committerEmail: string;
  committedDate: string;
  message: string;
}

/** Reads a commit with git (`%H %P %an …`), or undefined when `sha` is not one. */
export async function readCommit(repoDir: string, sha: string): Promise<GitCommit | undefined> {
  if (!/^[0-9a-f]{4,64}$/i.test(sha)) return undefined;
  const { stdout, code } = await runGit(repoDir, ['show', '-s', '--format=%H%x00%P%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%B', `${sha}^{commit}`], {
    okCodes: [128],
  });
  if (code !== 0) return undefined;
  const [id = '', parents = '', authorName = '', authorEmail = '', authoredDate = '', committerName = '', committerEmail = '', committedDate = '', message = ''] =
    stdout.split('\0');
  return { id, parentIds: parents.split(' ').filter(Boolean), authorName, authorEmail, authoredDate, committerName, committerEmail, committedDate, message: message.replace(/\n$/, '') };
}

export function serializeCommit(commit: GitCommit, project: FakeProject, baseUrl: string) {
  return {
    id: commit.id,
    short_id: commit.id.slice(0, 8),
    title: commit.message.split('\n')[0] ?? '',
    message: commit.message,
    author_name: commit.authorName,
    author_email: commit.authorEmail,
    authored_date: commit.authoredDate,
    committer_name: commit.committerName,
    committer_email: commit.committerEmail,
    committed_date: commit.committedDate,
    created_at: commit.committedDate,
    parent_ids: commit.parentIds,
    trailers: {},
    extended_trailers: {},
    web_url: `${baseUrl}/${project.pathWithNamespace}/-/commit/${commit.id}`,
  };
}

export function serializeBranch(name: string, commit: GitCommit, project: FakeProject, baseUrl: string, isProtected: boolean) {
  return {
    name,
    commit: serializeCommit(commit, project, baseUrl),
    merged: false,
    protected: isProtected,
    developers_can_push: !isProtected,
    developers_can_merge: !isProtected,
    can_push: !isProtected,
    default: name === 'main',
    web_url: `${baseUrl}/${project.pathWithNamespace}/-/tree/${encodeURIComponent(name)}`,
  };
}

export function serializePipeline(pipeline: FakePipeline, project: FakeProject, baseUrl: string) {
  return {
    id: pipeline.id,
    iid: pipeline.iid,
    project_id: pipeline.projectId,
    sha: pipeline.sha,
    ref: pipeline.ref,
    status: pipeline.status,
    source: pipeline.source,
    created_at: pipeline.createdAt,
    updated_at: pipeline.updatedAt,
    web_url: `${baseUrl}/${project.pathWithNamespace}/-/pipelines/${pipeline.id}`,
  };
}

export function serializeMember(member: FakeMember, baseUrl: string) {
  return {
    ...serializeUser(member.user, baseUrl),
    access_level: member.accessLevel,
    created_at: member.createdAt,
    expires_at: member.expiresAt,
    membership_state: 'active',
    created_by: null,
  };
}

export function serializeAward(award: FakeAward, baseUrl: string) {
  return {
    id: award.id,
    name: award.name,
    user: serializeUser(award.user, baseUrl),
    created_at: award.createdAt,
    updated_at: award.createdAt,
    awardable_id: award.awardableId,
    awardable_type: 'Note',
  };
}
