import type { Server } from 'node:http';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { closeNow, listenLocal } from '../local-server.js';
import { fail, issueRoutes, NOT_FOUND } from './routes.js';
import { iso } from './serialize.js';
import { FakeSentryState, type FakeSentryIssue, type FakeSentryToken, type FakeSentryUser } from './state.js';

/** An internal integration's token: what forgebot's README asks for. */
export const FORGEBOT_SCOPES = ['event:read', 'event:write', 'project:read', 'org:read'];

export interface FakeSentryOptions {
  /** A token the API accepts (scopes FORGEBOT_SCOPES, acting as the integration's proxy user). */
  token?: string;
  /** The clock the fake stamps comments with and checks Sentry's one-hour duplicate rule against. */
  now?: () => number;
}

/** The next `times` matching requests answer 429; `retryAfter` false: only Sentry's X-Sentry-Rate-Limit-Reset is sent. */
export interface RateLimit {
  times?: number;
  seconds: number;
  retryAfter?: boolean;
  method?: string;
  pathPattern?: RegExp;
}

/** The next `times` matching requests answer `status` (a 5xx), as a Sentry having a bad day. */
export interface Outage {
  status: number;
  times?: number;
  pathPattern?: RegExp;
}

export interface AddIssue {
  org: string;
  id: string;
  shortId: string;
  project: { id: string; slug: string; name?: string; platform?: string };
  title: string;
  culprit?: string;
  level?: string;
  status?: string;
  platform?: string;
  metadata?: Record<string, unknown>;
  count?: number;
  userCount?: number;
  firstSeen?: string;
  lastSeen?: string;
  events?: Record<string, unknown>[];
}

const RATE_LIMIT = 40;

/**
 * A fake Sentry web API for tests: the organization-scoped issue endpoints forgebot calls (issue details, the latest
 * event with its `entries`, comments: list and create), bearer tokens with scopes (401 without or with a wrong one,
 * 403 without the method's scope), DRF's `{"detail": …}` error bodies, 404 for unknown issues, 429 with
 * `Retry-After` and `X-Sentry-Rate-Limit-*` on demand, and Sentry's cursor pagination (Link with `results`).
 */
export class FakeSentry {
  readonly state = new FakeSentryState();
  /** Every request that passed authentication: `METHOD /path?query`. */
  readonly requests: string[] = [];
  url = '';
  private server: Server | undefined;
  private readonly tokens: FakeSentryToken[] = [];
  private limits: (RateLimit & { times: number })[] = [];
  private outages: (Outage & { times: number })[] = [];
  private readonly now: () => number;

  constructor(options: FakeSentryOptions = {}) {
    this.now = options.now ?? Date.now;
    if (options.token) this.addToken(options.token, FORGEBOT_SCOPES, { id: '1001', name: 'forgebot', username: 'forgebot-7a4854', email: 'forgebot-7a4854@proxy-user.sentry.io' });
  }

  async start(): Promise<{ url: string }> {
    const app = express();
    app.disable('x-powered-by');
    app.set('etag', false);
    app.use(this.rateLimitHeaders, this.authenticate, this.rateLimited, this.unavailable);
    app.use(express.raw({ type: () => true, limit: '5mb' }));
    app.get('/api/0/', this.apiRoot);
    app.use(issueRoutes(this.state, () => this.url, this.now));
    app.use((_req, res) => fail(res, 404, NOT_FOUND));
    const onError: ErrorRequestHandler = (error: Error, _req, res, _next) => fail(res, 500, `Internal Error: ${error.message}`);
    app.use(onError);
    ({ server: this.server, url: this.url } = await listenLocal(app));
    return { url: this.url };
  }

  async stop(): Promise<void> {
    await closeNow(this.server);
    this.server = undefined;
  }

  /** A token the API accepts, with its scopes and the user it acts as. */
  addToken(token: string, scopes: string[], user?: FakeSentryUser): FakeSentryToken {
    const added = { token, scopes, user: user ?? { id: this.state.id(), name: 'Person', username: 'person', email: 'person@example.com' } };
    this.tokens.push(added);
    return added;
  }

