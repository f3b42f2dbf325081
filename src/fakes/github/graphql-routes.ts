import express, { type Router } from 'express';
import { caller, fail, jsonBody } from './route-helpers.js';
import { pullNodeId } from './serialize.js';
import type { FakeGitHubState, FakeGitHubUser, FakeReviewComment } from './state.js';

/** GitHub's node id of the review thread a top-level review comment starts. */
export const threadNodeId = (comment: FakeReviewComment) => `PRRT_kwDO${comment.id.toString(36).toUpperCase()}`;

/** GraphQL names an App's bot account by its slug alone: REST's `forgebot[bot]` is `forgebot` there. */
const graphqlLogin = (user: FakeGitHubUser) => (user.type === 'Bot' ? user.login.replace(/\[bot\]$/, '') : user.login);

const notFound = (type: string, message: string) => ({ data: null, errors: [{ type, path: ['repository'], message }] });

/**
 * `POST /graphql`, for the fields forgebot uses: `repository.pullRequest.reviewThreads` (paged with first/after; a
 * thread's `resolvedBy { login }`, null while unresolved), the `resolveReviewThread` mutation (the viewer resolves) and `markPullRequestReadyForReview` (REST cannot take a pull request out of draft).
 * Answers follow GitHub's: 200 with `data`, or 200 with `errors` (NOT_FOUND, FORBIDDEN); a query for any other field gets a GraphQL error naming it as unsupported by this fake.
 */
export function graphqlRoutes(state: FakeGitHubState): Router {
  const router = express.Router();
  router.post('/graphql', (req, res) => {
    const body = jsonBody(req);
    if (!body || typeof body.query !== 'string') return fail(res, 400, 'Problems parsing JSON');
    const vars = (body.variables ?? {}) as Record<string, unknown>;
    const who = caller(res);
    if (who.kind === 'app') return fail(res, 403, 'A JSON web token could not be used for this endpoint; use an installation token');
    const threads = (repoOwner: string, repoName: string, number: number) => {
      const repo = state.repository(repoOwner, repoName);
      const visible = repo && (who.kind !== 'installation' || who.token.installationId === repo.installationId);
      return visible ? state.reviewComments.filter((c) => c.repo === repo && c.pullNumber === number && c.inReplyToId === undefined) : undefined;
    };

    if (/\bresolveReviewThread\s*\(/.test(body.query)) {
      if (who.kind === 'installation' && who.token.permissions.pull_requests !== 'write') {
        return void res.json({ data: { resolveReviewThread: null }, errors: [{ type: 'FORBIDDEN', path: ['resolveReviewThread'], message: 'Resource not accessible by integration' }] });
      }
      const comment = state.reviewComments.find((c) => c.inReplyToId === undefined && threadNodeId(c) === vars.threadId);
      if (!comment) return void res.json(notFound('NOT_FOUND', `Could not resolve to a node with the global id of '${String(vars.threadId)}'`));
      // The viewer resolved it (a thread already resolved keeps its resolver).
      if (comment.resolved !== true) Object.assign(comment, { resolved: true, resolvedBy: who.user });
      return void res.json({ data: { resolveReviewThread: { thread: { id: threadNodeId(comment), isResolved: true } } } });
    }
    if (/\bmarkPullRequestReadyForReview\s*\(/.test(body.query)) {
      const named = /pullRequestId:\s*(?:\$(\w+)|"([^"]*)")/.exec(body.query);
      const id = named?.[1] !== undefined ? vars[named[1]] : named?.[2];
      const pull = state.pulls.find((candidate) => pullNodeId(candidate) === id);
      const visible = pull && (who.kind !== 'installation' || who.token.installationId === pull.repo.installationId);
      if (!pull || !visible) return void res.json(notFound('NOT_FOUND', `Could not resolve to a node with the global id of '${String(id)}'`));
      if (who.kind === 'installation' && who.token.permissions.pull_requests !== 'write') {
        return void res.json({ data: { markPullRequestReadyForReview: null }, errors: [{ type: 'FORBIDDEN', path: ['markPullRequestReadyForReview'], message: 'Resource not accessible by integration' }] });
      }
      pull.draft = false;
      return void res.json({ data: { markPullRequestReadyForReview: { pullRequest: { isDraft: false } } } });
    }
    if (/\breviewThreads\s*\(/.test(body.query)) {
      const all = threads(String(vars.owner), String(vars.name), Number(vars.number));
      if (!all) return void res.json(notFound('NOT_FOUND', `Could not resolve to a Repository with the name '${String(vars.owner)}/${String(vars.name)}'.`));
      const start = typeof vars.after === 'string' ? Number(Buffer.from(vars.after, 'base64').toString('utf8').split(':')[1] ?? 0) : 0;
      const first = Math.min(Number(/reviewThreads\(first:\s*(\d+)/.exec(body.query)?.[1] ?? 100), 100);
      const page = all.slice(start, start + first);
      const end = start + page.length;
      const askedResolver = /\bresolvedBy\b/.test(body.query);
      const nodes = page.map((c) => ({
        id: threadNodeId(c),
        isResolved: c.resolved === true,
        ...(askedResolver ? { resolvedBy: c.resolved === true && c.resolvedBy ? { login: graphqlLogin(c.resolvedBy) } : null } : {}),
        comments: { nodes: [{ databaseId: c.id }] },
      }));
      const pageInfo = { hasNextPage: end < all.length, endCursor: page.length > 0 ? Buffer.from(`cursor:${end}`).toString('base64') : null };
      return void res.json({ data: { repository: { pullRequest: { reviewThreads: { nodes, pageInfo } } } } });
    }
    res.json({ errors: [{ message: 'fake GitHub: only reviewThreads, resolveReviewThread and markPullRequestReadyForReview are implemented' }] });
  });
  return router;
}
