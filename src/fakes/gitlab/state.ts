import { randomBytes } from 'node:crypto';
import { diffFiles, git, type GitLabDiffFile } from './git-diff.js';
import type { FakeIssue } from './issue-routes.js';
import { findMembership, recordMember, recordPipeline, type MemberScope } from './project-settings.js';
import {
  matchesProtection,
  type FakeAward,
  type FakeMember,
  type FakePipeline,
  type GitLabAccessLevel,
  type MemberOptions,
  type PipelineStatusName,
} from './write-model.js';

export interface FakeUser {
  id: number;
  username: string;
  name: string;
  /** `active` unless set; a blocked user keeps memberships but cannot act. */
  state?: 'active' | 'blocked';
  /** The email shown on the profile (`public_email`): the only one `GET /users?search=` matches for a non-admin. */
  publicEmail?: string;
}

export interface FakeProject {
  id: number;
  pathWithNamespace: string;
  /** A real git repository (bare or not) on disk; the API answers a `file://` clone URL to it. */
  repoDir: string;
}

export interface DiffVersion {
  id: number;
  head_commit_sha: string;
  base_commit_sha: string;
  start_commit_sha: string;
  created_at: string;
  merge_request_id: number;
  state: 'collected';
  real_size: string;
  files: GitLabDiffFile[];
}

export interface NotePosition {
  base_sha: string;
  start_sha: string;
  head_sha: string;
  position_type: 'text';
  old_path: string;
  new_path: string;
  old_line: number | null;
  new_line: number | null;
}

export interface FakeNote {
  id: number;
  /** `null` for a plain note, `DiscussionNote` in a thread, `DiffNote` on a diff line. */
  type: 'DiffNote' | 'DiscussionNote' | null;
  body: string;
  author: FakeUser;
  created_at: string;
  updated_at: string;
  system: boolean;
  noteable_id: number;
  noteable_type: 'MergeRequest';
  noteable_iid: number;
  resolvable: boolean;
  resolved: boolean;
  /** Who resolved the thread and when (GitLab's `resolved_by` / `resolved_at`): absent while it is unresolved. */
  resolvedBy?: FakeUser;
  resolvedAt?: string;
  position?: NotePosition;
}

/**
 * Resolves (or unresolves) every resolvable note of a discussion as GitLab's `Discussion#resolve!(user)` does: a note
 * already resolved keeps who resolved it and when; unresolving clears both.
 */
export function setDiscussionResolved(discussion: FakeDiscussion, resolved: boolean, by: FakeUser, at = new Date()): void {
  for (const note of discussion.notes) {
    if (!note.resolvable) continue;
    if (!resolved) {
      note.resolved = false;
      delete note.resolvedBy;
      delete note.resolvedAt;
    } else if (!note.resolved) {
      Object.assign(note, { resolved: true, resolvedBy: by, resolvedAt: at.toISOString() });
    }
  }
}

export interface FakeDiscussion {
  id: string;
  individual_note: boolean;
  notes: FakeNote[];
}

export type MergeRequestState = 'opened' | 'closed' | 'merged' | 'locked';

export interface FakeMergeRequest {
  id: number;
  iid: number;
  projectId: number;
  title: string;
  description: string;
  state: MergeRequestState;
  draft: boolean;
  sourceBranch: string;
  targetBranch: string;
  author: FakeUser;
  createdAt: string;
  /** Newest first, as GitLab lists them. */
  versions: DiffVersion[];
  discussions: FakeDiscussion[];
  labels: string[];
  reviewers: FakeUser[];
  mergeCommitSha: string | null;
  squashCommitSha: string | null;
  /** GitLab's `merged_at` / `closed_at` (ISO 8601), null until it happens. */
  mergedAt: string | null;
  closedAt: string | null;
}

export interface NewMergeRequest {
  projectId: number;
  iid: number;
  title: string;
  description?: string;
  sourceBranch: string;
  targetBranch: string;
  /** Username of the author; `alice` when left out. */
  author?: string;
  draft?: boolean;
  labels?: string[];
  /** Usernames. */
  reviewers?: string[];
}