  addIssue(issue: AddIssue): FakeSentryIssue {
    const now = iso(this.now());
    const added: FakeSentryIssue = {
      level: 'error', status: 'unresolved', platform: issue.project.platform ?? 'javascript', metadata: {}, count: 1, userCount: 1,
      firstSeen: now, lastSeen: now, ...issue, events: [...(issue.events ?? [])],
    };
    this.state.issues.push(added);
    return added;
  }

  /** A new event of the issue (the latest from now on). */
  addEvent(org: string, issueId: string, event: Record<string, unknown>): void {
    this.issueOf(org, issueId).events.push(event);
  }

  /** A person's comment on the issue, `minutesAgo` in the past. */
  addComment(issueId: string, text: string, options: { user?: FakeSentryUser; minutesAgo?: number } = {}): void {
    const user = options.user ?? { id: '2002', name: 'Person', username: 'person', email: 'person@example.com' };
    this.state.comments.push({ id: this.state.id(), issueId, text, user, createdAt: this.now() - (options.minutesAgo ?? 0) * 60_000 });
  }

  /** The issue's comments, newest first. */
  comments(issueId: string): string[] {
    return this.state.commentsOf(issueId).map((comment) => comment.text);
  }

  setStatus(org: string, issueId: string, status: string): void {
    this.issueOf(org, issueId).status = status;
  }

  rateLimitNext(limit: RateLimit): void {
    this.limits.push({ times: 1, ...limit, ...(limit.method ? { method: limit.method.toUpperCase() } : {}) });
  }

  failNext(outage: Outage): void {
    this.outages.push({ times: 1, ...outage });
  }

  private issueOf(org: string, issueId: string): FakeSentryIssue {
    const issue = this.state.issue(org, issueId);
    if (!issue) throw new Error(`fake Sentry: no issue ${org}/${issueId}`);
    return issue;
  }

  /** `GET /api/0/`: Sentry's API root, which answers the presented token's scopes and user. */
  private readonly apiRoot: RequestHandler = (_req, res) => {
    const token = res.locals.token as FakeSentryToken;
    res.json({ version: '0', auth: { scopes: token.scopes }, user: { id: token.user.id, name: token.user.name, username: token.user.username, email: token.user.email } });
  };

  /** Sentry sends its rate-limit state on every answer of the web API. */
  private readonly rateLimitHeaders: RequestHandler = (_req, res, next) => {
    res.set({
      'X-Sentry-Rate-Limit-Limit': String(RATE_LIMIT),
      'X-Sentry-Rate-Limit-Remaining': String(RATE_LIMIT - 1),
      'X-Sentry-Rate-Limit-Reset': String(Math.floor(this.now() / 1000) + 1),
      'X-Sentry-Rate-Limit-ConcurrentLimit': '25',
      'X-Sentry-Rate-Limit-ConcurrentRemaining': '24',
    });
    next();
  };

  private readonly authenticate: RequestHandler = (req, res, next) => {
    const header = req.get('authorization');
    if (!header) return fail(res, 401, 'Authentication credentials were not provided.');
    const presented = /^bearer (\S+)$/i.exec(header)?.[1];
    const token = this.tokens.find((candidate) => candidate.token === presented);
    if (!token) return fail(res, 401, 'Invalid token');
    res.locals.token = token;
    this.requests.push(`${req.method} ${req.originalUrl}`);
    next();
  };

  private readonly rateLimited: RequestHandler = (req, res, next) => {
    const limit = this.limits.find((l) => l.times > 0 && (!l.method || l.method === req.method) && (!l.pathPattern || l.pathPattern.test(req.path)));
    if (!limit) return next();
    limit.times -= 1;
    this.limits = this.limits.filter((l) => l.times > 0);
    res.set({ 'X-Sentry-Rate-Limit-Remaining': '0', 'X-Sentry-Rate-Limit-Reset': String(Math.floor(this.now() / 1000) + limit.seconds) });
    if (limit.retryAfter !== false) res.set('Retry-After', String(limit.seconds));
    fail(res, 429, `You are attempting to use this endpoint too frequently. Limit is ${RATE_LIMIT} requests in 1 seconds`);
  };

  private readonly unavailable: RequestHandler = (req, res, next) => {
    const outage = this.outages.find((o) => o.times > 0 && (!o.pathPattern || o.pathPattern.test(req.path)));
    if (!outage) return next();
    outage.times -= 1;
    this.outages = this.outages.filter((o) => o.times > 0);
    fail(res, outage.status, 'Internal Error');
  };
}
