import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import type { FakeIssue } from './issue-routes.js';
import type { MemberScope } from './project-settings.js';
import { gitlabRoutes } from './routes.js';
import {
  FakeGitLabState,
  type DiffVersion,
  type FakeDiscussion,
  type FakeMergeRequest,
  type FakeNote,
  type FakeProject,
  type ForeignNote,
  type MergeRequestState,
  type NewMergeRequest,
  type NotePosition,
  setDiscussionResolved,
} from './state.js';
import type { FakeMember, FakePipeline, GitLabAccessLevel, MemberOptions, PipelineStatusName } from './write-model.js';

export interface FakeGitLabOptions {
  /** The only token the API accepts (`PRIVATE-TOKEN` or `Authorization: Bearer`). */
  token: string;
  /** The token's user: authors every note created through the API. Default `forgebot`. */
  botUsername?: string;
  /**
   * Tokens with the `read_api` scope only: they read, and every write answers 403 `insufficient_scope`, as GitLab
   * does for an under-scoped token.
   */
  readOnlyTokens?: string[];
  /** The scopes `GET /personal_access_tokens/self` reports per token (default: `api` for `token`, `read_api` for the read-only ones). */
  scopes?: Record<string, string[]>;
}

/** The next `times` requests matching `method` and `pathPattern` (tested on the path after `/api/v4`) answer `status`. */
export interface InjectedFailure {
  method: string;
  pathPattern: RegExp;
  status: number;
  times: number;
  headers?: Record<string, string>;
}

/** Runs `action` (e.g. a push and refreshMergeRequest) just before the next matching request is answered. */
export interface InjectedAction {
  method: string;
  pathPattern: RegExp;
  action: () => Promise<void> | void;
}

/**
 * A fake GitLab REST API (v4) for tests and demo mode, backed by real git repositories:
 * the paths, fields, status codes, pagination headers and position checks follow GitLab's.
 */
export class FakeGitLab {
  readonly state: FakeGitLabState;
  /** Every request the fake received (after auth): `METHOD /path`, the path after `/api/v4`. */
  readonly requests: string[] = [];
  /** The base URL (`http://127.0.0.1:<port>`) once started. */
  url = '';
  private server: Server | undefined;
  private failures: InjectedFailure[] = [];
  private actions: InjectedAction[] = [];

  constructor(private readonly options: FakeGitLabOptions) {
    const username = options.botUsername ?? 'forgebot';
    this.state = new FakeGitLabState({ id: 99, username, name: username });
  }

