import express, { type Router } from 'express';
import { branchSha, gitWith } from './git-objects.js';
import { paginate } from './pagination.js';
import { mergePull } from './pull-merge.js';
import { fail, jsonBody, withRepo } from './route-helpers.js';
import { iso, labelJson, pullJson } from './serialize.js';
import type { FakeGitHubState, FakeGitHubUser, FakePull, FakeRepository } from './state.js';

const read = { name: 'pull_requests', write: false } as const;
const write = { name: 'pull_requests', write: true } as const;
const invalid = (field: string, code = 'invalid') => [{ resource: 'PullRequest', field, code }];
const custom = (message: string) => [{ resource: 'PullRequest', code: 'custom', message }];

/** `owner:branch` or `branch` of this repository (the fake has no forks): the branch, or undefined. */
function headBranch(repo: FakeRepository, head: unknown): string | undefined {
  if (typeof head !== 'string' || head === '') return undefined;
  const [owner, branch] = head.includes(':') ? head.split(':', 2) : [repo.owner, head];
  return owner?.toLowerCase() === repo.owner.toLowerCase() ? branch : undefined;
}

/** Opening, listing, editing and merging pull requests; their labels (issues API) and requested reviewers. */
export function pullWriteRoutes(state: FakeGitHubState, apiUrl: () => string): Router {
  const router = express.Router();

  router.get(
    '/repos/:owner/:repo/pulls',
    withRepo(state, read, async ({ repo }, req, res) => {
      const wanted = typeof req.query.state === 'string' ? req.query.state : 'open';
      const head = typeof req.query.head === 'string' ? headBranch(repo, req.query.head) ?? '\0' : undefined;
      const base = typeof req.query.base === 'string' ? req.query.base : undefined;
      const pulls = state.pulls.filter((pull) => pull.repo === repo && (wanted === 'all' || pull.state === wanted) && (head === undefined || pull.headRef === head) && (base === undefined || pull.baseRef === base));
      for (const pull of pulls) await state.refresh(pull);
      res.json(paginate(req, res, [...pulls].reverse()).map((pull) => pullJson(pull, apiUrl())));
    }),
  );

  router.post(
    '/repos/:owner/:repo/pulls',
    withRepo(state, write, async ({ repo, who }, req, res) => {
      const body = jsonBody(req);
      if (!body) return fail(res, 400, 'Problems parsing JSON');
      if (typeof body.title !== 'string' || body.title === '') return fail(res, 422, 'Validation Failed', invalid('title', 'missing_field'));
      const headRef = headBranch(repo, body.head);
      const baseRef = typeof body.base === 'string' ? body.base : '';
      const [headSha, baseSha] = await Promise.all([headRef ? branchSha(repo.repoDir, headRef) : undefined, baseRef ? branchSha(repo.repoDir, baseRef) : undefined]);
      if (!headSha) return fail(res, 422, 'Validation Failed', invalid('head'));
      if (!baseSha) return fail(res, 422, 'Validation Failed', invalid('base'));
      if (state.pulls.some((pull) => pull.repo === repo && pull.state === 'open' && pull.headRef === headRef && pull.baseRef === baseRef)) {
        return fail(res, 422, 'Validation Failed', custom(`A pull request already exists for ${repo.owner}:${headRef}.`));
      }
      const ahead = Number((await gitWith(repo.repoDir, ['rev-list', '--count', `${baseSha}..${headSha}`])).trim());
      if (ahead === 0) return fail(res, 422, 'Validation Failed', custom(`No commits between ${baseRef} and ${headRef}`));
      const number = Math.max(0, ...state.pulls.filter((pull) => pull.repo === repo).map((pull) => pull.number)) + 1;
      const pull: FakePull = {
        number, repo, title: body.title, body: typeof body.body === 'string' ? body.body : null, state: 'open', merged: false, draft: body.draft === true,
        user: who, headRef: headRef!, baseRef, headSha: '', baseSha: '', createdAt: iso(Date.now()), labels: [], requestedReviewers: [],
      };
      await state.refresh(pull);
      state.pulls.push(pull);
      res.status(201).json(pullJson(pull, apiUrl()));
    }),
  );

  router.patch(
    '/repos/:owner/:repo/pulls/:number',
    withRepo(state, write, ({ pull }, req, res) => {
      const body = jsonBody(req);
      if (!body) return fail(res, 400, 'Problems parsing JSON');
      if (body.state !== undefined && body.state !== 'open' && body.state !== 'closed') return fail(res, 422, 'Validation Failed', invalid('state'));
      if (body.state !== undefined && body.state !== pull!.state && pull!.merged) return fail(res, 422, 'Validation Failed', custom('state cannot be changed. The pull request has been merged.'));
      if (typeof body.title === 'string') pull!.title = body.title;
      if (typeof body.body === 'string' || body.body === null) pull!.body = body.body;
      if (body.state === 'closed' && pull!.state === 'open') Object.assign(pull!, { state: 'closed', closedAt: iso(Date.now()) } satisfies Partial<FakePull>);
      if (body.state === 'open' && pull!.state === 'closed') Object.assign(pull!, { state: 'open', closedAt: undefined });
      res.json(pullJson(pull!, apiUrl()));
    }),
  );

  router.put(
    '/repos/:owner/:repo/pulls/:number/merge',
    withRepo(state, { name: 'contents', write: true }, async ({ pull, who }, req, res) => {
      const body = jsonBody(req);
      if (!body) return fail(res, 400, 'Problems parsing JSON');
      const method = body.merge_method ?? 'merge';
      if (method === 'rebase') return fail(res, 422, 'fake GitHub: merge_method rebase is not supported');
      if (method !== 'merge' && method !== 'squash') return fail(res, 422, 'Validation Failed', [{ resource: 'PullRequest', field: 'merge_method', code: 'invalid' }]);
      const outcome = await mergePull(pull!, {
        method, who,
        ...(typeof body.sha === 'string' ? { sha: body.sha } : {}),
        ...(typeof body.commit_title === 'string' ? { title: body.commit_title } : {}),
        ...(typeof body.commit_message === 'string' ? { message: body.commit_message } : {}),
      });
      if ('status' in outcome) return fail(res, outcome.status, outcome.message);
      res.json({ sha: outcome.sha, merged: true, message: 'Pull Request successfully merged' });
    }),
  );

  router.post(
    '/repos/:owner/:repo/issues/:number/labels',
    withRepo(state, write, ({ repo, pull }, req, res) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(Buffer.isBuffer(req.body) && req.body.length > 0 ? req.body.toString('utf8') : '{}');
      } catch {
        return fail(res, 400, 'Problems parsing JSON');
      }
      // The body is `{"labels": [...]}` or the bare array.
      const raw = Array.isArray(parsed) ? parsed : (parsed as { labels?: unknown } | null)?.labels;
      if (!Array.isArray(raw) || raw.some((name) => typeof name !== 'string' || name === '')) return fail(res, 422, 'Validation Failed', [{ resource: 'Label', field: 'name', code: 'invalid' }]);
      pull!.labels = [...new Set([...(pull!.labels ?? []), ...(raw as string[])])];
      res.json(pull!.labels.map((name) => labelJson(repo, name, apiUrl())));
    }),
  );

  router.post(
    '/repos/:owner/:repo/pulls/:number/requested_reviewers',
    withRepo(state, write, ({ repo, pull }, req, res) => {
      const body = jsonBody(req);
      if (!body) return fail(res, 400, 'Problems parsing JSON');
      const logins = Array.isArray(body.reviewers) ? body.reviewers.map(String) : [];
      if (Array.isArray(body.team_reviewers) && body.team_reviewers.length > 0) return fail(res, 422, 'fake GitHub: team reviewers are not supported');
      if (logins.some((login) => login.toLowerCase() === pull!.user.login.toLowerCase())) return fail(res, 422, 'Review cannot be requested from pull request author.');
      const users: FakeGitHubUser[] = [];
      for (const login of logins) {
        const collaborator = state.collaborators.find((c) => c.repo === repo && c.user.login.toLowerCase() === login.toLowerCase());
        if (!collaborator) {
          return fail(res, 422, `Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the ${repo.owner}/${repo.name} repository.`);
        }
        users.push(collaborator.user);
      }
      const current = pull!.requestedReviewers ?? [];
      pull!.requestedReviewers = [...current, ...users.filter((user) => !current.includes(user))];
      res.status(201).json(pullJson(pull!, apiUrl()));
    }),
  );
  return router;
}
