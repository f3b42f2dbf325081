import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { adfProblem, fail, ISSUE_NOT_FOUND, jsonBody, propertiesProblem } from './respond.js';
import { serializeComment, serializeIssue, serializeStatus } from './serialize.js';
import type { FakeJiraIssue, FakeJiraState, FakeJiraUser } from './state.js';
import { transitionsFrom } from './workflow.js';

type Handler = (issue: FakeJiraIssue, caller: FakeJiraUser, req: Request, res: Response) => void;

/** An issue route: 404 for an unknown issue and for one the caller may not browse, as Jira answers both. */
function withIssue(state: FakeJiraState, handler: Handler) {
  return (req: Request, res: Response, next: NextFunction): void => {
    try {
      const caller = res.locals.caller as FakeJiraUser;
      const issue = state.issue(String(req.params.key));
      if (!issue || !state.can(caller.accountId, issue.projectKey, 'BROWSE_PROJECTS')) return fail(res, 404, [ISSUE_NOT_FOUND]);
      handler(issue, caller, req, res);
    } catch (error) {
      next(error);
    }
  };
}

const query = (req: Request, name: string) => (typeof req.query[name] === 'string' ? req.query[name] : undefined);

/** `startAt`/`maxResults` as Jira reads them: integers, maxResults capped at `limit` (it may answer fewer than asked). */
function pageOf(req: Request, limit: number): { startAt: number; maxResults: number } | undefined {
  const startAt = Number(query(req, 'startAt') ?? 0);
  const maxResults = Number(query(req, 'maxResults') ?? limit);
  if (!Number.isInteger(startAt) || startAt < 0 || !Number.isInteger(maxResults) || maxResults < 0) return undefined;
  return { startAt, maxResults: Math.min(maxResults, limit) };
}

export interface IssueRouteOptions {
  baseUrl: () => string;
  now: () => number;
  /** The most comments one page holds, whatever `maxResults` asks (Jira's default and cap: 5000). */
  commentPageLimit: number;
}

/** Issues, their comments (list with offset pagination, create) and transitions (list, do), under /rest/api/3. */
export function issueRoutes(state: FakeJiraState, options: IssueRouteOptions): Router {
  const router = express.Router();
  const base = '/rest/api/3/issue/:key';

  router.get(base, withIssue(state, (issue, _caller, req, res) => {
    res.json(serializeIssue(options.baseUrl(), state, issue, query(req, 'fields')));
  }));

  router.get(`${base}/comment`, withIssue(state, (issue, _caller, req, res) => {
    const page = pageOf(req, options.commentPageLimit);
    if (!page) return fail(res, 400, ['startAt and maxResults must be non-negative integers.']);
    const orderBy = query(req, 'orderBy') ?? 'created';
    if (!['created', '+created', '-created'].includes(orderBy)) return fail(res, 400, [`The value '${orderBy}' is not valid for orderBy. Valid values: created, -created, +created.`]);
    const all = state.commentsOf(issue.id);
    const ordered = orderBy === '-created' ? [...all].reverse() : all;
    const comments = ordered.slice(page.startAt, page.startAt + page.maxResults).map((comment) => serializeComment(options.baseUrl(), state, issue, comment));
    res.json({ startAt: page.startAt, maxResults: page.maxResults, total: all.length, comments });
  }));

  router.post(`${base}/comment`, withIssue(state, (issue, caller, req, res) => {
    if (!state.can(caller.accountId, issue.projectKey, 'ADD_COMMENTS')) return fail(res, 403, ['You do not have the permission to comment on this issue.']);
    const body = jsonBody(req);
    if (!body) return fail(res, 400, ['Unexpected character in the request body: it is not JSON.']);
    const problem = adfProblem(body.body);
    if (problem) return problem.field ? fail(res, 400, [], { [problem.field]: problem.message }) : fail(res, 400, [problem.message]);
    const badProperties = propertiesProblem(body.properties);
    if (badProperties) return fail(res, 400, [badProperties]);
    const properties = new Map(((body.properties ?? []) as { key: string; value: unknown }[]).map(({ key, value }) => [key, value]));
    const comment = { id: state.id(), issueId: issue.id, authorId: caller.accountId, body: body.body, created: options.now(), ...(properties.size > 0 ? { properties } : {}) };
    state.comments.push(comment);
    issue.updated = comment.created;
    res.status(201).json(serializeComment(options.baseUrl(), state, issue, comment));
  }));

  router.get(`${base}/transitions`, withIssue(state, (issue, caller, req, res) => {
    // Without Transition issues the list is empty, not refused.
    const allowed = state.can(caller.accountId, issue.projectKey, 'TRANSITION_ISSUES');
    const wanted = query(req, 'transitionId');
    const transitions = (allowed ? transitionsFrom(state.workflow, issue.statusId) : []).filter((transition) => wanted === undefined || transition.id === wanted);
    res.json({
      expand: 'transitions',
      transitions: transitions.map((transition) => ({
        id: transition.id,
        name: transition.name,
        to: serializeStatus(options.baseUrl(), state.status(transition.to)),
        hasScreen: false,
        isGlobal: transition.from === 'any',
        isInitial: false,
        isAvailable: true,
        isConditional: false,
        isLooped: false,
      })),
    });
  }));

  router.post(`${base}/transitions`, withIssue(state, (issue, caller, req, res) => {
    if (!state.can(caller.accountId, issue.projectKey, 'TRANSITION_ISSUES')) return fail(res, 403, ['You do not have permission to transition this issue.']);
    const body = jsonBody(req);
    const transition = body?.transition as { id?: unknown } | undefined;
    if (!transition || typeof transition !== 'object' || (typeof transition.id !== 'string' && typeof transition.id !== 'number')) {
      return fail(res, 400, [], { transition: "Missing 'transition' identifier" });
    }
    const id = String(transition.id);
    const chosen = transitionsFrom(state.workflow, issue.statusId).find((candidate) => candidate.id === id);
    if (!chosen) return fail(res, 400, [`Transition id '${id}' is not valid for this issue.`]);
    const from = state.status(issue.statusId).name;
    issue.statusId = chosen.to;
    issue.updated = options.now();
    state.transitions.push({ key: issue.key, from, to: state.status(chosen.to).name, by: caller.accountId });
    res.status(204).end();
  }));

  return router;
}
