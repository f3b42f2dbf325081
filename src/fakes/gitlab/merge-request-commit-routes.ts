import express, { type Router } from 'express';
import { runGit } from './git-plumbing.js';
import { paginate } from './pagination.js';
import { withMergeRequest } from './route-helpers.js';
import { readCommit, serializeCommit } from './serialize-writes.js';
import type { FakeGitLabState } from './state.js';

/**
 * `GET /projects/:id/merge_requests/:iid/commits`: the commits of the latest diff version (base..head), newest first,
 * paginated, with the author and committer git recorded (a test sets them by pushing commits as someone); 404 for an
 * unknown project or merge request.
 */
export function mergeRequestCommitRoutes(state: FakeGitLabState, baseUrl: () => string): Router {
  const router = express.Router();
  router.get('/projects/:id/merge_requests/:iid/commits', withMergeRequest(state, async ({ project, mr }, req, res) => {
    const version = mr.versions[0];
    const range = version ? `${version.base_commit_sha}..${version.head_commit_sha}` : undefined;
    const shas = range ? (await runGit(project.repoDir, ['rev-list', range])).stdout.split('\n').filter(Boolean) : [];
    const page = paginate(req, res, shas);
    const commits = await Promise.all(page.map((sha) => readCommit(project.repoDir, sha)));
    res.json(commits.flatMap((commit) => (commit ? [serializeCommit(commit, project, baseUrl())] : [])));
  }));
  return router;
}
