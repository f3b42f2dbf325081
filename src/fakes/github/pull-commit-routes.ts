import express, { type Router } from 'express';
import { commitJson } from './commit-routes.js';
import { gitWith } from './git-objects.js';
import { paginate } from './pagination.js';
import { withRepo } from './route-helpers.js';
import type { FakeGitHubState, FakeGitHubUser } from './state.js';

/** GitHub lists at most this many commits of a pull request. */
const MAX_COMMITS = 250;
/** `<id>+<login>@users.noreply.github.com` or `<login>@users.noreply.github.com`: GitHub's address for an account. */
const NOREPLY = /^(?:(\d+)\+)?([^@]+)@users\.noreply\.github\.com$/i;

type Json = Record<string, unknown>;

/** The account GitHub shows for a commit email: a verified email of it, or its noreply address. */
function accountFor(state: FakeGitHubState, email: string): FakeGitHubUser | undefined {
  const address = email.toLowerCase();
  const verified = state.emails.get(address);
  if (verified) return verified;
  const noreply = NOREPLY.exec(address);
  if (!noreply) return undefined;
  const [, id, login = ''] = noreply;
  return state.users.find((user) => (id === undefined || user.id === Number(id)) && user.login.toLowerCase() === login);
}

const simpleUser = (user: FakeGitHubUser, apiUrl: string) => ({ login: user.login, id: user.id, type: user.type, site_admin: false, url: `${apiUrl}/users/${user.login}`, html_url: `https://github.com/${user.login}` });

/**
 * `GET /repos/{o}/{r}/pulls/{n}/commits`: the pull request's commits (merge base..head), oldest first, at most 250,
 * Link-paginated; each with the git author and committer (a test sets them by pushing commits as someone) and, as
 * GitHub does, `author` / `committer` as the account whose verified or noreply email it is, else null. 404 for an
 * unknown repository or pull request.
 */
export function pullCommitRoutes(state: FakeGitHubState, apiUrl: () => string): Router {
  const router = express.Router();
  router.get(
    '/repos/:owner/:repo/pulls/:number/commits',
    withRepo(state, { name: 'pull_requests', write: false }, async ({ repo, pull }, req, res) => {
      const base = await state.mergeBase(pull!);
      const shas = (await gitWith(repo.repoDir, ['rev-list', '--reverse', `${base}..${pull!.headSha}`])).split('\n').filter(Boolean).slice(0, MAX_COMMITS);
      const commits = await Promise.all(
        paginate(req, res, shas).map(async (sha) => {
          const json = await commitJson(repo, sha, apiUrl());
          const git = json.commit as { author: { email: string }; committer: { email: string } };
          const author = accountFor(state, git.author.email);
          const committer = accountFor(state, git.committer.email);
          return { ...json, author: author ? simpleUser(author, apiUrl()) : null, committer: committer ? simpleUser(committer, apiUrl()) : null } satisfies Json;
        }),
      );
      res.json(commits);
    }),
  );
  return router;
}
