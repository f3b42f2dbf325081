import type { Server } from 'node:http';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { closeNow, listenLocal } from '../local-server.js';
import { appRoutes } from './app-routes.js';
import { FakeApp, jwtProblem } from './app-auth.js';
import { graphqlRoutes } from './graphql-routes.js';
import { issueRoutes } from './issue-routes.js';
import { pullRoutes } from './pull-routes.js';
import { fail, type Caller } from './route-helpers.js';
import { iso } from './serialize.js';
import { FakeGitHubState, type FakeGitHubUser, type FakePull, type FakeRepository } from './state.js';

export interface FakeGitHubOptions {
  /** A personal access token the API accepts; its user is `botLogin`. */
  token?: string;
  /** Default `forgebot`. */
  botLogin?: string;
  /** A GitHub App: its id, slug and private key (PEM; the fake keeps only the public key), installation tokens' lifetime. */
  app?: { id: number; slug: string; privateKey: string; tokenLifetimeMs?: number };
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
    this.app = app ? new FakeApp(app.id, app.slug, app.privateKey, app.tokenLifetimeMs ?? 3_600_000) : undefined;
  }

  async start(): Promise<{ url: string }> {
    const app = express();
    app.disable('x-powered-by');
    app.set('etag', false);
    app.use(this.rateLimitHeaders, this.authenticate, this.rateLimited);
    app.use(express.raw({ type: () => true, limit: '10mb' }));
    app.use(pullRoutes(this.state, () => this.url), issueRoutes(this.state, () => this.url), appRoutes(this.state, () => this.app), graphqlRoutes(this.state));
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
    const [owner = '', name = ''] = fullName.split('/');
    const repo = this.state.repository(owner, name);
    if (!repo) throw new Error(`fake GitHub: no repository ${fullName}`);
    const created: FakePull = {
      number: pull.number, repo, title: pull.title, body: pull.body ?? null, state: 'open', merged: false, draft: pull.draft ?? false,
      user: { login: pull.author ?? 'octocat', id: 1, type: 'User' }, headRef: pull.headRef, baseRef: pull.baseRef, headSha: '', baseSha: '', createdAt: iso(Date.now()),
    };
    await this.state.refresh(created);
    this.state.pulls.push(created);
    return created;
  }

  /** The next matching requests answer with a rate limit. */
  rateLimitNext(limit: RateLimit): void {
    this.limits.push({ times: 1, ...limit, ...(limit.method ? { method: limit.method.toUpperCase() } : {}) });
  }

  /** A person resolves (or unresolves) the thread that review comment `commentId` starts, in the web UI. */
  resolveThread(commentId: number, resolved = true): void {
    const comment = this.state.reviewComments.find((candidate) => candidate.id === commentId && candidate.inReplyToId === undefined);
    if (!comment) throw new Error(`fake GitHub: no thread starts with comment ${commentId}`);
    comment.resolved = resolved;
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
    if (presented && this.options.token && presented === this.options.token) who = { kind: 'user', user: this.bot };
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
