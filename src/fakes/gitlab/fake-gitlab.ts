import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler } from 'express';
import { gitlabRoutes } from './routes.js';
import { FakeGitLabState, type FakeProject, type NewMergeRequest } from './state.js';

export interface InjectedFailure {
  method: string;
  pathPattern: RegExp;
  status: number;
  times: number;
  headers?: Record<string, string>;
}

/**
 * A fake GitLab REST API (v4) for tests and demo mode, backed by real git repositories:
 * the paths, fields, status codes, pagination headers and position checks follow GitLab's.
 */
export class FakeGitLab {
  readonly state: FakeGitLabState;
  private server: Server | undefined;
  private failures: InjectedFailure[] = [];
  /** Every request the fake answered: `METHOD /path`. */
  readonly requests: string[] = [];
  url = '';

  constructor(private readonly options: { token: string; botUsername?: string }) {
    this.state = new FakeGitLabState({ id: 99, username: options.botUsername ?? 'forgebot', name: 'forgebot' });
  }

  async start(port = 0): Promise<{ url: string }> {
    const app = express();
    app.use('/api/v4', (req, res, next) => {
      this.requests.push(`${req.method} ${req.path}`);
      const token = req.get('private-token') ?? req.get('authorization')?.replace(/^Bearer /i, '');
      if (token !== this.options.token) return void res.status(401).json({ message: '401 Unauthorized' });
      const failure = this.failures.find((f) => f.method === req.method && f.pathPattern.test(req.path) && f.times > 0);
      if (failure) {
        failure.times -= 1;
        return void res.status(failure.status).set(failure.headers ?? {}).json({ message: `${failure.status} injected failure` });
      }
      next();
    });
    app.use('/api/v4', express.raw({ type: () => true, limit: '10mb' }), gitlabRoutes(this.state, () => this.url));
    app.use((_req, res) => void res.status(404).json({ error: '404 Not Found' }));
    const onError: ErrorRequestHandler = (error: Error, _req, res, _next) => void res.status(500).json({ message: `500 ${error.message}` });
    app.use(onError);
    this.server = app.listen(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      this.server!.once('listening', resolve);
      this.server!.once('error', reject);
    });
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return { url: this.url };
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  addProject(project: FakeProject): void {
    this.state.addProject(project);
  }

  addMergeRequest(input: NewMergeRequest) {
    return this.state.addMergeRequest(input);
  }

  refreshMergeRequest(projectId: number, iid: number) {
    return this.state.refreshMergeRequest(projectId, iid);
  }

  setMergeRequestState(projectId: number, iid: number, state: 'opened' | 'closed' | 'merged'): void {
    const mr = this.state.mergeRequest(projectId, iid);
    if (!mr) throw new Error(`fake GitLab: no merge request ${projectId}!${iid}`);
    mr.state = state;
  }

  /** The next `times` requests matching method + path answer `status`. */
  failNext(failure: InjectedFailure): void {
    this.failures.push({ ...failure });
  }

  notes(projectId: number, iid: number) {
    return this.state.mergeRequest(projectId, iid)?.discussions.flatMap((d) => d.notes) ?? [];
  }

  discussions(projectId: number, iid: number) {
    return this.state.mergeRequest(projectId, iid)?.discussions ?? [];
  }
}
