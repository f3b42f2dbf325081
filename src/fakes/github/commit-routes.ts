import express, { type Router } from 'express';
import { example } from './examples.js';
import { gitWith } from './git-objects.js';
import { paginate } from './pagination.js';
import { fail, withRepo } from './route-helpers.js';
import { pullJson } from './serialize.js';
import type { FakeGitHubState, FakePull, FakeRepository } from './state.js';

type Json = Record<string, unknown>;
const contents = { name: 'contents', write: false } as const;
const pullRequests = { name: 'pull_requests', write: false } as const;
const query = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

async function resolve(repo: FakeRepository, ref: string): Promise<string | undefined> {
  if (ref.startsWith('-')) return undefined;
  return gitWith(repo.repoDir, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]).then((out) => out.trim() || undefined, () => undefined);
}

/** A commit as `GET /repos/{o}/{r}/commits` lists it (GitHub's `commit-items` shape). */
export async function commitJson(repo: FakeRepository, sha: string, apiUrl: string): Promise<Json> {
  const [, parents = '', authorName = '', authorEmail = '', authorDate = '', committerName = '', committerEmail = '', committerDate = '', message = ''] = (
    await gitWith(repo.repoDir, ['show', '-s', '--format=%H%x00%P%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%B', sha])
  ).split('\0');
  const shape = example('commit-items');
  const base = `${apiUrl}/repos/${repo.owner}/${repo.name}`;
  const utc = (date: string) => new Date(date).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    ...shape,
    url: `${base}/commits/${sha}`,
    sha,
    html_url: `https://github.com/${repo.owner}/${repo.name}/commit/${sha}`,
    comments_url: `${base}/commits/${sha}/comments`,
    commit: {
      ...(shape.commit as Json),
      url: `${base}/git/commits/${sha}`,
      author: { name: authorName, email: authorEmail, date: utc(authorDate) },
      committer: { name: committerName, email: committerEmail, date: utc(committerDate) },
      message: message.replace(/\n$/, ''),
      comment_count: 0,
    },
    author: null,
    committer: null,
    parents: parents.split(' ').filter(Boolean).map((parent) => ({ sha: parent, url: `${base}/commits/${parent}`, html_url: `https://github.com/${repo.owner}/${repo.name}/commit/${parent}` })),
  };
}

/** The commits a pull request brought (merge base..head) and the commit its merge made. */
async function commitsOf(pull: FakePull, state: FakeGitHubState): Promise<Set<string>> {
  const own = new Set(pull.mergeCommitSha ? [pull.mergeCommitSha] : []);
  const base = pull.baseSha === '' ? undefined : await state.mergeBase(pull).catch(() => undefined);
  if (!base) return own;
  for (const sha of (await gitWith(pull.repo.repoDir, ['rev-list', `${base}..${pull.headSha}`])).split('\n').filter(Boolean)) own.add(sha);
  return own;
}

/** The pull request in the `pull-request-simple` shape (no `merged`, `mergeable` …: what list endpoints answer). */
function simplePullJson(pull: FakePull, apiUrl: string): Json {
  const full = pullJson(pull, apiUrl);
  return Object.fromEntries(Object.keys(example('pull-request-simple-items')).map((key) => [key, full[key] ?? null]));
}

/**
 * `GET /repos/{o}/{r}/commits`: the history of `sha` (a branch or commit; default `main`), newest first, narrowed by
 * `path`, `since` and `until`, Link-paginated; an unknown `sha` is 404. `GET …/commits/{sha}/pulls`: the pull requests
 * the commit belongs to (merged ones by their merge commit or their commits); an unknown commit is 422.
 */
export function commitRoutes(state: FakeGitHubState, apiUrl: () => string): Router {
  const router = express.Router();
  router.get(
    '/repos/:owner/:repo/commits',
    withRepo(state, contents, async ({ repo }, req, res) => {
      const since = query(req.query.since);
      const until = query(req.query.until);
      if ((since && Number.isNaN(Date.parse(since))) || (until && Number.isNaN(Date.parse(until)))) return fail(res, 422, 'Validation Failed');
      const ref = query(req.query.sha) ?? 'main';
      const tip = await resolve(repo, ref);
      if (!tip) return fail(res, 404, `No commit found for SHA: ${ref}`);
      const path = query(req.query.path);
      const args = ['log', '--format=%H', ...(since ? [`--since=${since}`] : []), ...(until ? [`--until=${until}`] : []), tip, '--', ...(path ? [path] : [])];
      const shas = (await gitWith(repo.repoDir, args)).split('\n').filter(Boolean);
      res.json(await Promise.all(paginate(req, res, shas).map((sha) => commitJson(repo, sha, apiUrl()))));
    }),
  );

  router.get(
    '/repos/:owner/:repo/commits/:sha/pulls',
    withRepo(state, pullRequests, async ({ repo }, req, res) => {
      const sha = await resolve(repo, String(req.params.sha));
      if (!sha) return fail(res, 422, `No commit found for SHA: ${String(req.params.sha)}`);
      const found: FakePull[] = [];
      for (const pull of state.pulls) {
        if (pull.repo !== repo) continue;
        await state.refresh(pull);
        if ((await commitsOf(pull, state)).has(sha)) found.push(pull);
      }
      res.json(paginate(req, res, found).map((pull) => simplePullJson(pull, apiUrl())));
    }),
  );
  return router;
}
