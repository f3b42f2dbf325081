import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { fail, jsonBody, PROPERTY_KEY_MAX, PROPERTY_VALUE_MAX_BYTES } from './respond.js';
import { serializeComment } from './serialize.js';
import type { FakeJiraComment, FakeJiraIssue, FakeJiraState, FakeJiraUser } from './state.js';

/** Jira's cap on the ids one "Get comments by IDs" names. */
const MAX_IDS = 1_000;
const COMMENT_NOT_FOUND = 'Can not find a comment for key';

type Handler = (caller: FakeJiraUser, req: Request, res: Response) => void;

const guarded = (handler: Handler) => (req: Request, res: Response, next: NextFunction) => {
  try {
    handler(res.locals.caller as FakeJiraUser, req, res);
  } catch (error) {
    next(error);
  }
};

/** The comment and its issue, when the caller may browse that issue (else Jira answers as if it did not exist). */
function visible(state: FakeJiraState, caller: FakeJiraUser, id: string): { comment: FakeJiraComment; issue: FakeJiraIssue } | undefined {
  const found = state.comment(id);
  return found && state.can(caller.accountId, found.issue.projectKey, 'BROWSE_PROJECTS') ? found : undefined;
}

/**
 * "Get comments by IDs" (`POST /rest/api/3/comment/list`, `expand=properties` answers each comment's properties) and
 * the comment properties resource (`/rest/api/3/comment/{id}/properties[/{key}]`: list keys, get, set).
 */
export function commentRoutes(state: FakeJiraState, baseUrl: () => string): Router {
  const router = express.Router();

  router.post('/rest/api/3/comment/list', guarded((caller, req, res) => {
    const body = jsonBody(req);
    const ids = body?.ids;
    if (!Array.isArray(ids) || ids.length === 0 || ids.some((id) => !Number.isInteger(id) && !(typeof id === 'string' && /^\d+$/.test(id)))) {
      return fail(res, 400, ['The list of comment IDs is required.']);
    }
    if (ids.length > MAX_IDS) return fail(res, 400, [`The number of comment IDs can't exceed ${MAX_IDS}.`]);
    const expand = typeof req.query.expand === 'string' ? req.query.expand : '';
    const values = [...new Set(ids.map(String))]
      .map((id) => visible(state, caller, id))
      .filter((found) => found !== undefined)
      .sort((a, b) => Number(a.comment.id) - Number(b.comment.id))
      .map(({ comment, issue }) => serializeComment(baseUrl(), state, issue, comment, expand));
    res.json({ maxResults: values.length, startAt: 0, total: values.length, isLast: true, values });
  }));

  router.get('/rest/api/3/comment/:id/properties', guarded((caller, req, res) => {
    const found = visible(state, caller, String(req.params.id));
    if (!found) return fail(res, 404, [COMMENT_NOT_FOUND]);
    const keys = [...(found.comment.properties?.keys() ?? [])].map((key) => ({ self: `${baseUrl()}/rest/api/3/comment/${found.comment.id}/properties/${encodeURIComponent(key)}`, key }));
    res.json({ keys });
  }));

  router.get('/rest/api/3/comment/:id/properties/:key', guarded((caller, req, res) => {
    const found = visible(state, caller, String(req.params.id));
    const key = String(req.params.key);
    if (!found || !found.comment.properties?.has(key)) return fail(res, 404, [`The property with key '${key}' does not exist.`]);
    res.json({ key, value: found.comment.properties.get(key) });
  }));

  // Setting one needs the right to edit the comment: its author with Edit own comments, or Edit all comments.
  router.put('/rest/api/3/comment/:id/properties/:key', guarded((caller, req, res) => {
    const found = visible(state, caller, String(req.params.id));
    if (!found) return fail(res, 404, [COMMENT_NOT_FOUND]);
    const { comment, issue } = found;
    const own = comment.authorId === caller.accountId && state.can(caller.accountId, issue.projectKey, 'EDIT_OWN_COMMENTS');
    if (!own && !state.can(caller.accountId, issue.projectKey, 'EDIT_ALL_COMMENTS')) return fail(res, 403, ['You do not have the permission to edit this comment.']);
    const key = String(req.params.key);
    if (key.length > PROPERTY_KEY_MAX) return fail(res, 400, [`The property key must be between 1 and ${PROPERTY_KEY_MAX} characters.`]);
    const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      return fail(res, 400, ['The property value must be JSON.']);
    }
    if (Buffer.byteLength(raw) > PROPERTY_VALUE_MAX_BYTES) return fail(res, 400, [`The property value must be JSON of at most ${PROPERTY_VALUE_MAX_BYTES} bytes.`]);
    comment.properties ??= new Map();
    const existed = comment.properties.has(key);
    comment.properties.set(key, value);
    res.status(existed ? 200 : 201).end();
  }));

  return router;
}
