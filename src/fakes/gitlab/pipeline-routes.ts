import express, { type Router } from 'express';
import { paginate } from './pagination.js';
import { notFound, withProject } from './route-helpers.js';
import { serializePipeline } from './serialize-writes.js';
import type { FakeGitLabState } from './state.js';

/** `GET /projects/:id/pipelines` (filters `sha`, `ref`, `status`; newest first unless `sort=asc`) and `…/pipelines/:id`. */
export function pipelineRoutes(state: FakeGitLabState, baseUrl: () => string): Router {
  const router = express.Router();
  router.get('/projects/:id/pipelines', withProject(state, (project, req, res) => {
    const { sha, ref, status, sort } = req.query;
    const matching = state.pipelines.filter(
      (p) =>
        p.projectId === project.id &&
        (typeof sha !== 'string' || p.sha === sha) &&
        (typeof ref !== 'string' || p.ref === ref) &&
        (typeof status !== 'string' || p.status === status),
    );
    const ordered = [...matching].sort((a, b) => (sort === 'asc' ? a.id - b.id : b.id - a.id));
    res.json(paginate(req, res, ordered).map((pipeline) => serializePipeline(pipeline, project, baseUrl())));
  }));
  router.get('/projects/:id/pipelines/:pipelineId', withProject(state, (project, req, res) => {
    const pipeline = state.pipelines.find((p) => p.projectId === project.id && p.id === Number(req.params.pipelineId));
    if (!pipeline) return notFound(res);
    res.json(serializePipeline(pipeline, project, baseUrl()));
  }));
  return router;
}
