import express, { type Router } from 'express';
import { git } from './git-diff.js';
import { badRequest, findProject, notFound } from './route-helpers.js';
import type { FakeGitLabState } from './state.js';

/** `GET /projects/:id/repository/files/:file_path/raw?ref=`: a file's bytes at a branch, tag or commit, from git. */
export function repositoryRoutes(state: FakeGitLabState): Router {
  const router = express.Router();
  router.get('/projects/:id/repository/files/:filePath/raw', async (req, res, next) => {
    try {
      const project = findProject(state, req);
      if (!project) return notFound(res, 'Project Not Found');
      const ref = typeof req.query.ref === 'string' && req.query.ref !== '' ? req.query.ref : 'HEAD';
      const path = String(req.params.filePath);
      if (ref.startsWith('-') || path.startsWith('-') || path.includes('..')) return badRequest(res, 'file_path or ref is invalid');
      const commit = await git(project.repoDir, 'rev-parse', '--verify', '--quiet', `${ref}^{commit}`).catch(() => '');
      if (!commit.trim()) return notFound(res, 'Commit Not Found');
      const type = await git(project.repoDir, 'cat-file', '-t', `${commit.trim()}:${path}`).catch(() => '');
      if (type.trim() !== 'blob') return notFound(res, 'File Not Found');
      const content = await git(project.repoDir, 'show', `${commit.trim()}:${path}`);
      res.type('text/plain; charset=utf-8').send(content);
    } catch (error) {
      next(error);
    }
  });
  return router;
}
