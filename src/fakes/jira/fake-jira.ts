import type { Server } from 'node:http';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { closeNow, listenLocal } from '../local-server.js';
import { commentRoutes } from './comment-routes.js';
import { issueRoutes } from './issue-routes.js';
import { MEMBER_PERMISSIONS } from './permissions.js';
import { fail } from './respond.js';
import { addIssue, type AddIssue } from './seed.js';
import { FakeJiraState, type FakeJiraComment, type FakeJiraIssue, type FakeJiraProject, type FakeJiraUser } from './state.js';
import { userRoutes } from './user-routes.js';

export interface FakeJiraOptions {
  /** forgebot's account: its email and API token (accepted as Basic and as a bearer token). */
  forgebot?: { email: string; token: string; accountId?: string; displayName?: string };
  /** The clock comments and transitions are stamped with. */
  now?: () => number;
  /** The most comments one page holds (Jira's: 5000); lower it to make a listing walk pages. */
  commentPageLimit?: number;
}

/** The next `times` matching requests answer 429 with `Retry-After: seconds`. */
export interface RateLimit {
  seconds: number;
  times?: number;
  method?: string;
  pathPattern?: RegExp;
}

/** The next `times` matching requests answer `status` (a 5xx), or never answer at all (`stall`). */
export interface Outage {
  status?: number;
  stall?: boolean;
  times?: number;
  retryAfterSeconds?: number;
  pathPattern?: RegExp;
}

/**
 * The next `times` matching requests are served (what they change, changes) but their answer never reaches the
 * client: the connection is cut where the answer would go, as when a proxy or the network drops it.
 */
export interface LostAnswer {
  method: string;
  pathPattern: RegExp;
  times?: number;
}

const UNAUTHENTICATED = 'Client must be authenticated to access this resource.';

/**
 * A fake Jira Cloud REST API v3 for tests, driven through real HTTP: issues with ADF descriptions, links and
 * attachments; comments (offset pagination, ADF bodies checked as Jira checks them; entity properties set on creation
 * or through the comment properties resource, read back by "Get comments by IDs" with `expand=properties`); a
 * workflow with transitions;
 * "find users with permissions", `mypermissions`, `myself`. Credentials are API tokens over Basic (`email:token`) or
 * bearer tokens; a wrong or missing one answers 401 with Jira's ErrorCollection. Each account's project permissions
 * apply as Jira applies them: an issue it may not browse answers 404, a comment without Add comments 403, and
 * transitions without Transition issues list empty. Failures are injectable (429 with Retry-After, 5xx, a stall, a
 * request served whose answer is lost).
 */
export class FakeJira {
  readonly state = new FakeJiraState();
  /** Every request that passed authentication: `METHOD /path?query`. */
  readonly requests: string[] = [];
  /** forgebot's account, when the options named one. */
  readonly forgebot: FakeJiraUser | undefined;
  url = '';
  private server: Server | undefined;
  private limits: (RateLimit & { times: number })[] = [];
  private outages: (Outage & { times: number })[] = [];
  private lostAnswers: (LostAnswer & { times: number })[] = [];
  private readonly stalled = new Set<() => void>();
  private readonly now: () => number;
  private readonly commentPageLimit: number;

  constructor(options: FakeJiraOptions = {}) {
    this.now = options.now ?? Date.now;
    this.commentPageLimit = options.commentPageLimit ?? 5_000;
    if (options.forgebot) {
      const { email, token, accountId = '712020:f0a2b3c4-forgebot', displayName = 'forgebot' } = options.forgebot;
      this.forgebot = this.addUser({ accountId, displayName, email });
      this.addToken(token, accountId);
    }
  }

  async start(): Promise<{ url: string }> {
    const app = express();
    app.disable('x-powered-by');
    app.set('etag', false);
    app.use(this.authenticate, this.rateLimited, this.unavailable, this.answerLost);
    app.use(express.raw({ type: () => true, limit: '5mb' }));
    app.use(issueRoutes(this.state, { baseUrl: () => this.url, now: this.now, commentPageLimit: this.commentPageLimit }));
    app.use(commentRoutes(this.state, () => this.url));
    app.use(userRoutes(this.state, () => this.url));
    // Jersey's answer for a path no resource serves.
    app.use((req, res) => void res.status(404).json({ message: `null for uri: ${this.url}${req.originalUrl}`, 'status-code': 404 }));
    const onError: ErrorRequestHandler = (error: Error, _req, res, _next) => fail(res, 500, [`Internal server error: ${error.message}`]);
    app.use(onError);
    ({ server: this.server, url: this.url } = await listenLocal(app));
    return { url: this.url };
  }

