import type { Server } from 'node:http';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { closeNow, listenLocal } from '../local-server.js';
import { APP_PERMISSIONS, appRoutes } from './app-routes.js';
import { FakeApp, jwtProblem } from './app-auth.js';
import { checkRoutes } from './check-routes.js';
import { collaboratorRoutes } from './collaborator-routes.js';
import { commitRoutes } from './commit-routes.js';
import { pullCommitRoutes } from './pull-commit-routes.js';
import { gitDataRoutes } from './git-data-routes.js';
import { graphqlRoutes } from './graphql-routes.js';
import { issueRoutes } from './issue-routes.js';
import { pullRoutes } from './pull-routes.js';
import { pullWriteRoutes } from './pull-write-routes.js';
import { reactionRoutes } from './reaction-routes.js';
import { repositoryRoutes } from './repository-routes.js';
import { validateReviewComment } from './review-validation.js';
import { fail, type Caller } from './route-helpers.js';
import { iso } from './serialize.js';
import {
  FakeGitHubState, protectedKey, type FakeCheckRun, type FakeCommitStatus, type FakeGitHubUser, type FakeIssue, type FakeIssueComment, type FakePull, type FakeRepository,
  type FakeReview, type FakeReviewComment, type FakeRole,
} from './state.js';

export interface FakeGitHubOptions {
  /** A personal access token the API accepts; its user is `botLogin`. */
  token?: string;
  /** A classic token's scopes, sent as `x-oauth-scopes` on its answers; unset: none sent (a fine-grained token). */
  tokenScopes?: string[];
  /** Default `forgebot`. */
  botLogin?: string;
  /**
   * A GitHub App: its id, slug and private key (PEM; the fake keeps only the public key), installation tokens' lifetime,
   * the permissions its installations were granted (default APP_PERMISSIONS; AUTHOR_APP_PERMISSIONS to author changes).
   */
  app?: { id: number; slug: string; privateKey: string; tokenLifetimeMs?: number; permissions?: Record<string, string> };
}

/** The next `times` matching requests hit a rate limit: primary (403, `x-ratelimit-remaining: 0`) or secondary (403, `retry-after`). */
export interface RateLimit {
  kind: 'primary' | 'secondary';
  /** Primary: seconds until `x-ratelimit-reset`. Secondary: the `retry-after` value. */
  seconds: number;
  method?: string;
  pathPattern?: RegExp;
  times?: number;
}

/**
 * A fake GitHub REST API for tests, backed by real git repositories: GitHub's paths, status codes, Link pagination,
 * rate-limit headers and error bodies, objects shaped from GitHub's OpenAPI examples, review positions checked
 * against the real diff, and App authentication (RS256 JWT → installation tokens with `expires_at`).
 */
export class FakeGitHub {
  readonly state = new FakeGitHubState();
  /** Every authenticated request: `METHOD /path`. */
  readonly requests: string[] = [];
  /** `Authorization` scheme and token kind of each request (`token`, `installation`, `jwt`), for auth tests. */
  readonly callers: Caller['kind'][] = [];
  readonly app: FakeApp | undefined;
  url = '';
  private server: Server | undefined;
  private limits: (RateLimit & { times: number })[] = [];
  private readonly bot: FakeGitHubUser;

  constructor(private readonly options: FakeGitHubOptions) {
    this.bot = { login: options.botLogin ?? 'forgebot', id: 4242, type: 'User' };
    const app = options.app;
    this.app = app ? new FakeApp(app.id, app.slug, app.privateKey, app.tokenLifetimeMs ?? 3_600_000, app.permissions ?? APP_PERMISSIONS) : undefined;
    this.state.users.push(this.bot);
    if (this.app) this.state.users.push({ login: `${this.app.slug}[bot]`, id: 9000 + this.app.id, type: 'Bot' });
  }

