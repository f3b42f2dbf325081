import express, { type Router } from 'express';
import { example } from './examples.js';
import { fail, notFound, withRepo } from './route-helpers.js';
import { userJson } from './serialize.js';
import type { FakeGitHubState, FakeRole } from './state.js';

/** The legacy `permission` of a role: maintain counts as write, triage as read. */
const LEGACY: Record<FakeRole | 'none', string> = { admin: 'admin', maintain: 'write', write: 'write', triage: 'read', read: 'read', none: 'none' };
const RANK: Record<FakeRole | 'none', number> = { none: 0, read: 1, triage: 2, write: 3, maintain: 4, admin: 5 };

function flags(role: FakeRole | 'none') {
  const rank = RANK[role];
  return { admin: rank >= 5, maintain: rank >= 4, push: rank >= 3, triage: rank >= 2, pull: rank >= 1 };
}

/** People: accounts by id, and a person's permission on a repository (`collaborators/{username}/permission`). */
export function collaboratorRoutes(state: FakeGitHubState): Router {
  const router = express.Router();

  router.get('/user/:id', (req, res) => {
    const user = state.users.find((candidate) => candidate.id === Number(req.params.id));
    if (!/^\d+$/.test(String(req.params.id)) || !user) return notFound(res);
    res.json({ ...example('public-user-default-response'), ...userJson(user), html_url: `https://github.com/${user.login}` });
  });

  router.get(
    '/repos/:owner/:repo/collaborators/:username/permission',
    withRepo(state, { name: 'metadata', write: false }, ({ repo }, req, res) => {
      const login = String(req.params.username).toLowerCase();
      const user = state.users.find((candidate) => candidate.login.toLowerCase() === login);
      if (!user) return fail(res, 404, `${String(req.params.username)} is not a user`);
      const role = state.collaborators.find((c) => c.repo === repo && c.user === user)?.role ?? 'none';
      res.json({
        ...example('repository-collaborator-permission-response-if-user-has-admin-permissions'),
        permission: LEGACY[role],
        role_name: role,
        user: { ...userJson(user), permissions: flags(role), role_name: role },
      });
    }),
  );
  return router;
}