  async stop(): Promise<void> {
    for (const release of this.stalled) release();
    this.stalled.clear();
    await closeNow(this.server);
    this.server = undefined;
  }

  addUser(user: { displayName: string; accountId?: string; email?: string; accountType?: FakeJiraUser['accountType']; active?: boolean }): FakeJiraUser {
    const accountId = user.accountId ?? `5b10ac8d82e05b22cc7d${this.state.id()}`;
    const added: FakeJiraUser = {
      accountId, displayName: user.displayName, emailAddress: user.email ?? `${user.displayName.toLowerCase().replace(/\W+/g, '.')}@example.com`,
      accountType: user.accountType ?? 'atlassian', active: user.active ?? true,
    };
    this.state.users.set(accountId, added);
    return added;
  }

  /** A credential of `accountId`: by default usable both as an API token (Basic, with its email) and as a bearer token. */
  addToken(token: string, accountId: string, kinds: ('basic' | 'bearer')[] = ['basic', 'bearer']): void {
    if (!this.state.users.has(accountId)) throw new Error(`fake Jira: no user ${accountId}`);
    this.state.tokens.push({ token, accountId, kinds });
  }

  /**
   * A project with its permission scheme resolved to accounts: `grants` as written; without `grants`, forgebot's
   * account (when configured) holds MEMBER_PERMISSIONS and ADMINISTER_PROJECTS (which asking about other people's
   * permissions needs).
   */
  addProject(project: { key: string; name?: string; grants?: Record<string, string[]> }): FakeJiraProject {
    const grants = new Map<string, Set<string>>();
    const added: FakeJiraProject = { id: this.state.id(), key: project.key, name: project.name ?? project.key, grants };
    this.state.projects.set(project.key, added);
    if (this.forgebot && project.grants === undefined) this.grant(project.key, this.forgebot.accountId, ...MEMBER_PERMISSIONS, 'ADMINISTER_PROJECTS');
    for (const [permission, accountIds] of Object.entries(project.grants ?? {})) for (const accountId of accountIds) this.grant(project.key, accountId, permission);
    return added;
  }

  grant(projectKey: string, accountId: string, ...permissions: string[]): void {
    const project = this.state.projects.get(projectKey);
    if (!project) throw new Error(`fake Jira: no project ${projectKey}`);
    for (const permission of permissions) {
      const holders = project.grants.get(permission) ?? new Set<string>();
      holders.add(accountId);
      project.grants.set(permission, holders);
    }
  }

  revoke(projectKey: string, accountId: string, ...permissions: string[]): void {
    for (const permission of permissions) this.state.projects.get(projectKey)?.grants.get(permission)?.delete(accountId);
  }

  /** The global Administer Jira permission. */
  makeAdmin(accountId: string): void {
    this.state.admins.add(accountId);
  }

  addIssue(issue: AddIssue): FakeJiraIssue {
    return addIssue(this.state, issue, this.now());
  }

  /** A comment by `authorId` (ADF, or a string as Server/DC stores wiki text), `minutesAgo` in the past. */
  addComment(key: string, authorId: string, body: unknown, minutesAgo = 0): FakeJiraComment {
    const issue = this.issueOf(key);
    const comment = { id: this.state.id(), issueId: issue.id, authorId, body, created: this.now() - minutesAgo * 60_000 };
    this.state.comments.push(comment);
    return comment;
  }

  /** The issue's comments as stored (bodies as posted), in creation order. */
  comments(key: string): FakeJiraComment[] {
    return this.state.commentsOf(this.issueOf(key).id);
  }

  statusOf(key: string): string {
    return this.state.status(this.issueOf(key).statusId).name;
  }

  /** Moves the issue to the status of that name without a transition (as an administrator's bulk edit would). */
  setStatus(key: string, name: string): void {
    const status = this.state.workflow.statuses.find((candidate) => candidate.name === name);
    if (!status) throw new Error(`fake Jira: no status ${name}`);
    this.issueOf(key).statusId = status.id;
  }

