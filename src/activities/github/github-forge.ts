import type { ChangeRef } from '../../domain/change-ref.js';
import type { ChangeSnapshot } from '../../domain/change-snapshot.js';
import { fingerprintIn, parseInlineComment, raisedByIn, SUMMARY_MARKER } from '../../domain/render.js';
import type { Logger } from '../../logger.js';
import { ForgeError, type FindingThread, type FullForge } from '../forge.js';
import { createGitHubAuthor } from './github-author.js';
import type { GitHubConnection } from './github-connection.js';
import { repoOf, repoRunner, type Repo } from './github-context.js';
import { createGitHubContributors } from './github-contributors.js';
import { createGitHubConversation } from './github-conversation.js';
import { toGitHubForgeError } from './github-errors.js';
import { toChangedFile, type PullRequestFile } from './github-files.js';
import type { GitHubOctokit } from './github-octokit.js';
import { createGitHubPeople } from './github-people.js';
import { createGitHubRelatedWork } from './github-related.js';
import { createGitHubRepositoryReader } from './github-repository.js';
import { buildReview } from './github-review.js';
import { resolveReviewThread, reviewThreads } from './github-threads.js';

export interface GitHubForgeOptions {
  /** Page size for lists (GitHub's maximum is 100). */
  perPage?: number;
  /** How often to re-read a pull request that got new commits while it was being read. Default 3. */
  maxReadAttempts?: number;
  /** GITHUB_APPROVE_WHEN_CLEAN: approve a pull request the review found nothing on. Default false. */
  approveWhenClean?: boolean;
  /** Strings (e.g. the token) scrubbed from error messages, on top of token-shaped strings. */
  secrets?: readonly string[];
  logger?: Logger;
}

type At = Repo & { pull_number: number };

/**
 * The `Forge` for GitHub, through octokit, with every capability: reading and reviewing changes (here), authoring them
 * (github-author.ts), conversation (github-conversation.ts), people (github-people.ts) and repository reads
 * (github-repository.ts). `connection` authenticates per repository (token or App installation).
 */
