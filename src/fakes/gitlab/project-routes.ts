import express, { type Router } from 'express';
import { findProject, notFound } from './route-helpers.js';
import { serializeProject, serializeUser } from './serialize.js';
import type { FakeGitLabState } from './state.js';

/** `GET /user` (the token's user) and `GET /projects/:id` (numeric id or URL-encoded path). */
export function projectRoutes(state: FakeGitLabState, baseUrl: () => string): Router {
  const router = express.Router();
  router.get('/user', (_req, res) => void res.json(serializeUser(state.botUser, baseUrl())));
  router.get('/projects/:id', (req, res) => {
    const project = findProject(state, req);
    if (!project) return notFound(res, 'Project Not Found');
    res.json(serializeProject(project, baseUrl()));
  });
  return router;
}
