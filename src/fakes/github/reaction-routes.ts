import express, { type Router } from 'express';
import { example } from './examples.js';
import { fail, jsonBody, notFound, withRepo } from './route-helpers.js';
import { issueCommentJson, iso, reviewCommentJson, userJson } from './serialize.js';
import type { FakeGitHubState, FakeReaction, FakeReactionContent } from './state.js';

const CONTENTS = new Set<string>(['+1', '-1', 'laugh', 'confused', 'heart', 'hooray', 'rocket', 'eyes']);
const read = { name: 'pull_requests', write: false } as const;
const write = { name: 'pull_requests', write: true } as const;

function reactionJson(reaction: FakeReaction) {
  return { ...example('reaction'), id: reaction.id, node_id: `REA_${reaction.id.toString(36)}`, user: userJson(reaction.user), content: reaction.content, created_at: reaction.createdAt };
}

/** Single comments (both kinds), replies in review threads, and reactions on comments. */
export function reactionRoutes(state: FakeGitHubState, apiUrl: () => string): Router {
  const router = express.Router();
  const issueComment = (repo: unknown, id: number) => state.issueComments.find((c) => c.repo === repo && c.id === id);
  const reviewComment = (repo: unknown, id: number) => state.reviewComments.find((c) => c.repo === repo && c.id === id);

  router.get(
    '/repos/:owner/:repo/issues/comments/:commentId',
    withRepo(state, read, ({ repo }, req, res) => {
      const comment = issueComment(repo, Number(req.params.commentId));
      if (!comment) return notFound(res);
      res.json(issueCommentJson(comment, apiUrl()));
    }),
  );

  router.get(
    '/repos/:owner/:repo/pulls/comments/:commentId',
    withRepo(state, read, ({ repo }, req, res) => {
      const comment = reviewComment(repo, Number(req.params.commentId));
      if (!comment) return notFound(res);
      res.json(reviewCommentJson(comment, apiUrl()));
    }),
  );

  router.post(
    '/repos/:owner/:repo/pulls/:number/comments/:commentId/replies',
    withRepo(state, write, ({ repo, pull, who }, req, res) => {
      const body = jsonBody(req);
      if (!body) return fail(res, 400, 'Problems parsing JSON');
      const parent = reviewComment(repo, Number(req.params.commentId));
      if (!parent || parent.pullNumber !== pull!.number) return notFound(res);
      if (typeof body.body !== 'string' || body.body === '') return fail(res, 422, 'Validation Failed', [{ resource: 'PullRequestReviewComment', field: 'body', code: 'missing_field' }]);
      // GitHub: "This must be the ID of a top-level review comment, not a reply to that comment."
      if (parent.inReplyToId !== undefined) return fail(res, 422, 'Validation Failed', [{ resource: 'PullRequestReviewComment', field: 'in_reply_to', code: 'invalid', message: 'replies to replies are not supported' }]);
      const reply = { ...parent, id: state.id(), body: body.body, user: who, inReplyToId: parent.id, createdAt: iso(Date.now()) };
      delete reply.resolved;
      delete reply.resolvedBy;
      state.reviewComments.push(reply);
      res.status(201).json(reviewCommentJson(reply, apiUrl()));
    }),
  );

  for (const [path, kind] of [['issues', 'issue-comment'], ['pulls', 'review-comment']] as const) {
    router.post(
      `/repos/:owner/:repo/${path}/comments/:commentId/reactions`,
      withRepo(state, write, ({ repo, who }, req, res) => {
        const id = Number(req.params.commentId);
        if (!(kind === 'issue-comment' ? issueComment(repo, id) : reviewComment(repo, id))) return notFound(res);
        const body = jsonBody(req);
        if (!body) return fail(res, 400, 'Problems parsing JSON');
        if (typeof body.content !== 'string' || !CONTENTS.has(body.content)) {
          return fail(res, 422, 'Validation Failed', [{ resource: 'Reaction', code: 'custom', field: 'content', message: 'content is not included in the list' }]);
        }
        const content = body.content as FakeReactionContent;
        const existing = state.reactions.find((r) => r.repo === repo && r.subject.kind === kind && r.subject.id === id && r.user.login === who.login && r.content === content);
        if (existing) return void res.status(200).json(reactionJson(existing));
        const reaction: FakeReaction = { id: state.id(), repo, subject: { kind, id }, content, user: who, createdAt: iso(Date.now()) };
        state.reactions.push(reaction);
        res.status(201).json(reactionJson(reaction));
      }),
    );
  }
  return router;
}
