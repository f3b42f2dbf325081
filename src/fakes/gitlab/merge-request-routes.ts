import express, { type Router } from 'express';
import { paginate } from './pagination.js';
import { notFound, withMergeRequest } from './route-helpers.js';
import { serializeMergeRequest } from './serialize.js';
import type { DiffVersion, FakeGitLabState } from './state.js';

const summary = ({ files: _files, ...version }: DiffVersion) => version;

/** The merge request, its diff versions (newest first) and the latest version's diffs (paginated). */
export function mergeRequestRoutes(state: FakeGitLabState, baseUrl: () => string): Router {
  const router = express.Router();
  const base = '/projects/:id/merge_requests/:iid';
  router.get(base, withMergeRequest(state, ({ project, mr }, _req, res) => res.json(serializeMergeRequest(mr, project, baseUrl()))));
  router.get(`${base}/versions`, withMergeRequest(state, ({ mr }, req, res) => res.json(paginate(req, res, mr.versions.map(summary)))));
  router.get(`${base}/versions/:versionId`, withMergeRequest(state, ({ mr }, req, res) => {
    const version = mr.versions.find((v) => v.id === Number(req.params.versionId));
    if (!version) return notFound(res);
    res.json({ ...summary(version), commits: [], diffs: version.files });
  }));
  router.get(`${base}/diffs`, withMergeRequest(state, ({ mr }, req, res) => res.json(paginate(req, res, mr.versions[0]?.files ?? []))));
  return router;
}
