import express, { type Request, type Router } from 'express';
import { paginate } from './pagination.js';
import { badRequest, withProject } from './route-helpers.js';
import { serializeMergeRequest } from './serialize.js';
import type { FakeGitLabState, FakeMergeRequest } from './state.js';

const STATES = ['opened', 'closed', 'locked', 'merged', 'all'];
/** The `order_by` values this fake sorts by (GitLab knows a few more, e.g. `label_priority`). */
const ORDERS = ['created_at', 'updated_at', 'merged_at', 'title'] as const;
type Order = (typeof ORDERS)[number];
const isOrder = (value: string): value is Order => (ORDERS as readonly string[]).includes(value);

const text = (req: Request, name: string) => (typeof req.query[name] === 'string' ? req.query[name] : undefined);

function sortKey(mr: FakeMergeRequest, order: Order): string {
  if (order === 'title') return mr.title;
  if (order === 'merged_at') return mr.mergedAt ?? '';
  if (order === 'updated_at') return mr.versions[0]?.created_at ?? mr.createdAt;
  return mr.createdAt;
}

/**
 * `GET /projects/:id/merge_requests`: every state unless `state` says (`opened`, `closed`, `locked`, `merged`, `all`),
 * filtered by `source_branch` / `target_branch`, ordered by `order_by` (default `created_at`) and `sort` (default
 * `desc`), paginated. A value outside GitLab's lists is Grape's 400 "… does not have a valid value".
 */
export function mergeRequestListRoutes(state: FakeGitLabState, baseUrl: () => string): Router {
  const router = express.Router();
  router.get('/projects/:id/merge_requests', withProject(state, (project, req, res) => {
    const wanted = text(req, 'state') ?? 'all';
    const order = text(req, 'order_by') ?? 'created_at';
    const sort = text(req, 'sort') ?? 'desc';
    if (!STATES.includes(wanted)) return badRequest(res, 'state does not have a valid value');
    if (!isOrder(order)) return badRequest(res, 'order_by does not have a valid value');
    if (sort !== 'asc' && sort !== 'desc') return badRequest(res, 'sort does not have a valid value');
    const source = text(req, 'source_branch');
    const target = text(req, 'target_branch');
    const direction = sort === 'asc' ? 1 : -1;
    const found = [...state.mergeRequests.values()]
      .filter((mr) => mr.projectId === project.id && (wanted === 'all' || mr.state === wanted))
      .filter((mr) => (source === undefined || mr.sourceBranch === source) && (target === undefined || mr.targetBranch === target))
      .sort((a, b) => direction * (sortKey(a, order).localeCompare(sortKey(b, order)) || a.id - b.id));
    res.json(paginate(req, res, found).map((mr) => serializeMergeRequest(mr, project, baseUrl())));
  }));
  return router;
}
