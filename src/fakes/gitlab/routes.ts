import express, { type Router } from 'express';
import { discussionRoutes } from './discussion-routes.js';
import { mergeRequestRoutes } from './merge-request-routes.js';
import { noteRoutes } from './note-routes.js';
import { projectRoutes } from './project-routes.js';
import { repositoryRoutes } from './repository-routes.js';
import type { FakeGitLabState } from './state.js';

/** Every `/api/v4` route the fake answers. */
export function gitlabRoutes(state: FakeGitLabState, baseUrl: () => string): Router {
  const router = express.Router();
  router.use(projectRoutes(state, baseUrl));
  router.use(mergeRequestRoutes(state, baseUrl));
  router.use(noteRoutes(state, baseUrl));
  router.use(discussionRoutes(state, baseUrl));
  router.use(repositoryRoutes(state));
  return router;
}