  async start(port = 0): Promise<{ url: string }> {
    if (this.server) return { url: this.url };
    const app = express();
    app.disable('x-powered-by');
    app.use('/api/v4', this.authenticate, this.runActions, this.injectFailures);
    app.get('/api/v4/personal_access_tokens/self', this.tokenSelf);
    app.use('/api/v4', express.raw({ type: () => true, limit: '10mb' }), gitlabRoutes(this.state, () => this.url));
    app.use((_req, res) => void res.status(404).json({ error: '404 Not Found' }));
    const onError: ErrorRequestHandler = (error: Error, _req, res, _next) => {
      if (error instanceof SyntaxError) return void res.status(400).json({ error: 'body is not valid JSON' });
      res.status(500).json({ message: `500 Internal Server Error: ${error.message}` });
    };
    app.use(onError);
    const server = app.listen(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { url: this.url };
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** `repoDir` is a real git repository; API answers give `file://<repoDir>` as `http_url_to_repo`. */
  addProject(project: FakeProject): void {
    this.state.addProject(project);
  }

  /** Creates the MR with its first diff version, computed with git from the branches' tips. */
  addMergeRequest(input: NewMergeRequest): Promise<FakeMergeRequest> {
    return this.state.addMergeRequest(input);
  }

  /** After new commits on the source (or target) branch: records a new diff version, newest first. */
  refreshMergeRequest(projectId: number, iid: number): Promise<DiffVersion> {
    return this.state.refreshMergeRequest(projectId, iid);
  }

  /** A person (or GitLab) moves the MR to `state`, at `at` (merged_at / closed_at). */
  setMergeRequestState(projectId: number, iid: number, state: MergeRequestState, at?: Date): void {
    this.state.setMergeRequestState(this.state.requireMergeRequest(projectId, iid), state, at);
  }

  /** An issue of the project, opened by `author` (default `alice`). */
  addIssue(projectId: number, issue: { iid: number; title: string; description?: string; state?: 'opened' | 'closed'; author?: string }): FakeIssue {
    if (!this.state.projects.has(projectId)) throw new Error(`fake GitLab: no project ${projectId}`);
    const added: FakeIssue = {
      id: this.state.id(), projectId, iid: issue.iid, title: issue.title, description: issue.description ?? '', state: issue.state ?? 'opened',
      author: this.state.user(issue.author ?? 'alice'), createdAt: new Date().toISOString(),
    };
    this.state.issues.push(added);
    return added;
  }

  setDraft(projectId: number, iid: number, draft: boolean): void {
    this.state.requireMergeRequest(projectId, iid).draft = draft;
  }

  /** A note by a human (or a system note), which the token's user may read but not edit. */
  addForeignNote(projectId: number, iid: number, note: ForeignNote): FakeNote {
    return this.state.addForeignNote(projectId, iid, note);
  }

  /**
   * A person's reply in an existing discussion, as `POST …/discussions/:id/notes` makes it for them: a single comment
   * becomes a thread, and a reply in a diff thread is a DiffNote at the thread's position.
   */
  addForeignReply(projectId: number, iid: number, discussionId: string, note: Omit<ForeignNote, 'system'>): FakeNote {
    const mr = this.state.requireMergeRequest(projectId, iid);
    const discussion = mr.discussions.find((candidate) => candidate.id === discussionId);
    if (!discussion) throw new Error(`fake GitLab: no discussion ${discussionId}`);
    if (discussion.individual_note) {
      discussion.individual_note = false;
      for (const first of discussion.notes) Object.assign(first, { type: first.type ?? 'DiscussionNote', resolvable: !first.system });
    }
    const position = discussion.notes[0]?.position;
    const reply = this.state.newNote(mr, note.body, { author: this.state.user(note.author ?? 'alice'), ...(position ? { position } : { inThread: true }) });
    discussion.notes.push(reply);
    return reply;
  }

  /** A person's note on a line of the newest diff version (`newLine` on the head's side, else `oldLine`): a new thread. */
  addForeignDiffNote(projectId: number, iid: number, note: Omit<ForeignNote, 'system'> & { path: string; newLine?: number; oldLine?: number }): { note: FakeNote; discussionId: string } {
    const mr = this.state.requireMergeRequest(projectId, iid);
    const version = mr.versions[0];
    if (!version) throw new Error(`fake GitLab: merge request ${projectId}!${iid} has no diff version`);
    const position: NotePosition = {
      base_sha: version.base_commit_sha, start_sha: version.start_commit_sha, head_sha: version.head_commit_sha, position_type: 'text',
      old_path: note.path, new_path: note.path, old_line: note.oldLine ?? null, new_line: note.newLine ?? null,
    };
    const created = this.state.newNote(mr, note.body, { author: this.state.user(note.author ?? 'alice'), position });
    const discussionId = this.state.newDiscussionId();
    mr.discussions.push({ id: discussionId, individual_note: false, notes: [created] });
    return { note: created, discussionId };
  }

  /** The discussion a note belongs to (its id is what a webhook's `discussion_id` carries). */
  discussionOf(projectId: number, iid: number, noteId: number): FakeDiscussion | undefined {
    return this.discussions(projectId, iid).find((discussion) => discussion.notes.some((note) => note.id === noteId));
  }

  /** A person (`by`, default `alice`) resolves (or unresolves) a thread in the web UI: they are its `resolved_by`. */
  resolveDiscussion(projectId: number, iid: number, discussionId: string, resolved = true, by = 'alice'): void {
    const discussion = this.discussions(projectId, iid).find((candidate) => candidate.id === discussionId);
    if (!discussion) throw new Error(`fake GitLab: no discussion ${discussionId}`);
    setDiscussionResolved(discussion, resolved, this.state.user(by));
  }

  /** Protects a branch name or `*` pattern: the token's user may no longer push to it (commits, branch create/delete). */
  protectBranch(projectId: number, pattern: string): void {
    this.state.protectBranch(projectId, pattern);
  }

  /** CI reports a pipeline status for a commit (the newest pipeline of that SHA, or a new one). */
  setPipeline(projectId: number, sha: string, status: PipelineStatusName, ref?: string): FakePipeline {
    return this.state.setPipeline(projectId, sha, status, ref);
  }

  /** A project or group membership; group members are inherited by the group's projects (`members/all`). */
  setMember(scope: MemberScope, username: string, accessLevel: GitLabAccessLevel, options?: MemberOptions): FakeMember {
    return this.state.setMember(scope, username, accessLevel, options);
  }

  failNext(failure: InjectedFailure): void {
    this.failures.push({ ...failure, method: failure.method.toUpperCase() });
  }

  /** Simulates something happening at GitLab while a client is in the middle of its reads. */
  beforeNext(action: InjectedAction): void {
    this.actions.push({ ...action, method: action.method.toUpperCase() });
  }

  /** Every note of the MR, oldest first (plain notes and the notes of discussions). */
  notes(projectId: number, iid: number): FakeNote[] {
    return this.state.mergeRequest(projectId, iid)?.discussions.flatMap((d) => d.notes) ?? [];
  }

  /** The MR's discussions, oldest first, with their notes' positions. */
  discussions(projectId: number, iid: number): FakeDiscussion[] {
    return this.state.mergeRequest(projectId, iid)?.discussions ?? [];
  }

  private readonly authenticate: RequestHandler = (req, res, next) => {
    const bearer = /^Bearer (.+)$/i.exec(req.get('authorization') ?? '')?.[1];
    const token = req.get('private-token') || bearer;
    const readOnly = token !== undefined && (this.options.readOnlyTokens ?? []).includes(token);
    if (token !== this.options.token && !readOnly) return void res.status(401).json({ message: '401 Unauthorized' });
    if (readOnly && req.method !== 'GET' && req.method !== 'HEAD') {
      return void res.status(403).json({
        error: 'insufficient_scope',
        error_description: 'The request requires higher privileges than provided by the access token.',
        scope: 'api',
      });
    }
    res.locals.token = token;
    this.requests.push(`${req.method} ${req.path}`);
    next();
  };

  /** `GET /personal_access_tokens/self`: the presented token, as GitLab describes it. */
  private readonly tokenSelf: RequestHandler = (_req, res) => {
    const token = res.locals.token as string;
    const scopes = this.options.scopes?.[token] ?? (token === this.options.token ? ['api'] : ['read_api']);
    const created = new Date(0).toISOString();
    res.json({ id: 1, name: 'forgebot', revoked: false, created_at: created, description: null, scopes, user_id: this.state.botUser.id, last_used_at: created, active: true, expires_at: null });
  };

  private readonly runActions: RequestHandler = (req, _res, next) => {
    const index = this.actions.findIndex((a) => a.method === req.method && a.pathPattern.test(req.path));
    const [action] = index >= 0 ? this.actions.splice(index, 1) : [];
    if (!action) return next();
    Promise.resolve(action.action()).then(() => next(), next);
  };

  private readonly injectFailures: RequestHandler = (req, res, next) => {
    const failure = this.failures.find((f) => f.times > 0 && f.method === req.method && f.pathPattern.test(req.path));
    if (!failure) return next();
    failure.times -= 1;
    this.failures = this.failures.filter((f) => f.times > 0);
    res.status(failure.status).set(failure.headers ?? {}).json({ message: `${failure.status} ${statusText(failure.status)}` });
  };
}

function statusText(status: number): string {
  const texts: Record<number, string> = { 429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' };
  return texts[status] ?? 'Injected failure';
}

/** Creates a fake GitLab; call `start()` to listen on 127.0.0.1. */
export function createFakeGitLab(options: FakeGitLabOptions): FakeGitLab {
  return new FakeGitLab(options);
}