  async start(): Promise<{ url: string }> {
    const app = express();
    app.disable('x-powered-by');
    app.set('etag', false);
    app.use(this.rateLimitHeaders, this.authenticate, this.rateLimited);
    app.use(express.raw({ type: () => true, limit: '10mb' }));
    const apiUrl = () => this.url;
    app.use(pullRoutes(this.state, apiUrl), issueRoutes(this.state, apiUrl), appRoutes(this.state, () => this.app), graphqlRoutes(this.state));
    app.use(gitDataRoutes(this.state, apiUrl), pullWriteRoutes(this.state, apiUrl), checkRoutes(this.state, apiUrl), collaboratorRoutes(this.state), reactionRoutes(this.state, apiUrl));
    app.use(repositoryRoutes(this.state, apiUrl), commitRoutes(this.state, apiUrl), pullCommitRoutes(this.state, apiUrl));
    app.use((_req, res) => fail(res, 404, 'Not Found'));
    const onError: ErrorRequestHandler = (error: Error, _req, res, _next) => fail(res, 500, `Server Error: ${error.message}`);
    app.use(onError);
    ({ server: this.server, url: this.url } = await listenLocal(app));
    return { url: this.url };
  }

  async stop(): Promise<void> {
    await closeNow(this.server);
    this.server = undefined;
  }

  addRepository(repo: Omit<FakeRepository, 'id'>): FakeRepository {
    const added = { ...repo, id: this.state.id() };
    this.state.repositories.push(added);
    return added;
  }

  /** Opens a pull request from `headRef` into `baseRef` of `owner/name` (branches of its git repository). */
  async openPullRequest(fullName: string, pull: { number: number; title: string; body?: string; headRef: string; baseRef: string; draft?: boolean; author?: string }): Promise<FakePull> {
    const repo = this.repositoryNamed(fullName);
    const created: FakePull = {
      number: pull.number, repo, title: pull.title, body: pull.body ?? null, state: 'open', merged: false, draft: pull.draft ?? false,
      user: { login: pull.author ?? 'octocat', id: 1, type: 'User' }, headRef: pull.headRef, baseRef: pull.baseRef, headSha: '', baseSha: '', createdAt: iso(Date.now()),
    };
    await this.state.refresh(created);
    this.state.pulls.push(created);
    return created;
  }

  /** An issue of `owner/name` (its number must not be a pull request's: GitHub numbers both in one sequence). */
  addIssue(fullName: string, issue: { number: number; title: string; body?: string; state?: 'open' | 'closed'; author?: string }): FakeIssue {
    const repo = this.repositoryNamed(fullName);
    if (this.state.pull(repo, issue.number)) throw new Error(`fake GitHub: #${issue.number} of ${fullName} is a pull request`);
    const added: FakeIssue = { number: issue.number, repo, title: issue.title, body: issue.body ?? null, state: issue.state ?? 'open', user: { login: issue.author ?? 'octocat', id: 1, type: 'User' }, createdAt: iso(Date.now()) };
    this.state.issues.push(added);
    return added;
  }

  /** A GitHub account (`GET /user/{id}` finds it), with its verified `emails` (commits by them show it); returns it. */
  addUser(user: { login: string; id: number; type?: FakeGitHubUser['type']; emails?: string[] }): FakeGitHubUser {
    const existing = this.state.users.find((candidate) => candidate.id === user.id);
    const account = existing ?? { login: user.login, id: user.id, type: user.type ?? 'User' };
    if (!existing) this.state.users.push(account);
    for (const email of user.emails ?? []) this.state.emails.set(email.toLowerCase(), account);
    return account;
  }

  /** Gives a person a role on `owner/name` (they become a collaborator; reviews may be requested from them). */
  addCollaborator(fullName: string, user: { login: string; id: number }, role: FakeRole): void {
    const repo = this.repositoryNamed(fullName);
    const person = this.addUser(user);
    const existing = this.state.collaborators.find((c) => c.repo === repo && c.user === person);
    if (existing) existing.role = role;
    else this.state.collaborators.push({ repo, user: person, role });
  }

