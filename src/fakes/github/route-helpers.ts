import type { NextFunction, Request, Response } from 'express';
import type { IssuedToken } from './app-auth.js';
import type { FakeGitHubState, FakeGitHubUser, FakePull, FakeRepository } from './state.js';

const DOCS = 'https://docs.github.com/rest';

/** Who is calling: the PAT's user, an App installation (its token), or the App itself (a JWT). */
export type Caller = { kind: 'user'; user: FakeGitHubUser } | { kind: 'installation'; user: FakeGitHubUser; token: IssuedToken } | { kind: 'app' };

export const caller = (res: Response) => res.locals.caller as Caller;

/** GitHub's error bodies: `{"message":"Not Found","documentation_url":…,"status":"404"}`. */
export function fail(res: Response, status: number, message: string, errors?: unknown[]): void {
  res.status(status).json({ message, ...(errors ? { errors } : {}), documentation_url: DOCS, status: String(status) });
}

export const notFound = (res: Response) => fail(res, 404, 'Not Found');

/** The installation permissions a route needs (GitHub's fine-grained names); every installation may read metadata. */
export type PermissionName = 'pull_requests' | 'contents' | 'checks' | 'statuses' | 'metadata' | 'issues';

type Handler = (located: { repo: FakeRepository; pull: FakePull | undefined; who: FakeGitHubUser }, req: Request, res: Response) => Promise<unknown> | unknown;

/**
 * Wraps a repository route: 404 for an unknown repository or pull request (also for a token that cannot see it, as
 * GitHub hides private repositories), 403 for a token without the permission, 403 for a JWT (Apps act as installations).
 */
export function withRepo(state: FakeGitHubState, permission: { name: PermissionName; write: boolean }, handler: Handler) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      const who = caller(res);
      if (who.kind === 'app') return fail(res, 403, 'A JSON web token could not be used for this endpoint; use an installation token');
      const repo = state.repository(String(req.params.owner), String(req.params.repo));
      if (!repo) return notFound(res);
      if (who.kind === 'installation') {
        const { token } = who;
        if (token.installationId !== repo.installationId || (token.repositories && !token.repositories.includes(repo.name))) return notFound(res);
        const granted = token.permissions[permission.name] ?? (permission.name === 'metadata' ? 'read' : undefined);
        if (!granted || (permission.write && granted !== 'write')) return fail(res, 403, 'Resource not accessible by integration');
      }
      const number = req.params.number === undefined ? undefined : Number(req.params.number);
      const pull = number === undefined ? undefined : state.pull(repo, number);
      if (number !== undefined && !pull) return notFound(res);
      if (pull) await state.refresh(pull);
      await handler({ repo, pull, who: who.user }, req, res);
    } catch (error) {
      next(error);
    }
  };
}

/** The JSON body (the fake parses it itself: a bad one answers 400 "Problems parsing JSON", as GitHub). */
export function jsonBody(req: Request): Record<string, unknown> | undefined {
  const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
  if (raw === '') return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
