import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { paginate } from './pagination.js';
import { serializeComment, serializeIssue } from './serialize.js';
import type { FakeSentryIssue, FakeSentryState, FakeSentryToken } from './state.js';

/** DRF's error bodies, as Sentry answers them. */
export function fail(res: Response, status: number, detail: string): void {
  res.status(status).json({ detail });
}

export const NOT_FOUND = 'The requested resource does not exist';
const NO_PERMISSION = 'You do not have permission to perform this action.';

/** The scopes Sentry's group endpoints accept per method (GroupPermission's scope map). */
const SCOPES: Record<string, string[]> = {
  GET: ['event:read', 'event:write', 'event:admin'],
  POST: ['event:write', 'event:admin'],
};

type Handler = (issue: FakeSentryIssue, req: Request, res: Response) => void;

/** An issue route: 403 for a token without the method's scope, 404 for an unknown org or issue (or another org's). */
function withIssue(state: FakeSentryState, handler: Handler) {
  return (req: Request, res: Response, next: NextFunction): void => {
    try {
      const token = res.locals.token as FakeSentryToken;
      if (!(SCOPES[req.method] ?? []).some((scope) => token.scopes.includes(scope))) return fail(res, 403, NO_PERMISSION);
      const issue = state.issue(String(req.params.org), String(req.params.issueId));
      if (!issue) return fail(res, 404, NOT_FOUND);
      handler(issue, req, res);
    } catch (error) {
      next(error);
    }
  };
}

/** A JSON object body, or undefined (DRF answers a parse error with 400). */
function jsonBody(req: Request): Record<string, unknown> | undefined {
  const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
  if (raw === '') return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const HOUR = 3_600_000;

/** The organization-scoped issue endpoints: details, latest event, comments (list and create). */
export function issueRoutes(state: FakeSentryState, baseUrl: () => string, now: () => number): Router {
  const router = express.Router({ strict: true });
  const base = '/api/0/organizations/:org/issues/:issueId';

  router.get(`${base}/`, withIssue(state, (issue, _req, res) => {
    res.json(serializeIssue(issue, baseUrl(), state.commentsOf(issue.id).length));
  }));

  router.get(`${base}/events/latest/`, withIssue(state, (issue, _req, res) => {
    const latest = issue.events.at(-1);
    if (!latest) return fail(res, 404, NOT_FOUND);
    res.json(latest);
  }));

  router.get(`${base}/comments/`, withIssue(state, (issue, req, res) => {
    res.json(paginate(req, res, state.commentsOf(issue.id)).map(serializeComment));
  }));

  router.post(`${base}/comments/`, withIssue(state, (issue, req, res) => {
    const body = jsonBody(req);
    if (!body) return fail(res, 400, 'JSON parse error');
    const text = body.text;
    if (text === undefined || text === null) return void res.status(400).json({ text: ['This field is required.'] });
    if (typeof text !== 'string' || text.trim() === '') return void res.status(400).json({ text: ['This field may not be blank.'] });
    const token = res.locals.token as FakeSentryToken;
    const at = now();
    // GroupNotesEndpoint: the same text from the same user within an hour is refused.
    const repeated = state.commentsOf(issue.id).some((comment) => comment.user.id === token.user.id && comment.text === text && comment.createdAt >= at - HOUR);
    if (repeated) return fail(res, 400, 'You have already posted that comment.');
    const comment = { id: state.id(), issueId: issue.id, text, user: token.user, createdAt: at };
    state.comments.push(comment);
    res.status(201).json(serializeComment(comment));
  }));

  return router;
}
