import type { NextFunction, Request, Response } from 'express';
import type { FakeGitLabState, FakeMergeRequest, FakeProject } from './state.js';

export interface Located {
  project: FakeProject;
  mr: FakeMergeRequest;
}

/** GitLab's error bodies: `{"message":"404 Project Not Found"}`, `{"message":"400 Bad request - …"}`. */
export const notFound = (res: Response, what = 'Not found') => void res.status(404).json({ message: `404 ${what}` });
export const badRequest = (res: Response, message: string) => void res.status(400).json({ message: `400 Bad request - ${message}` });
export const forbidden = (res: Response) => void res.status(403).json({ message: '403 Forbidden' });

/** Express 5 already decodes `:id`, so `group%2Fproject` arrives as `group/project`. */
export function findProject(state: FakeGitLabState, req: Request): FakeProject | undefined {
  return state.findProject(String(req.params.id));
}

type Handler = (located: Located, req: Request, res: Response) => Promise<unknown> | unknown;

/** Wraps a merge-request route: 404s for an unknown project or MR, errors passed to express. */
export function withMergeRequest(state: FakeGitLabState, handler: Handler) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      const project = findProject(state, req);
      if (!project) return notFound(res, 'Project Not Found');
      const mr = state.mergeRequest(project.id, Number(req.params.iid));
      if (!mr) return notFound(res);
      await handler({ project, mr }, req, res);
    } catch (error) {
      next(error);
    }
  };
}
