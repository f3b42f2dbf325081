import express, { type Request, type Router } from 'express';
import { resolveCommit, runGit } from './git-plumbing.js';
import { paginate } from './pagination.js';
import { badRequest, notFound, withProject } from './route-helpers.js';
import { serializeMergeRequest } from './serialize.js';
import { readCommit, serializeCommit } from './serialize-writes.js';
import type { FakeGitLabState, FakeMergeRequest, FakeProject } from './state.js';

const text = (req: Request, name: string) => (typeof req.query[name] === 'string' ? req.query[name] : undefined);

/** The commits a merge request brought: its latest version's base..head, and the merge and squash commits it made. */
async function commitsOf(project: FakeProject, mr: FakeMergeRequest): Promise<Set<string>> {
  const version = mr.versions[0];
  const own = new Set([mr.mergeCommitSha, mr.squashCommitSha].filter((sha): sha is string => sha !== null));
  if (!version) return own;
  const { stdout } = await runGit(project.repoDir, ['rev-list', `${version.base_commit_sha}..${version.head_commit_sha}`], { okCodes: [128] });
  for (const sha of stdout.split('\n').filter(Boolean)) own.add(sha);
  return own;
}

/**
 * `GET /projects/:id/repository/commits`: the history of `ref_name` (default: the default branch), newest first,
 * narrowed by `path`, `since` and `until` (ISO 8601), paginated; an unknown ref is `[]`, as GitLab answers it.
 * `GET …/commits/:sha/merge_requests`: the merge requests of the project the commit belongs to (404 for no commit).
 */
export function commitListRoutes(state: FakeGitLabState, baseUrl: () => string): Router {
  const router = express.Router();
  router.get('/projects/:id/repository/commits', withProject(state, async (project, req, res) => {
    const since = text(req, 'since');
    const until = text(req, 'until');
    if ((since && Number.isNaN(Date.parse(since))) || (until && Number.isNaN(Date.parse(until)))) return badRequest(res, 'since is invalid');
    const tip = await resolveCommit(project.repoDir, text(req, 'ref_name') ?? 'main');
    if (!tip) return res.json(paginate(req, res, []));
    const path = text(req, 'path');
    const args = ['log', '--format=%H', ...(since ? [`--since=${since}`] : []), ...(until ? [`--until=${until}`] : []), tip, '--', ...(path ? [path] : [])];
    const shas = (await runGit(project.repoDir, args)).stdout.split('\n').filter(Boolean);
    const page = paginate(req, res, shas);
    const commits = await Promise.all(page.map((sha) => readCommit(project.repoDir, sha)));
    res.json(commits.flatMap((commit) => (commit ? [serializeCommit(commit, project, baseUrl())] : [])));
  }));

  router.get('/projects/:id/repository/commits/:sha/merge_requests', withProject(state, async (project, req, res) => {
    const sha = await resolveCommit(project.repoDir, String(req.params.sha));
    if (!sha) return notFound(res, 'Commit Not Found');
    const found: FakeMergeRequest[] = [];
    for (const mr of state.mergeRequests.values()) {
      if (mr.projectId === project.id && (await commitsOf(project, mr)).has(sha)) found.push(mr);
    }
    res.json(found.map((mr) => serializeMergeRequest(mr, project, baseUrl())));
  }));
  return router;
}