  /** Branch protection on `branch`: direct ref updates and deletes are refused; merging a pull request into it is not. */
  protectBranch(fullName: string, branch: string, on = true): void {
    const key = protectedKey(this.repositoryNamed(fullName), branch);
    if (on) this.state.protectedBranches.add(key);
    else this.state.protectedBranches.delete(key);
  }

  /** A CI app reports a check run on `sha` (the latest run of a name replaces the earlier one, as GitHub lists them). */
  setCheckRun(fullName: string, sha: string, run: Pick<FakeCheckRun, 'name' | 'status'> & { conclusion?: FakeCheckRun['conclusion'] }): void {
    const repo = this.repositoryNamed(fullName);
    const runs = this.state.checkRuns;
    const index = runs.findIndex((candidate) => candidate.repo === repo && candidate.headSha === sha && candidate.name === run.name);
    const entry: FakeCheckRun = { id: this.state.id(), repo, headSha: sha, name: run.name, status: run.status, conclusion: run.status === 'completed' ? (run.conclusion ?? 'success') : null };
    if (index >= 0) runs.splice(index, 1, entry);
    else runs.push(entry);
  }

  /** A commit status on `sha` for `context` (the latest per context counts). */
  setCommitStatus(fullName: string, sha: string, status: Pick<FakeCommitStatus, 'context' | 'state'> & { targetUrl?: string }): void {
    const repo = this.repositoryNamed(fullName);
    this.state.statuses.push({ id: this.state.id(), repo, sha, context: status.context, state: status.state, targetUrl: status.targetUrl ?? null, createdAt: iso(Date.now()) });
  }

  private repositoryNamed(fullName: string): FakeRepository {
    const [owner = '', name = ''] = fullName.split('/');
    const repo = this.state.repository(owner, name);
    if (!repo) throw new Error(`fake GitHub: no repository ${fullName}`);
    return repo;
  }

  /** The next matching requests answer with a rate limit. */
  rateLimitNext(limit: RateLimit): void {
    this.limits.push({ times: 1, ...limit, ...(limit.method ? { method: limit.method.toUpperCase() } : {}) });
  }

  /**
   * A person (`by`; default a maintainer, `octocat`) resolves (or unresolves) the thread that review comment
   * `commentId` starts, in the web UI: they are its `resolvedBy`.
   */
  resolveThread(commentId: number, resolved = true, by: FakeGitHubUser = { login: 'octocat', id: 583231, type: 'User' }): void {
    const comment = this.state.reviewComments.find((candidate) => candidate.id === commentId && candidate.inReplyToId === undefined);
    if (!comment) throw new Error(`fake GitHub: no thread starts with comment ${commentId}`);
    if (!resolved) {
      comment.resolved = false;
      delete comment.resolvedBy;
    } else if (comment.resolved !== true) {
      Object.assign(comment, { resolved: true, resolvedBy: by });
    }
  }

  /** A person's comment in the conversation of pull request `number` (as the web UI posts it for them). */
  addIssueComment(fullName: string, number: number, comment: { body: string; user: FakeGitHubUser }): FakeIssueComment {
    const repo = this.repositoryNamed(fullName);
    const now = iso(Date.now());
    const added: FakeIssueComment = { id: this.state.id(), issueNumber: number, repo, body: comment.body, user: comment.user, createdAt: now, updatedAt: now };
    this.state.issueComments.push(added);
    return added;
  }

