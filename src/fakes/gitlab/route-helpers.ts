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

/** GitLab's other refusals: 405 `{"message":"405 Method Not Allowed"}`, `conflict!` (409) and `unprocessable_entity!` (422). */
export const methodNotAllowed = (res: Response) => void res.status(405).json({ message: '405 Method Not Allowed' });
export const conflict = (res: Response, message: string | string[]) => void res.status(409).json({ message });
export const unprocessable = (res: Response, message: string | string[]) => void res.status(422).json({ message });
/** `render_api_error!(message, 400)`: the message without the `400 Bad request - ` prefix of Grape's own checks. */
export const refused = (res: Response, message: string, status = 400) => void res.status(status).json({ message });

type ProjectHandler = (project: FakeProject, req: Request, res: Response) => Promise<unknown> | unknown;

/** Wraps a project route: 404 `Project Not Found` for an unknown project, errors passed to express. */
export function withProject(state: FakeGitLabState, handler: ProjectHandler) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      const project = findProject(state, req);
      if (!project) return notFound(res, 'Project Not Found');
      await handler(project, req, res);
    } catch (error) {
      next(error);
    }
  };
}
