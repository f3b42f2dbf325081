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

/** Everything the fake holds; the git repositories hold the code. */
export class FakeGitHubState {
  readonly repositories: FakeRepository[] = [];
  readonly pulls: FakePull[] = [];
  readonly issueComments: FakeIssueComment[] = [];
  readonly reviews: FakeReview[] = [];
  readonly reviewComments: FakeReviewComment[] = [];
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

  /** Reads the branches' tips from git again (after a push). */
  async refresh(pull: FakePull): Promise<void> {
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
