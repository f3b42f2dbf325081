import express, { type Router } from 'express';
import { findProject, notFound } from './route-helpers.js';
import { serializeProject, serializeUser } from './serialize.js';
import type { FakeGitLabState } from './state.js';

/** `GET /user` (the token's user, with its emails) and `GET /projects/:id` (numeric id or URL-encoded path). */
export function projectRoutes(state: FakeGitLabState, baseUrl: () => string): Router {
  const router = express.Router();
  // The token's user sees its own emails; its API commits carry `<username>@fake-gitlab.invalid` (commit-routes.ts).
  router.get('/user', (_req, res) => {
    const email = `${state.botUser.username}@fake-gitlab.invalid`;
    res.json({ ...serializeUser(state.botUser, baseUrl()), email, commit_email: email });
  });
  router.get('/projects/:id', (req, res) => {
    const project = findProject(state, req);
    if (!project) return notFound(res, 'Project Not Found');
    res.json(serializeProject(project, baseUrl()));
  });
  return router;
}
