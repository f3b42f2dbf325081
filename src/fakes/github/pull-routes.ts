import express, { type Router } from 'express';
import { git } from '../gitlab/git-diff.js';
import { example } from './examples.js';
import { paginate } from './pagination.js';
import { validateReviewComment, type ReviewCommentInput } from './review-validation.js';
import { fail, jsonBody, withRepo } from './route-helpers.js';
import { fileJson, iso, pullJson, reviewCommentJson, reviewJson } from './serialize.js';
import type { FakeGitHubState, FakeReview } from './state.js';

const EVENTS: Record<string, FakeReview['state']> = { COMMENT: 'COMMENTED', REQUEST_CHANGES: 'CHANGES_REQUESTED', APPROVE: 'APPROVED' };

/** Pull requests: the PR, its files, compare, its reviews and review comments. */
export function pullRoutes(state: FakeGitHubState, apiUrl: () => string): Router {
  const router = express.Router();
  const read = { name: 'pull_requests', write: false } as const;
  const write = { name: 'pull_requests', write: true } as const;

  router.get('/repos/:owner/:repo/pulls/:number', withRepo(state, read, ({ pull }, _req, res) => res.json(pullJson(pull!, apiUrl()))));

  router.get(
    '/repos/:owner/:repo/pulls/:number/files',
    withRepo(state, read, async ({ pull }, req, res) => {
      const files = await state.files(pull!);
      res.json(paginate(req, res, files).map((file) => fileJson(file, pull!.headSha)));
    }),
  );

  router.get(
    '/repos/:owner/:repo/compare/:basehead',
    withRepo(state, { name: 'contents', write: false }, async ({ repo }, req, res) => {
      const [base = '', head = ''] = String(req.params.basehead).split('...');
      const resolve = (ref: string) => git(repo.repoDir, 'rev-parse', '--verify', '--quiet', `${ref}^{commit}`).then((sha) => sha.trim(), () => '');
      const [baseSha, headSha] = await Promise.all([resolve(base), resolve(head)]);
      if (!baseSha || !headSha || base.startsWith('-') || head.startsWith('-')) return fail(res, 404, 'Not Found');
      const mergeBase = (await git(repo.repoDir, 'merge-base', baseSha, headSha)).trim();
      const count = async (from: string, to: string) => Number((await git(repo.repoDir, 'rev-list', '--count', `${from}..${to}`)).trim());
      const [ahead, behind] = await Promise.all([count(mergeBase, headSha), count(mergeBase, baseSha)]);
      const shape = example('commit-comparison');
      res.json({
        ...shape,
        status: ahead > 0 && behind > 0 ? 'diverged' : ahead > 0 ? 'ahead' : behind > 0 ? 'behind' : 'identical',
        ahead_by: ahead,
        behind_by: behind,
        total_commits: ahead,
        base_commit: { ...(shape.base_commit as object), sha: baseSha },
        merge_base_commit: { ...(shape.merge_base_commit as object), sha: mergeBase },
        commits: [],
        files: [],
      });
    }),
  );

  router.get(
    '/repos/:owner/:repo/pulls/:number/comments',
    withRepo(state, read, ({ repo, pull }, req, res) => {
      const comments = state.reviewComments.filter((comment) => comment.repo === repo && comment.pullNumber === pull!.number);
      res.json(paginate(req, res, comments).map((comment) => reviewCommentJson(comment, apiUrl())));
    }),
  );

  router.get(
    '/repos/:owner/:repo/pulls/:number/reviews',
    withRepo(state, read, ({ repo, pull }, req, res) => {
      res.json(paginate(req, res, state.reviews.filter((review) => review.repo === repo && review.pullNumber === pull!.number)).map(reviewJson));
    }),
  );

  router.post(
    '/repos/:owner/:repo/pulls/:number/reviews',
    withRepo(state, write, async ({ repo, pull, who }, req, res) => {
      const body = jsonBody(req);
      if (!body) return fail(res, 400, 'Problems parsing JSON');
      const event = EVENTS[String(body.event)];
      if (!event) return fail(res, 422, 'Unprocessable Entity', ['event must be COMMENT, REQUEST_CHANGES or APPROVE (pending reviews are not supported by this fake)']);
      const rawComments = Array.isArray(body.comments) ? (body.comments as Record<string, unknown>[]) : [];
      const text = typeof body.body === 'string' ? body.body : '';
      if (text === '' && (event === 'CHANGES_REQUESTED' || rawComments.length === 0) && event !== 'APPROVED') {
        return fail(res, 422, 'Unprocessable Entity', [`Review body is required for ${String(body.event)}`]);
      }
      const commitId = typeof body.commit_id === 'string' ? body.commit_id : pull!.headSha;
      if (commitId !== pull!.headSha) {
        const known = await git(repo.repoDir, 'cat-file', '-e', `${commitId}^{commit}`).then(() => true, () => false);
        if (!known) return fail(res, 422, 'Unprocessable Entity', ['No commit found for SHA: ' + commitId]);
      }
      const files = await state.files(pull!);
      const comments: ReviewCommentInput[] = [];
      for (const raw of rawComments) {
        const checked = validateReviewComment(raw, files);
        if (typeof checked === 'string') return fail(res, 422, 'Unprocessable Entity', [checked]);
        comments.push(checked);
      }
      const now = iso(Date.now());
      const review: FakeReview = { id: state.id(), pullNumber: pull!.number, repo, body: text, state: event, commitId, user: who, submittedAt: now };
      state.reviews.push(review);
      for (const comment of comments) {
        state.reviewComments.push({ ...comment, id: state.id(), reviewId: review.id, pullNumber: pull!.number, repo, commitId, user: who, createdAt: now });
      }
      res.status(200).json(reviewJson(review));
    }),
  );
  return router;
}
