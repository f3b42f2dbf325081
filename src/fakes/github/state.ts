import { diffFiles, git } from '../gitlab/git-diff.js';

export interface FakeGitHubUser {
  login: string;
  id: number;
  type: 'User' | 'Bot';
}

export interface FakeRepository {
  id: number;
  owner: string;
  name: string;
  /** A real git repository; the API answers `file://<repoDir>` as `clone_url`. */
  repoDir: string;
  installationId?: number;
}

export interface FakePull {
  number: number;
  repo: FakeRepository;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  merged: boolean;
  draft: boolean;
  user: FakeGitHubUser;
  headRef: string;
  baseRef: string;
  headSha: string;
  baseSha: string;
  createdAt: string;
  labels?: string[];
  requestedReviewers?: FakeGitHubUser[];
  closedAt?: string;
  mergedAt?: string;
  mergeCommitSha?: string;
}

/** An issue (not a pull request: those are issues too, and `GET …/issues/{n}` answers them from the pull). */
export interface FakeIssue {
  number: number;
  repo: FakeRepository;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  user: FakeGitHubUser;
  createdAt: string;
}

export interface FakeIssueComment {
  id: number;
  issueNumber: number;
  repo: FakeRepository;
  body: string;
  user: FakeGitHubUser;
  createdAt: string;
  updatedAt: string;
}

/** Where a review comment sits, as checked against the diff (review-validation.ts). */
export interface ReviewCommentPlacement {
  path: string;
  body: string;
  line: number;
  side: 'LEFT' | 'RIGHT';
  startLine: number | null;
  startSide: 'LEFT' | 'RIGHT' | null;
  diffHunk: string;
}

export interface FakeReviewComment extends ReviewCommentPlacement {
  id: number;
  reviewId: number;
  pullNumber: number;
  repo: FakeRepository;
  commitId: string;
  user: FakeGitHubUser;
  inReplyToId?: number;
  createdAt: string;
  /** The thread this comment starts was resolved (GraphQL `resolveReviewThread`, or a person in the web UI). */
  resolved?: boolean;
  /** Who resolved it (GraphQL `resolvedBy`): the viewer of `resolveReviewThread`, or the person in the web UI. */
  resolvedBy?: FakeGitHubUser;
}

export interface FakeReview {
  id: number;
  pullNumber: number;
  repo: FakeRepository;
  body: string;
  state: 'COMMENTED' | 'CHANGES_REQUESTED' | 'APPROVED';
  commitId: string;
  user: FakeGitHubUser;
  submittedAt: string;
}

export interface PullFile {
  filename: string;
  previous_filename?: string;
  status: 'added' | 'removed' | 'modified' | 'renamed';
  patch?: string;
  additions: number;
  deletions: number;
}

/** A person's role on a repository (GitHub's base roles; `permission` is the legacy name: maintain → write, triage → read). */
export type FakeRole = 'admin' | 'maintain' | 'write' | 'triage' | 'read';

export interface FakeCollaborator {
  repo: FakeRepository;
  user: FakeGitHubUser;
  role: FakeRole;
}

/** A check run on a commit, as a CI app would report it. */
export interface FakeCheckRun {
  id: number;
  repo: FakeRepository;
  headSha: string;
  name: string;
  status: 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending';
  conclusion: 'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required' | 'stale' | null;
}

/** A commit status (the older Statuses API), one per context: the latest wins. */
export interface FakeCommitStatus {
  id: number;
  repo: FakeRepository;
  sha: string;
  context: string;
  state: 'error' | 'failure' | 'pending' | 'success';
  targetUrl: string | null;
  createdAt: string;
}

export type FakeReactionContent = '+1' | '-1' | 'laugh' | 'confused' | 'heart' | 'hooray' | 'rocket' | 'eyes';

export interface FakeReaction {
  id: number;
  repo: FakeRepository;
  subject: { kind: 'issue-comment' | 'review-comment'; id: number };
  content: FakeReactionContent;
  user: FakeGitHubUser;
  createdAt: string;
}

/** How a protected branch is remembered: repository names are case-insensitive on GitHub, branch names are not. */
export const protectedKey = (repo: Pick<FakeRepository, 'owner' | 'name'>, branch: string) => `${repo.owner}/${repo.name}`.toLowerCase() + `:${branch}`;

/** Everything the fake holds; the git repositories hold the code. */
export class FakeGitHubState {
  readonly repositories: FakeRepository[] = [];
  readonly pulls: FakePull[] = [];
  readonly issueComments: FakeIssueComment[] = [];
  readonly issues: FakeIssue[] = [];
  readonly reviews: FakeReview[] = [];
  readonly reviewComments: FakeReviewComment[] = [];
  /** GitHub accounts `GET /user/{id}` and the collaborator endpoints know (the token's user is added on start). */
  readonly users: FakeGitHubUser[] = [];
  /** Verified emails of accounts (lower-cased): GitHub shows a commit's `author` / `committer` as the account whose email it is. */
  readonly emails = new Map<string, FakeGitHubUser>();
  readonly collaborators: FakeCollaborator[] = [];
  /** protectedKey(repo, branch): direct ref updates to these are refused (merging a pull request is not). */
  readonly protectedBranches = new Set<string>();
  readonly checkRuns: FakeCheckRun[] = [];
  readonly statuses: FakeCommitStatus[] = [];
  readonly reactions: FakeReaction[] = [];
  private nextId = 1000;

  id(): number {
    return this.nextId++;
  }

  repository(owner: string, name: string): FakeRepository | undefined {
    return this.repositories.find((repo) => repo.owner.toLowerCase() === owner.toLowerCase() && repo.name.toLowerCase() === name.toLowerCase());
  }

  pull(repo: FakeRepository, number: number): FakePull | undefined {
    return this.pulls.find((pull) => pull.repo === repo && pull.number === number);
  }

  isProtected(repo: FakeRepository, branch: string): boolean {
    return this.protectedBranches.has(protectedKey(repo, branch));
  }

  /**
   * Reads the branches' tips from git again (after a push) while the pull request is open; a closed or merged one keeps
   * the SHAs it closed with, as on GitHub (its head branch may be gone).
   */
  async refresh(pull: FakePull): Promise<void> {
    if (pull.state !== 'open' && pull.headSha !== '') return;
    pull.headSha = (await git(pull.repo.repoDir, 'rev-parse', `refs/heads/${pull.headRef}`)).trim();
    pull.baseSha = (await git(pull.repo.repoDir, 'rev-parse', `refs/heads/${pull.baseRef}`)).trim();
  }

  async mergeBase(pull: FakePull): Promise<string> {
    return (await git(pull.repo.repoDir, 'merge-base', pull.baseSha, pull.headSha)).trim();
  }

  /** The pull request's files as GitHub lists them: three-dot diff, hunks only, no patch for binary files. */
  async files(pull: FakePull): Promise<PullFile[]> {
    const files = await diffFiles(pull.repo.repoDir, await this.mergeBase(pull), pull.headSha);
    return files.map((file) => {
      const patch = file.diff.replace(/\n$/, '');
      const lines = patch.split('\n');
      return {
        filename: file.new_path,
        ...(file.renamed_file ? { previous_filename: file.old_path } : {}),
        status: file.new_file ? 'added' : file.deleted_file ? 'removed' : file.renamed_file ? 'renamed' : 'modified',
        ...(patch.startsWith('@@') ? { patch } : {}),
        additions: lines.filter((line) => line.startsWith('+')).length,
        deletions: lines.filter((line) => line.startsWith('-')).length,
      };
    });
  }
}
