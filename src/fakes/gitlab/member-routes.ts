import express, { type Router } from 'express';
import { paginate } from './pagination.js';
import { notFound, withProject } from './route-helpers.js';
import { serializeUser } from './serialize.js';
import { serializeMember } from './serialize-writes.js';
import type { FakeGitLabState, FakeUser } from './state.js';

/**
 * `GET /users?search=` as a non-admin token sees it: a name or username containing the text, or a public email equal
 * to it (private and commit emails never match).
 */
function searchMatches(user: FakeUser, search: string): boolean {
  if (search.includes('@')) return user.publicEmail?.toLowerCase() === search;
  return user.username.toLowerCase().includes(search) || user.name.toLowerCase().includes(search);
}

/**
 * `GET /projects/:id/members/:user_id` (direct members), `…/members/all/:user_id` (inherited from ancestor groups
 * too, highest level), `GET /users?username=`, `GET /users?search=` and `GET /users/:id`.
 */
export function memberRoutes(state: FakeGitLabState, baseUrl: () => string): Router {
  const router = express.Router();
  const member = (inherited: boolean) =>
    withProject(state, (project, req, res) => {
      const found = state.memberOf(project, Number(req.params.userId), inherited);
      if (!found) return notFound(res);
      res.json(serializeMember(found, baseUrl()));
    });
  router.get('/projects/:id/members/all/:userId', member(true));
  router.get('/projects/:id/members/:userId', member(false));

  router.get('/users', (req, res) => {
    const username = typeof req.query.username === 'string' ? req.query.username : undefined;
    const search = typeof req.query.search === 'string' ? req.query.search.trim().toLowerCase() : undefined;
    const users =
      username !== undefined ? [state.findUser(username)].filter((user) => user !== undefined)
      : search !== undefined ? [...state.users.values()].filter((user) => searchMatches(user, search))
      : [...state.users.values()];
    res.json(paginate(req, res, users).map((user) => serializeUser(user, baseUrl())));
  });
  router.get('/users/:userId', (req, res) => {
    const user = state.userById(Number(req.params.userId));
    if (!user) return notFound(res, 'User Not Found');
    res.json(serializeUser(user, baseUrl()));
  });
  return router;
}
