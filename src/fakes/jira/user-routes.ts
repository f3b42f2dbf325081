import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { canonicalPermission, isKnownPermission } from './permissions.js';
import { fail, ISSUE_NOT_FOUND } from './respond.js';
import { serializeUser } from './serialize.js';
import type { FakeJiraState, FakeJiraUser } from './state.js';

const query = (req: Request, name: string) => (typeof req.query[name] === 'string' ? req.query[name] : undefined);

type Handler = (caller: FakeJiraUser, req: Request, res: Response) => void;

const guarded = (handler: Handler) => (req: Request, res: Response, next: NextFunction) => {
  try {
    handler(res.locals.caller as FakeJiraUser, req, res);
  } catch (error) {
    next(error);
  }
};

/** The project a permission question is about (`issueKey`, else `projectKey`), or the answer that refuses it. */
function projectOf(state: FakeJiraState, caller: FakeJiraUser, req: Request, res: Response): string | undefined {
  const issueKey = query(req, 'issueKey');
  const projectKey = query(req, 'projectKey');
  if (issueKey !== undefined) {
    const issue = state.issue(issueKey);
    if (!issue || !state.can(caller.accountId, issue.projectKey, 'BROWSE_PROJECTS')) return void fail(res, 404, [ISSUE_NOT_FOUND]);
    return issue.projectKey;
  }
  if (projectKey !== undefined) {
    if (!state.projects.has(projectKey) || !state.can(caller.accountId, projectKey, 'BROWSE_PROJECTS')) return void fail(res, 404, [`No project could be found with key '${projectKey}'.`]);
    return projectKey;
  }
  return void fail(res, 400, ['Either issueKey or projectKey is required.']);
}

/** The `permissions` parameter as keys, or the answer that refuses it (missing, or naming an unknown permission). */
function permissionsOf(req: Request, res: Response): string[] | undefined {
  const keys = (query(req, 'permissions') ?? '').split(',').map((key) => key.trim()).filter(Boolean);
  if (keys.length === 0) return void fail(res, 400, ['The permissions parameter is required.']);
  const unknown = keys.find((key) => !isKnownPermission(key));
  if (unknown !== undefined) return void fail(res, 400, [`The permission '${unknown}' is not valid.`]);
  return keys.map(canonicalPermission);
}

/** "Find users with permissions", "Get my permissions" and "Get current user", under /rest/api/3. */
export function userRoutes(state: FakeJiraState, baseUrl: () => string): Router {
  const router = express.Router();

  // Users that hold every listed permission on the issue's (or the project's) project. Only Jira administrators and
  // the project's administrators may ask.
  router.get('/rest/api/3/user/permission/search', guarded((caller, req, res) => {
    const permissions = permissionsOf(req, res);
    if (!permissions) return;
    const projectKey = projectOf(state, caller, req, res);
    if (!projectKey) return;
    if (!state.admins.has(caller.accountId) && !state.can(caller.accountId, projectKey, 'ADMINISTER_PROJECTS')) {
      return fail(res, 403, ['You do not have the permission to see the users with these permissions.']);
    }
    const accountId = query(req, 'accountId');
    const text = query(req, 'query')?.toLowerCase();
    const startAt = Math.max(Number(query(req, 'startAt') ?? 0) || 0, 0);
    const maxResults = Math.min(Math.max(Number(query(req, 'maxResults') ?? 50) || 50, 1), 1000);
    const users = [...state.users.values()].filter((user) =>
      user.active
      && (accountId === undefined || user.accountId === accountId)
      && (text === undefined || user.displayName.toLowerCase().startsWith(text) || user.emailAddress.toLowerCase().startsWith(text))
      && permissions.every((permission) => state.can(user.accountId, projectKey, permission)));
    res.json(users.slice(startAt, startAt + maxResults).map((user) => serializeUser(baseUrl(), user)));
  }));

  // The caller's own permissions: no accountId parameter exists, so it cannot answer for anyone else.
  router.get('/rest/api/3/mypermissions', guarded((caller, req, res) => {
    const permissions = permissionsOf(req, res);
    if (!permissions) return;
    const projectKey = query(req, 'issueKey') !== undefined || query(req, 'projectKey') !== undefined ? projectOf(state, caller, req, res) : null;
    if (projectKey === undefined) return;
    res.json({
      permissions: Object.fromEntries(permissions.map((key) => [key, {
        id: key, key, name: key.toLowerCase().replace(/_/g, ' '), type: 'PROJECT', description: '',
        havePermission: projectKey !== null && state.can(caller.accountId, projectKey, key),
      }])),
    });
  }));

  router.get('/rest/api/3/myself', guarded((caller, _req, res) => {
    res.json({
      ...serializeUser(baseUrl(), caller),
      locale: 'en_US',
      groups: { size: 1, items: [] },
      applicationRoles: { size: 1, items: [] },
      expand: 'groups,applicationRoles',
    });
  }));

  return router;
}
