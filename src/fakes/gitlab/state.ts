import { randomBytes } from 'node:crypto';
import { diffFiles, git, type GitLabDiffFile } from './git-diff.js';

export interface FakeUser {
  id: number;
  username: string;
  name: string;
}

export interface FakeProject {
  id: number;
  pathWithNamespace: string;
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
  position?: NotePosition;
}

export interface FakeDiscussion {
  id: string;
  individual_note: boolean;
  notes: FakeNote[];
}

export interface FakeMergeRequest {
  id: number;
  iid: number;
  projectId: number;
  title: string;
  description: string;
  state: 'opened' | 'closed' | 'merged';
  draft: boolean;
  sourceBranch: string;
  targetBranch: string;
  author: FakeUser;
  createdAt: string;
  /** Newest first, as GitLab lists them. */
  versions: DiffVersion[];
  discussions: FakeDiscussion[];
}

export interface NewMergeRequest {
  projectId: number;
  iid: number;
  title: string;
  description?: string;
  sourceBranch: string;
  targetBranch: string;
  author?: string;
  draft?: boolean;
}

/** Everything the fake GitLab holds. Diff versions are computed from the project's real git repository. */
export class FakeGitLabState {
  readonly projects = new Map<number, FakeProject>();
  readonly mergeRequests = new Map<string, FakeMergeRequest>();
  private nextId = 1000;

  constructor(readonly botUser: FakeUser) {}

  id(): number {
    return this.nextId++;
  }

  addProject(project: FakeProject): void {
    this.projects.set(project.id, project);
  }

  findProject(idOrPath: string): FakeProject | undefined {
    const byId = this.projects.get(Number(idOrPath));
    if (byId) return byId;
    return [...this.projects.values()].find((project) => project.pathWithNamespace === idOrPath);
  }

  mergeRequest(projectId: number, iid: number): FakeMergeRequest | undefined {
    return this.mergeRequests.get(`${projectId}!${iid}`);
  }

  async addMergeRequest(input: NewMergeRequest): Promise<FakeMergeRequest> {
    const project = this.projects.get(input.projectId);
    if (!project) throw new Error(`fake GitLab: no project ${input.projectId}`);
    const username = input.author ?? 'alice';
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
      author: { id: 7, username, name: username },
      createdAt: new Date().toISOString(),
      versions: [],
      discussions: [],
    };
    this.mergeRequests.set(`${input.projectId}!${input.iid}`, mr);
    await this.refreshMergeRequest(input.projectId, input.iid);
    return mr;
  }

  /** After commits were pushed to the source branch: a new diff version, as GitLab makes one per push. */
  async refreshMergeRequest(projectId: number, iid: number): Promise<DiffVersion> {
    const project = this.projects.get(projectId);
    const mr = this.mergeRequest(projectId, iid);
    if (!project || !mr) throw new Error(`fake GitLab: no merge request ${projectId}!${iid}`);
    const head = (await git(project.repoDir, 'rev-parse', `refs/heads/${mr.sourceBranch}`)).trim();
    const start = (await git(project.repoDir, 'rev-parse', `refs/heads/${mr.targetBranch}`)).trim();
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

  newDiscussionId(): string {
    return randomBytes(20).toString('hex');
  }
}
