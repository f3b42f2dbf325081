import express, { type Router } from 'express';
import { git } from '../gitlab/git-diff.js';
import type { FakeApp } from './app-auth.js';
import { example } from './examples.js';
import { caller, fail, jsonBody, notFound, withRepo } from './route-helpers.js';
import { iso, userJson } from './serialize.js';
import type { FakeGitHubState } from './state.js';

/**
 * The installation permissions forgebot's App is granted by default (README: Pull requests write, Contents read,
 * Metadata read). Authoring changes needs more (AUTHOR_APP_PERMISSIONS): a fake App can be given those.
 */
export const APP_PERMISSIONS: Record<string, string> = { pull_requests: 'write', contents: 'read', metadata: 'read' };
/** What ChangeAuthor needs on top: Contents write (branches, commits, merge), Checks and Commit statuses read. */
export const AUTHOR_APP_PERMISSIONS: Record<string, string> = { ...APP_PERMISSIONS, contents: 'write', checks: 'read', statuses: 'read' };

/** `/user`, the App endpoints (JWT only), and file contents. */
export function appRoutes(state: FakeGitHubState, app: () => FakeApp | undefined): Router {
  const router = express.Router();
  const asApp: express.RequestHandler = (_req, res, next) => {
    if (caller(res).kind !== 'app') return fail(res, 401, 'A JSON web token could not be decoded');
    next();
  };

  router.get('/user', (_req, res) => {
    const who = caller(res);
    if (who.kind !== 'user') return fail(res, 403, 'Resource not accessible by integration');
    res.json({ ...example('private-user'), ...userJson(who.user) });
  });

  router.get('/app', asApp, (_req, res) => {
    const current = app()!;
    res.json({ ...example('integration'), id: current.id, slug: current.slug, name: current.slug });
  });

  router.get('/app/installations', asApp, (_req, res) => {
    const current = app()!;
    const owners = new Map<number, string>();
    for (const repo of state.repositories) if (repo.installationId && !owners.has(repo.installationId)) owners.set(repo.installationId, repo.owner);
    res.json([...owners].map(([id, owner]) => ({ ...example('base-installation'), id, app_id: current.id, app_slug: current.slug, account: { ...userJson({ login: owner, id: id + 100_000, type: 'User' }), type: 'Organization' }, permissions: current.permissions })));
  });

  router.get('/repos/:owner/:repo/installation', asApp, (req, res) => {
    const repo = state.repository(String(req.params.owner), String(req.params.repo));
    if (!repo?.installationId) return notFound(res);
    res.json({ ...example('installation'), id: repo.installationId, app_id: app()!.id, app_slug: app()!.slug, permissions: app()!.permissions });
  });

  router.post('/app/installations/:id/access_tokens', asApp, (req, res) => {
    const installationId = Number(req.params.id);
    if (!state.repositories.some((repo) => repo.installationId === installationId)) return notFound(res);
    const body = jsonBody(req);
    if (!body) return fail(res, 400, 'Problems parsing JSON');
    const grantedAll = app()!.permissions;
    const asked = (body.permissions ?? grantedAll) as Record<string, string>;
    // A token may be narrowed, never widened beyond what the installation was granted.
    for (const [name, level] of Object.entries(asked)) {
      const granted = grantedAll[name];
      if (!granted || (level === 'write' && granted !== 'write')) return fail(res, 422, `The permissions requested are not granted to this installation.`);
    }
    const names = Array.isArray(body.repositories) ? body.repositories.map(String) : undefined;
    const token = app()!.issue(installationId, asked, names);
    const shape = example('installation-token');
    delete shape.repositories;
    res.status(201).json({ ...shape, token: token.token, expires_at: iso(token.expiresAt), permissions: asked, repository_selection: names ? 'selected' : 'all' });
  });

  router.get(
    '/repos/:owner/:repo/contents/*path',
    withRepo(state, { name: 'contents', write: false }, async ({ repo }, req, res) => {
      const path = (req.params.path as unknown as string[]).join('/');
      const ref = typeof req.query.ref === 'string' && req.query.ref !== '' ? req.query.ref : 'HEAD';
      if (ref.startsWith('-') || path.includes('..')) return fail(res, 422, 'Unprocessable Entity');
      const type = await git(repo.repoDir, 'cat-file', '-t', `${ref}:${path}`).catch(() => '');
      if (type.trim() !== 'blob') return notFound(res);
      const content = await git(repo.repoDir, 'show', `${ref}:${path}`);
      if (/application\/vnd\.github(?:\.v3)?\.raw/.test(req.get('accept') ?? '')) return void res.type('text/plain; charset=utf-8').send(content);
      res.json({ ...example('content-file'), type: 'file', path, name: path.split('/').pop(), encoding: 'base64', content: Buffer.from(content).toString('base64') });
    }),
  );
  return router;
}
