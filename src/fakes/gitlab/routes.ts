import express, { type Router } from 'express';
import { awardRoutes } from './award-routes.js';
import { branchRoutes } from './branch-routes.js';
import { commitListRoutes } from './commit-list-routes.js';
import { commitRoutes } from './commit-routes.js';
import { discussionRoutes } from './discussion-routes.js';
import { issueRoutes } from './issue-routes.js';
import { memberRoutes } from './member-routes.js';
import { mergeRequestCommitRoutes } from './merge-request-commit-routes.js';
import { mergeRequestListRoutes } from './merge-request-list-routes.js';
import { mergeRequestRoutes } from './merge-request-routes.js';
import { mergeRequestWriteRoutes } from './merge-request-write-routes.js';
import { noteRoutes } from './note-routes.js';
import { pipelineRoutes } from './pipeline-routes.js';
import { projectRoutes } from './project-routes.js';
import { repositoryRoutes } from './repository-routes.js';
import type { FakeGitLabState } from './state.js';

/** Every `/api/v4` route the fake answers. */
export function gitlabRoutes(state: FakeGitLabState, baseUrl: () => string): Router {
  const router = express.Router();
  router.use(projectRoutes(state, baseUrl));
  router.use(mergeRequestListRoutes(state, baseUrl));
  router.use(mergeRequestRoutes(state, baseUrl));
  router.use(mergeRequestCommitRoutes(state, baseUrl));
  router.use(mergeRequestWriteRoutes(state, baseUrl));
  router.use(noteRoutes(state, baseUrl));
  router.use(awardRoutes(state, baseUrl));
  router.use(discussionRoutes(state, baseUrl));
  router.use(repositoryRoutes(state));
  router.use(branchRoutes(state, baseUrl));
  router.use(commitRoutes(state, baseUrl));
  router.use(commitListRoutes(state, baseUrl));
  router.use(issueRoutes(state, baseUrl));
  router.use(pipelineRoutes(state, baseUrl));
  router.use(memberRoutes(state, baseUrl));
  return router;
}
