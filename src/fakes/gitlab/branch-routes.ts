import express, { type Router } from 'express';
import { branchHead, deleteBranchRef, listBranches, moveBranch, resolveCommit, validBranchName } from './git-plumbing.js';
import { paginate } from './pagination.js';
import { requestBody, stringField } from './request-body.js';
import { badRequest, notFound, refused, withProject } from './route-helpers.js';
import { readCommit, serializeBranch } from './serialize-writes.js';
import type { FakeGitLabState, FakeProject } from './state.js';

/** GitLab's pre-receive answers (Gitlab::Checks::BranchCheck), which the branches API passes on as 400s. */
export const PROTECTED_CREATE = 'You are not allowed to create protected branches on this project.';
export const PROTECTED_DELETE =
  'You are not allowed to delete protected branches from this project. Only a project maintainer or owner can delete a protected branch.';

/**
 * GitLab's branch search (BranchesFinder), case-insensitive: `^term` starts with term (the rest literal, a `$` too),
 * else `term$` ends with it, else contains it (an exact match listed first).
 */
export function searchBranches<T extends { name: string }>(branches: T[], search: string | undefined): T[] {
  if (!search) return branches;
  const upper = (text: string) => text.toUpperCase();
  if (search.startsWith('^')) return branches.filter((branch) => upper(branch.name).startsWith(upper(search.slice(1))));
  if (search.endsWith('$')) return branches.filter((branch) => upper(branch.name).endsWith(upper(search.slice(0, -1))));
  const found = branches.filter((branch) => upper(branch.name).includes(upper(search)));
  return [...found.filter((branch) => branch.name === search), ...found.filter((branch) => branch.name !== search)];
}

const SORTS = ['name_asc', 'updated_asc', 'updated_desc'];

/**
 * `GET …/repository/branches` (`search`, `sort`: `name_asc` by default, paginated), `GET/DELETE …/branches/:branch`
 * and `POST …/branches` (`branch`, `ref`): real git refs.
 */
export function branchRoutes(state: FakeGitLabState, baseUrl: () => string): Router {
  const router = express.Router();
  const base = '/projects/:id/repository/branches';
  const present = async (project: FakeProject, name: string, sha: string) => {
    const commit = await readCommit(project.repoDir, sha);
    if (!commit) throw new Error(`fake GitLab: branch ${name} points at no commit`);
    return serializeBranch(name, commit, project, baseUrl(), state.isProtected(project.id, name));
  };

  router.get(base, withProject(state, async (project, req, res) => {
    const sort = typeof req.query.sort === 'string' ? req.query.sort : 'name_asc';
    if (!SORTS.includes(sort)) return badRequest(res, 'sort does not have a valid value');
    const search = typeof req.query.search === 'string' ? req.query.search : undefined;
    const byName = (await listBranches(project.repoDir)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const sorted = sort === 'name_asc' ? byName : byName.sort((a, b) => (sort === 'updated_asc' ? 1 : -1) * (a.committedAt - b.committedAt));
    const page = paginate(req, res, searchBranches(sorted, search));
    res.json(await Promise.all(page.map((branch) => present(project, branch.name, branch.sha))));
  }));

  router.get(`${base}/:branch`, withProject(state, async (project, req, res) => {
    const name = String(req.params.branch);
    const head = await branchHead(project.repoDir, name);
    if (!head) return notFound(res, 'Branch Not Found');
    res.json(await present(project, name, head));
  }));

  router.post(base, withProject(state, async (project, req, res) => {
    const body = await requestBody(req);
    const name = stringField(body, 'branch');
    const ref = stringField(body, 'ref');
    if (!name) return badRequest(res, 'branch is missing');
    if (!ref) return badRequest(res, 'ref is missing');
    if (!(await validBranchName(project.repoDir, name))) return refused(res, 'Branch name is invalid');
    if (await branchHead(project.repoDir, name)) return refused(res, 'Branch already exists');
    const target = await resolveCommit(project.repoDir, ref);
    if (!target) return refused(res, `Invalid reference name: ${ref}`);
    if (state.isProtected(project.id, name)) return refused(res, PROTECTED_CREATE);
    if (!(await moveBranch(project.repoDir, name, target, ''))) return refused(res, 'Branch already exists');
    res.status(201).json(await present(project, name, target));
  }));

  router.delete(`${base}/:branch`, withProject(state, async (project, req, res) => {
    const name = String(req.params.branch);
    const head = await branchHead(project.repoDir, name);
    if (!head) return notFound(res, 'Branch Not Found');
    if (name === 'main') return refused(res, 'The default branch of a project cannot be deleted.');
    if (state.isProtected(project.id, name)) return refused(res, PROTECTED_DELETE);
    if (!(await deleteBranchRef(project.repoDir, name, head))) return refused(res, 'Failed to remove branch');
    res.status(204).end();
  }));
  return router;
}
