import express, { type Request, type Router } from 'express';
import { example } from './examples.js';
import { refParam } from './git-data-routes.js';
import { branchSha, gitWith } from './git-objects.js';
import { gitRefJson } from './git-serialize.js';
import { paginate } from './pagination.js';
import { fail, withRepo } from './route-helpers.js';
import { repositoryJson } from './serialize.js';
import type { FakeGitHubState } from './state.js';

const metadata = { name: 'metadata', write: false } as const;
const contents = { name: 'contents', write: false } as const;

/** `*branch` of an Express 5 wildcard: octokit sends `a%2Fb` (one decoded segment); a person may send `a/b`. */
const branchParam = (req: Request) => (req.params.branch as unknown as string[]).join('/');

/** Every ref of the repository with the commit (or tag object) it points at, sorted by name as GitHub lists them. */
async function allRefs(repoDir: string): Promise<Array<{ ref: string; sha: string }>> {
  const listing = await gitWith(repoDir, ['for-each-ref', '--sort=refname', '--format=%(refname)%00%(objectname)']);
  return listing.split('\n').filter(Boolean).map((line) => {
    const [ref = '', sha = ''] = line.split('\0');
    return { ref, sha };
  });
}

/**
 * The repository (`GET /repos/{owner}/{repo}`: its `clone_url`), one branch (`GET …/branches/{branch}`: 404 "Branch not
 * found" when it is missing), and `GET …/git/matching-refs/{ref}`: the refs starting with `refs/{ref}` (none: `[]`, an
 * empty repository: 409), Link-paginated.
 */
export function repositoryRoutes(state: FakeGitHubState, apiUrl: () => string): Router {
  const router = express.Router();

  router.get(
    '/repos/:owner/:repo',
    withRepo(state, metadata, ({ repo }, _req, res) => {
      const shape = example('full-repository');
      res.json({ ...shape, ...repositoryJson(repo, apiUrl()), default_branch: 'main', owner: { ...(shape.owner as object), login: repo.owner } });
    }),
  );

  router.get(
    '/repos/:owner/:repo/branches/*branch',
    withRepo(state, contents, async ({ repo }, req, res) => {
      const name = branchParam(req);
      const sha = await branchSha(repo.repoDir, name);
      if (!sha) return fail(res, 404, 'Branch not found');
      const shape = example('branch-with-protection');
      const base = `${apiUrl()}/repos/${repo.owner}/${repo.name}`;
      const isProtected = state.isProtected(repo, name);
      res.json({
        ...shape,
        name,
        commit: { ...(shape.commit as object), sha, url: `${base}/commits/${sha}`, html_url: `https://github.com/${repo.owner}/${repo.name}/commit/${sha}` },
        _links: { self: `${base}/branches/${encodeURIComponent(name)}`, html: `https://github.com/${repo.owner}/${repo.name}/tree/${name}` },
        protected: isProtected,
        protection: { enabled: isProtected, required_status_checks: { enforcement_level: 'off', contexts: [], checks: [] } },
        protection_url: `${base}/branches/${encodeURIComponent(name)}/protection`,
      });
    }),
  );

  router.get(
    '/repos/:owner/:repo/git/matching-refs/*ref',
    withRepo(state, contents, async ({ repo }, req, res) => {
      const wanted = refParam(req);
      const refs = await allRefs(repo.repoDir);
      if (refs.length === 0) return fail(res, 409, 'Git Repository is empty.');
      const matching = refs.filter((entry) => entry.ref.startsWith(wanted));
      res.json(paginate(req, res, matching).map((entry) => gitRefJson(repo, entry.ref, entry.sha, apiUrl())));
    }),
  );
  return router;
}