  /**
   * A person's review comment: on a line of the pull request's diff (checked as GitHub checks it; a new thread, in a
   * review of its own), or, with `inReplyTo`, a reply in the thread that comment starts (at its lines).
   */
  async addReviewComment(
    fullName: string,
    number: number,
    comment: { body: string; user: FakeGitHubUser } & ({ path: string; line: number; side?: 'LEFT' | 'RIGHT' } | { inReplyTo: number }),
  ): Promise<FakeReviewComment> {
    const repo = this.repositoryNamed(fullName);
    const pull = this.state.pull(repo, number);
    if (!pull) throw new Error(`fake GitHub: no pull request ${fullName}#${number}`);
    const now = iso(Date.now());
    if ('inReplyTo' in comment) {
      const parent = this.state.reviewComments.find((candidate) => candidate.repo === repo && candidate.id === comment.inReplyTo && candidate.inReplyToId === undefined);
      if (!parent) throw new Error(`fake GitHub: no thread starts with comment ${comment.inReplyTo}`);
      const reply: FakeReviewComment = { ...parent, id: this.state.id(), body: comment.body, user: comment.user, inReplyToId: parent.id, createdAt: now };
      delete reply.resolved;
      delete reply.resolvedBy;
      this.state.reviewComments.push(reply);
      return reply;
    }
    await this.state.refresh(pull);
    const placed = validateReviewComment({ path: comment.path, line: comment.line, side: comment.side ?? 'RIGHT', body: comment.body }, await this.state.files(pull));
    if (typeof placed === 'string') throw new Error(`fake GitHub: ${placed}`);
    const review: FakeReview = { id: this.state.id(), pullNumber: number, repo, body: '', state: 'COMMENTED', commitId: pull.headSha, user: comment.user, submittedAt: now };
    this.state.reviews.push(review);
    const added: FakeReviewComment = { ...placed, id: this.state.id(), reviewId: review.id, pullNumber: number, repo, commitId: pull.headSha, user: comment.user, createdAt: now };
    this.state.reviewComments.push(added);
    return added;
  }

  /** Every installation token issued so far expires now. */
  expireInstallationTokens(): void {
    this.app?.expireAll();
  }

  private readonly rateLimitHeaders: RequestHandler = (_req, res, next) => {
    res.set({ 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '4999', 'x-ratelimit-used': '1', 'x-ratelimit-resource': 'core', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600), 'x-github-api-version-selected': '2022-11-28' });
    next();
  };

  private readonly authenticate: RequestHandler = (req, res, next) => {
    const presented = /^(?:token|bearer) (\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
    let who: Caller | undefined;
    if (presented && this.options.token && presented === this.options.token) {
      who = { kind: 'user', user: this.bot };
      if (this.options.tokenScopes) res.set('x-oauth-scopes', this.options.tokenScopes.join(', '));
    }
    else if (presented && this.app && presented.split('.').length === 3) {
      const problem = jwtProblem(presented, this.app.id, this.app.publicKey);
      if (problem) return fail(res, 401, problem);
      who = { kind: 'app' };
    } else if (presented && this.app) {
      const token = this.app.find(presented);
      if (token) who = { kind: 'installation', token, user: { login: `${this.app.slug}[bot]`, id: 9000 + this.app.id, type: 'Bot' } };
    }
    if (!who) return fail(res, 401, 'Bad credentials');
    res.locals.caller = who;
    this.requests.push(`${req.method} ${req.path}`);
    this.callers.push(who.kind);
    next();
  };

  private readonly rateLimited: RequestHandler = (req, res, next) => {
    const limit = this.limits.find((l) => l.times > 0 && (!l.method || l.method === req.method) && (!l.pathPattern || l.pathPattern.test(req.path)));
    if (!limit) return next();
    limit.times -= 1;
    this.limits = this.limits.filter((l) => l.times > 0);
    if (limit.kind === 'secondary') {
      res.set('retry-after', String(limit.seconds));
      return fail(res, 403, 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.');
    }
    res.set({ 'x-ratelimit-remaining': '0', 'x-ratelimit-used': '5000', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + limit.seconds) });
    fail(res, 403, 'API rate limit exceeded for user ID 4242.');
  };
}
