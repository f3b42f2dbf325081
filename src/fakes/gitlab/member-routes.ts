import express, { type Router } from 'express';
import { paginate } from './pagination.js';
import { notFound, withProject } from './route-helpers.js';
import { serializeUser } from './serialize.js';
import { serializeMember } from './serialize-writes.js';
import type { FakeGitLabState } from './state.js';

/**
 * `GET /projects/:id/members/:user_id` (direct members), `…/members/all/:user_id` (inherited from ancestor groups
 * too, highest level), `GET /users?username=` and `GET /users/:id`.
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
    const users = username !== undefined ? [state.findUser(username)].filter((user) => user !== undefined) : [...state.users.values()];
    res.json(paginate(req, res, users).map((user) => serializeUser(user, baseUrl())));
  });
  router.get('/users/:userId', (req, res) => {
    const user = state.userById(Number(req.params.userId));
    if (!user) return notFound(res, 'User Not Found');
    res.json(serializeUser(user, baseUrl()));
  });
  return router;
}