  deleteIssue(key: string): void {
    this.state.issues.delete(this.issueOf(key).key);
  }

  rateLimitNext(limit: RateLimit): void {
    this.limits.push({ times: 1, ...limit, ...(limit.method ? { method: limit.method.toUpperCase() } : {}) });
  }

  failNext(outage: Outage): void {
    this.outages.push({ times: 1, ...outage });
  }

  /** The next matching request (e.g. `POST` of a comment) is done, and its answer dropped. */
  loseAnswerNext(lost: LostAnswer): void {
    this.lostAnswers.push({ times: 1, ...lost, method: lost.method.toUpperCase() });
  }

  private issueOf(key: string): FakeJiraIssue {
    const issue = this.state.issue(key);
    if (!issue) throw new Error(`fake Jira: no issue ${key}`);
    return issue;
  }

  private readonly authenticate: RequestHandler = (req, res, next) => {
    const refuse = () => {
      res.set({ 'X-Seraph-LoginReason': 'AUTHENTICATED_FAILED', 'WWW-Authenticate': 'Basic realm="protected-area"' });
      fail(res, 401, [UNAUTHENTICATED]);
    };
    const header = req.get('authorization') ?? '';
    const basic = /^basic\s+([A-Za-z0-9+/=]+)$/i.exec(header)?.[1];
    const bearer = /^bearer\s+(\S+)$/i.exec(header)?.[1];
    let found: { accountId: string } | undefined;
    if (basic !== undefined) {
      const decoded = Buffer.from(basic, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const [email, token] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
      found = colon > 0 ? this.state.tokens.find((candidate) => candidate.kinds.includes('basic') && candidate.token === token && this.state.users.get(candidate.accountId)?.emailAddress.toLowerCase() === email.toLowerCase()) : undefined;
    } else if (bearer !== undefined) {
      found = this.state.tokens.find((candidate) => candidate.kinds.includes('bearer') && candidate.token === bearer);
    }
    const caller = found && this.state.users.get(found.accountId);
    if (!caller || !caller.active) return refuse();
    res.locals.caller = caller;
    res.set('X-AACCOUNTID', caller.accountId);
    this.requests.push(`${req.method} ${req.originalUrl}`);
    next();
  };

  private readonly rateLimited: RequestHandler = (req, res, next) => {
    const limit = this.limits.find((l) => l.times > 0 && (!l.method || l.method === req.method) && (!l.pathPattern || l.pathPattern.test(req.path)));
    if (!limit) return next();
    limit.times -= 1;
    this.limits = this.limits.filter((l) => l.times > 0);
    res.set({
      'Retry-After': String(limit.seconds),
      'X-RateLimit-Limit': '100',
      'X-RateLimit-Remaining': '0',
      'X-RateLimit-Reset': new Date(this.now() + limit.seconds * 1000).toISOString(),
      'RateLimit-Reason': 'jira-quota-tenant-based',
    });
    fail(res, 429, ['Rate limit exceeded.']);
  };

  private readonly answerLost: RequestHandler = (req, res, next) => {
    const lost = this.lostAnswers.find((l) => l.times > 0 && l.method === req.method && l.pathPattern.test(req.path));
    if (!lost) return next();
    lost.times -= 1;
    this.lostAnswers = this.lostAnswers.filter((l) => l.times > 0);
    // The route runs as usual; where its answer would be written, the connection is cut instead.
    res.writeHead = (() => {
      res.socket?.destroy();
      return res;
    }) as typeof res.writeHead;
    res.end = (() => {
      res.socket?.destroy();
      return res;
    }) as typeof res.end;
    next();
  };

  private readonly unavailable: RequestHandler = (req, res, next) => {
    const outage = this.outages.find((o) => o.times > 0 && (!o.pathPattern || o.pathPattern.test(req.path)));
    if (!outage) return next();
    outage.times -= 1;
    this.outages = this.outages.filter((o) => o.times > 0);
    if (outage.stall) {
      // Holds the request unanswered until stop() (or the client gives up).
      const release = () => res.destroy();
      this.stalled.add(release);
      res.on('close', () => this.stalled.delete(release));
      return;
    }
    if (outage.retryAfterSeconds !== undefined) res.set('Retry-After', String(outage.retryAfterSeconds));
    fail(res, outage.status ?? 500, ['Internal server error']);
  };
}