/** A note written by someone other than the token's user (a human, or GitLab itself when `system`). */
export interface ForeignNote {
  body: string;
  author?: string;
  system?: boolean;
}

/** Everything the fake GitLab holds. Diff versions are computed from the project's real git repository. */
export class FakeGitLabState {
  readonly projects = new Map<number, FakeProject>();
  readonly mergeRequests = new Map<string, FakeMergeRequest>();
  /** Protected branch names (or `*` patterns) per project id. */
  readonly protectedBranches = new Map<number, string[]>();
  /** Every pipeline, oldest first. */
  readonly pipelines: FakePipeline[] = [];
  /** Project and group memberships. */
  readonly members: FakeMember[] = [];
  /** Award emoji by note id. */
  readonly awards = new Map<number, FakeAward[]>();
  readonly users = new Map<string, FakeUser>();
  /** Issues of every project (`GET /projects/:id/issues/:iid`). */
  readonly issues: FakeIssue[] = [];
  private nextId = 1000;

  /** `botUser` is the user the API token belongs to: it authors every note created through the API. */
  constructor(readonly botUser: FakeUser) {
    this.users.set(botUser.username, botUser);
  }

  id(): number {
    return this.nextId++;
  }

  user(username: string): FakeUser {
    let user = this.users.get(username);
    if (!user) {
      user = { id: this.id(), username, name: username };
      this.users.set(username, user);
    }
    return user;
  }

  /** An existing user by username (case-insensitive, as `GET /users?username=`), or undefined. */
  findUser(username: string): FakeUser | undefined {
    return [...this.users.values()].find((user) => user.username.toLowerCase() === username.toLowerCase());
  }

  userById(id: number): FakeUser | undefined {
    return [...this.users.values()].find((user) => user.id === id);
  }

  /** The iid the next merge request of the project gets. */
  nextIid(projectId: number): number {
    const iids = [...this.mergeRequests.values()].filter((mr) => mr.projectId === projectId).map((mr) => mr.iid);
    return Math.max(0, ...iids) + 1;
  }

  protectBranch(projectId: number, pattern: string): void {
    this.protectedBranches.set(projectId, [...(this.protectedBranches.get(projectId) ?? []), pattern]);
  }

  isProtected(projectId: number, branch: string): boolean {
    return (this.protectedBranches.get(projectId) ?? []).some((pattern) => matchesProtection(pattern, branch));
  }

  /** Sets the status of the newest pipeline for `sha`, or starts one (a test drives CI this way). */
  setPipeline(projectId: number, sha: string, status: PipelineStatusName, ref = ''): FakePipeline {
    return recordPipeline(this, { projectId, sha, status, ref });
  }

  /** A membership of the project (`projectId`) or of a group (`group`: full path) with a GitLab access level. */
  setMember(scope: MemberScope, username: string, accessLevel: GitLabAccessLevel, options: MemberOptions = {}): FakeMember {
    return recordMember(this, scope, this.user(username), accessLevel, options);
  }

  /** The user's membership of the project: direct only, or the highest including ancestor groups (`members/all`). */
  memberOf(project: FakeProject, userId: number, inherited: boolean): FakeMember | undefined {
    return findMembership(this.members, project, userId, inherited);
  }

  addProject(project: FakeProject): void {
    this.projects.set(project.id, { ...project });
  }

  /** By numeric id or by `group/project` path, as GitLab's `:id` accepts both. */
  findProject(idOrPath: string): FakeProject | undefined {
    if (/^\d+$/.test(idOrPath)) return this.projects.get(Number(idOrPath));
    return [...this.projects.values()].find((project) => project.pathWithNamespace === idOrPath);
  }

  mergeRequest(projectId: number, iid: number): FakeMergeRequest | undefined {
    return this.mergeRequests.get(`${projectId}!${iid}`);
  }

  requireMergeRequest(projectId: number, iid: number): FakeMergeRequest {
    const mr = this.mergeRequest(projectId, iid);
    if (!mr) throw new Error(`fake GitLab: no merge request ${projectId}!${iid}`);
    return mr;
  }