export function createGitHubForge(connection: GitHubConnection, options: GitHubForgeOptions = {}): FullForge {
  const perPage = Math.min(options.perPage ?? 100, 100);
  const maxReadAttempts = Math.max(options.maxReadAttempts ?? 3, 1);

  /** Runs `work` with the repository's client and login; failures become ForgeErrors. */
  async function withRepo<T>(ref: ChangeRef, doing: string, work: (api: GitHubOctokit, at: At) => Promise<T>): Promise<T> {
    try {
      const at = repoOf(ref);
      return await work(await connection.forRepository(at.owner, at.repo), { ...at, pull_number: ref.number });
    } catch (error) {
      throw toGitHubForgeError(error, doing, options.secrets);
    }
  }

  /** One consistent read: files and merge base of the head SHA we return (a push in between means read again). */
  async function readChange(api: GitHubOctokit, ref: ChangeRef, at: At): Promise<ChangeSnapshot | undefined> {
    const { data: pr } = await api.rest.pulls.get(at);
    const files = await api.paginate(api.rest.pulls.listFiles, { ...at, per_page: perPage });
    const { data: compare } = await api.rest.repos.compareCommitsWithBasehead({ ...at, basehead: `${pr.base.sha}...${pr.head.sha}`, per_page: 1 });
    const { data: again } = await api.rest.pulls.get(at);
    if (again.head.sha !== pr.head.sha || again.base.sha !== pr.base.sha) return undefined;
    return {
      ref,
      title: pr.title,
      description: pr.body ?? '',
      state: pr.merged ? 'merged' : pr.state === 'closed' ? 'closed' : 'opened',
      draft: pr.draft === true,
      baseSha: compare.merge_base_commit.sha,
      startSha: pr.base.sha,
      headSha: pr.head.sha,
      targetBranch: pr.base.ref,
      cloneUrl: pr.base.repo.clone_url,
      files: (files as PullRequestFile[]).map(toChangedFile),
      labels: pr.labels.map((label) => label.name),
    };
  }

  /** forgebot's own review comments (top-level ones start a thread), all pages. */
  async function ownReviewComments(api: GitHubOctokit, at: At) {
    const [login, comments] = await Promise.all([
      connection.botLogin(at.owner, at.repo),
      api.paginate(api.rest.pulls.listReviewComments, { ...at, per_page: perPage }),
    ]);
    return comments.filter((comment) => comment.user?.login === login);
  }

  const run = repoRunner(connection, options.secrets);
  const repository = createGitHubRepositoryReader(run, perPage);
  return {
    ...repository,
    ...createGitHubAuthor(connection, run, options.logger),
    ...createGitHubConversation(run, (owner, repo) => connection.botLogin(owner, repo)),
    ...createGitHubPeople(run),
    ...createGitHubRelatedWork(run),
    ...createGitHubContributors(run, (owner, repo) => connection.botLogin(owner, repo), perPage),

    async getChange(ref) {
      return withRepo(ref, `reading pull request ${ref.projectPath}#${ref.number}`, async (api, at) => {
        for (let read = 1; read <= maxReadAttempts; read++) {
          const snapshot = await readChange(api, ref, at);
          if (snapshot) return snapshot;
          options.logger?.info({ repository: ref.projectPath, pr: ref.number, read }, 'pull request changed while it was read; reading again');
        }
        throw new ForgeError('ERR_FORGE_UNAVAILABLE', `pull request ${ref.projectPath}#${ref.number} kept changing while it was read`);
      });
    },

    async upsertSummary(ref, body) {
      return withRepo(ref, `posting the summary on ${ref.projectPath}#${ref.number}`, async (api, at) => {
        const issue = { owner: at.owner, repo: at.repo, issue_number: at.pull_number };
        const [login, comments] = await Promise.all([
          connection.botLogin(at.owner, at.repo),
          api.paginate(api.rest.issues.listComments, { ...issue, per_page: perPage }),
        ]);
        // Issue comments only (never review comments), by the bot, starting with the marker: no quote or finding is it.
        const existing = comments.find((comment) => comment.user?.login === login && (comment.body ?? '').startsWith(SUMMARY_MARKER));
        if (existing) {
          await api.rest.issues.updateComment({ owner: at.owner, repo: at.repo, comment_id: existing.id, body });
          return { id: String(existing.id), created: false };
        }
        const { data } = await api.rest.issues.createComment({ ...issue, body, request: { retries: 0 } });
        return { id: String(data.id), created: true };
      });
    },

    async postedFindingFingerprints(ref) {
      return withRepo(ref, `reading review comments of ${ref.projectPath}#${ref.number}`, async (api, at) => {
        // A thread's first comment only (a reply is never forgebot's finding); its marker is that comment's last line.
        const firsts = (await ownReviewComments(api, at)).filter((comment) => comment.in_reply_to_id === undefined);
        const fingerprints = firsts.map((comment) => fingerprintIn(comment.body));
        return new Set(fingerprints.filter((fingerprint): fingerprint is string => fingerprint !== undefined));
      });
    },

    async findingThreads(ref) {
      return withRepo(ref, `reading review threads of ${ref.projectPath}#${ref.number}`, async (api, at) => {
        // Comments from REST (bodies, lines); thread ids and resolution from GraphQL, joined on the first comment.
        const [comments, states, login] = await Promise.all([ownReviewComments(api, at), reviewThreads(api, at.owner, at.repo, at.pull_number), connection.botLogin(at.owner, at.repo)]);
        const bot = login.replace(/\[bot\]$/, '');
        const byFirstComment = new Map(states.map((state) => [state.firstCommentId, state]));
        const threads: FindingThread[] = [];
        for (const comment of comments) {
          const fingerprint = fingerprintIn(comment.body);
          const parsed = parseInlineComment(comment.body);
          const line = comment.line ?? comment.original_line;
          const state = byFirstComment.get(comment.id);
          if (comment.in_reply_to_id !== undefined || !state || !fingerprint || !parsed || !line) continue;
          const by = state.isResolved && state.resolvedBy ? { resolvedByForgebot: state.resolvedBy.replace(/\[bot\]$/, '') === bot } : {};
          threads.push({ threadId: state.id, fingerprint, resolved: state.isResolved, ...by, raisedBy: raisedByIn(comment.body) ?? ['general'], path: comment.path, line, ...parsed });
        }
        return threads;
      });
    },

    async resolveThread(ref, threadId) {
      await withRepo(ref, `resolving a thread on ${ref.projectPath}#${ref.number}`, (api) => resolveReviewThread(api, threadId));
    },

    // A change's file is its repository's file at that commit.
    readFile: repository.readRepositoryFile,

    async postReview(ref, comments, verdict) {
      const approveWhenClean = options.approveWhenClean ?? false;
      if (!buildReview('', comments, verdict, approveWhenClean)) return { posted: 0 };
      return withRepo(ref, `posting a review on ${ref.projectPath}#${ref.number}`, async (api, at) => {
        // An approval alone names the head it approves; comments carry the head they were placed on.
        const headSha = comments[0]?.target.refs.headSha ?? (await api.rest.pulls.get(at)).data.head.sha;
        const review = buildReview(headSha, comments, verdict, approveWhenClean)!;
        await api.rest.pulls.createReview({ ...at, ...review, request: { retries: 0 } });
        return { posted: review.comments.length };
      });
    },

    async postInlineComment(ref, target, body) {
      return withRepo(ref, `commenting on ${target.newPath} in ${ref.projectPath}#${ref.number}`, async (api, at) => {
        const review = buildReview(target.refs.headSha, [{ target, body }], 'findings', false);
        const { data } = await api.rest.pulls.createReview({ ...at, ...review!, request: { retries: 0 } });
        return { id: String(data.id) };
      });
    },
  };
}
