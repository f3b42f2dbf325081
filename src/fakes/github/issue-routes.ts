import express, { type Router } from 'express';
import { paginate } from './pagination.js';
import { fail, jsonBody, notFound, withRepo } from './route-helpers.js';
import { issueCommentJson, issueJson, iso } from './serialize.js';
import type { FakeGitHubState } from './state.js';

/**
 * One issue (`GET …/issues/{n}`: a pull request answers as an issue with `pull_request`; else 404), and issue comments
 * on pull requests (the conversation tab): list, create, edit (by their author only).
 */
export function issueRoutes(state: FakeGitHubState, apiUrl: () => string): Router {
  const router = express.Router();
  const read = { name: 'pull_requests', write: false } as const;
  const write = { name: 'pull_requests', write: true } as const;

  router.get(
    '/repos/:owner/:repo/issues/:issueNumber',
    withRepo(state, { name: 'issues', write: false }, ({ repo }, req, res) => {
      const number = Number(req.params.issueNumber);
      const issue = state.issues.find((candidate) => candidate.repo === repo && candidate.number === number);
      const pull = issue ? undefined : state.pull(repo, number);
      if (!issue && !pull) return notFound(res);
      res.json(issueJson(issue ?? pull!, apiUrl()));
    }),
  );

  router.get(
    '/repos/:owner/:repo/issues/:number/comments',
    withRepo(state, read, ({ repo, pull }, req, res) => {
      const comments = state.issueComments.filter((comment) => comment.repo === repo && comment.issueNumber === pull!.number);
      res.json(paginate(req, res, comments).map((comment) => issueCommentJson(comment, apiUrl())));
    }),
  );

  router.post(
    '/repos/:owner/:repo/issues/:number/comments',
    withRepo(state, write, ({ repo, pull, who }, req, res) => {
      const body = jsonBody(req);
      if (!body) return fail(res, 400, 'Problems parsing JSON');
      if (typeof body.body !== 'string' || body.body === '') return fail(res, 422, 'Validation Failed', [{ resource: 'IssueComment', field: 'body', code: 'missing_field' }]);
      const now = iso(Date.now());
      const comment = { id: state.id(), issueNumber: pull!.number, repo, body: body.body, user: who, createdAt: now, updatedAt: now };
      state.issueComments.push(comment);
      res.status(201).json(issueCommentJson(comment, apiUrl()));
    }),
  );

  router.patch(
    '/repos/:owner/:repo/issues/comments/:commentId',
    withRepo(state, write, ({ repo, who }, req, res) => {
      const comment = state.issueComments.find((candidate) => candidate.repo === repo && candidate.id === Number(req.params.commentId));
      if (!comment) return notFound(res);
      if (comment.user.login !== who.login) return fail(res, 403, 'Resource not accessible by integration');
      const body = jsonBody(req);
      if (!body) return fail(res, 400, 'Problems parsing JSON');
      if (typeof body.body !== 'string' || body.body === '') return fail(res, 422, 'Validation Failed', [{ resource: 'IssueComment', field: 'body', code: 'missing_field' }]);
      comment.body = body.body;
      comment.updatedAt = iso(Date.now());
      res.json(issueCommentJson(comment, apiUrl()));
    }),
  );
  return router;
}