  async addMergeRequest(input: NewMergeRequest): Promise<FakeMergeRequest> {
    if (!this.projects.has(input.projectId)) throw new Error(`fake GitLab: no project ${input.projectId}`);
    if (this.mergeRequest(input.projectId, input.iid)) throw new Error(`fake GitLab: merge request ${input.projectId}!${input.iid} exists`);
    const mr: FakeMergeRequest = {
      id: this.id(),
      iid: input.iid,
      projectId: input.projectId,
      title: input.title,
      description: input.description ?? '',
      state: 'opened',
      draft: input.draft ?? false,
      sourceBranch: input.sourceBranch,
      targetBranch: input.targetBranch,
      author: this.user(input.author ?? 'alice'),
      createdAt: new Date().toISOString(),
      versions: [],
      discussions: [],
      labels: input.labels ?? [],
      reviewers: (input.reviewers ?? []).map((username) => this.user(username)),
      mergeCommitSha: null,
      squashCommitSha: null,
      mergedAt: null,
      closedAt: null,
    };
    await this.computeVersion(mr);
    this.mergeRequests.set(`${input.projectId}!${input.iid}`, mr);
    return mr;
  }

  /** Moves the MR to `state`, stamping `merged_at` / `closed_at` as GitLab does (a reopen clears `closed_at`). */
  setMergeRequestState(mr: FakeMergeRequest, state: MergeRequestState, at = new Date()): void {
    mr.state = state;
    if (state === 'merged') mr.mergedAt = at.toISOString();
    mr.closedAt = state === 'closed' ? at.toISOString() : null;
  }

  /** After commits were pushed to the source or target branch: a new diff version, as GitLab makes one per push. */
  async refreshMergeRequest(projectId: number, iid: number): Promise<DiffVersion> {
    return this.computeVersion(this.requireMergeRequest(projectId, iid));
  }

  /** A note by someone else (a human reply, or a system note such as "added 1 commit"). */
  addForeignNote(projectId: number, iid: number, input: ForeignNote): FakeNote {
    const mr = this.requireMergeRequest(projectId, iid);
    const note = this.newNote(mr, input.body, { author: this.user(input.author ?? 'alice'), system: input.system ?? false });
    mr.discussions.push({ id: this.newDiscussionId(), individual_note: true, notes: [note] });
    return note;
  }

  newNote(
    mr: FakeMergeRequest,
    body: string,
    options: { author?: FakeUser; system?: boolean; position?: NotePosition; inThread?: boolean } = {},
  ): FakeNote {
    const now = new Date().toISOString();
    const threaded = options.position !== undefined || options.inThread === true;
    return {
      id: this.id(),
      type: options.position ? 'DiffNote' : threaded ? 'DiscussionNote' : null,
      body,
      author: options.author ?? this.botUser,
      created_at: now,
      updated_at: now,
      system: options.system ?? false,
      noteable_id: mr.id,
      noteable_type: 'MergeRequest',
      noteable_iid: mr.iid,
      resolvable: threaded,
      resolved: false,
      ...(options.position ? { position: options.position } : {}),
    };
  }

  newDiscussionId(): string {
    return randomBytes(20).toString('hex');
  }

  private async computeVersion(mr: FakeMergeRequest): Promise<DiffVersion> {
    const project = this.projects.get(mr.projectId);
    if (!project) throw new Error(`fake GitLab: no project ${mr.projectId}`);
    const head = (await git(project.repoDir, 'rev-parse', '--verify', `refs/heads/${mr.sourceBranch}^{commit}`)).trim();
    const start = (await git(project.repoDir, 'rev-parse', '--verify', `refs/heads/${mr.targetBranch}^{commit}`)).trim();
    const base = (await git(project.repoDir, 'merge-base', start, head)).trim();
    const files = await diffFiles(project.repoDir, base, head);
    const version: DiffVersion = {
      id: this.id(),
      head_commit_sha: head,
      base_commit_sha: base,
      start_commit_sha: start,
      created_at: new Date().toISOString(),
      merge_request_id: mr.id,
      state: 'collected',
      real_size: String(files.length),
      files,
    };
    mr.versions.unshift(version);
    return version;
  }
}
