import express, { type Router } from 'express';
import { example } from './examples.js';
import { gitWith } from './git-objects.js';
import { paginate } from './pagination.js';
import { fail, jsonBody, withRepo } from './route-helpers.js';
import { iso, repositoryJson } from './serialize.js';
import type { FakeCheckRun, FakeCommitStatus, FakeGitHubState, FakeRepository } from './state.js';

type Json = Record<string, unknown>;
const STATES = new Set(['error', 'failure', 'pending', 'success']);

/** A SHA, branch or tag of the repository as the commit it names, or undefined. */
async function commitOf(repo: FakeRepository, ref: string): Promise<string | undefined> {
  if (ref.startsWith('-')) return undefined;
  return gitWith(repo.repoDir, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).then((sha) => sha.trim() || undefined, () => undefined);
}

function checkRunJson(run: FakeCheckRun, apiUrl: string): Json {
  const fullName = `${run.repo.owner}/${run.repo.name}`;
  const shape = example('check-run');
  return {
    ...shape,
    id: run.id,
    node_id: `CR_${run.id.toString(36)}`,
    head_sha: run.headSha,
    name: run.name,
    status: run.status,
    conclusion: run.conclusion,
    url: `${apiUrl}/repos/${fullName}/check-runs/${run.id}`,
    html_url: `https://github.com/${fullName}/runs/${run.id}`,
    completed_at: run.status === 'completed' ? shape.completed_at : null,
    pull_requests: [],
  };
}

function statusJson(status: FakeCommitStatus, apiUrl: string): Json {
  return {
    ...example('status'),
    id: status.id,
    node_id: `SC_${status.id.toString(36)}`,
    url: `${apiUrl}/repos/${status.repo.owner}/${status.repo.name}/statuses/${status.sha}`,
    state: status.state,
    context: status.context,
    target_url: status.targetUrl,
    created_at: status.createdAt,
    updated_at: status.createdAt,
  };
}

/** The latest status of each context on `sha`, and GitHub's combined state of them. */
export function combinedStatus(state: FakeGitHubState, repo: FakeRepository, sha: string): { state: string; statuses: FakeCommitStatus[] } {
  const latest = new Map<string, FakeCommitStatus>();
  for (const status of state.statuses) if (status.repo === repo && status.sha === sha) latest.set(status.context, status);
  const statuses = [...latest.values()];
  const combined = statuses.some((s) => s.state === 'error' || s.state === 'failure') ? 'failure' : statuses.length === 0 || statuses.some((s) => s.state === 'pending') ? 'pending' : 'success';
  return { state: combined, statuses };
}

/** Checks (`commits/{ref}/check-runs`, read-only: the runs are the tests' to set) and commit statuses. */
export function checkRoutes(state: FakeGitHubState, apiUrl: () => string): Router {
  const router = express.Router();

  router.get(
    '/repos/:owner/:repo/commits/:ref/check-runs',
    withRepo(state, { name: 'checks', write: false }, async ({ repo }, req, res) => {
      const sha = await commitOf(repo, String(req.params.ref));
      if (!sha) return fail(res, 422, `No commit found for SHA: ${String(req.params.ref)}`);
      const runs = state.checkRuns.filter((run) => run.repo === repo && run.headSha === sha);
      res.json({ total_count: runs.length, check_runs: paginate(req, res, runs).map((run) => checkRunJson(run, apiUrl())) });
    }),
  );

  router.get(
    '/repos/:owner/:repo/commits/:ref/status',
    withRepo(state, { name: 'statuses', write: false }, async ({ repo }, req, res) => {
      const sha = await commitOf(repo, String(req.params.ref));
      if (!sha) return fail(res, 404, 'Not Found');
      const combined = combinedStatus(state, repo, sha);
      const base = `${apiUrl()}/repos/${repo.owner}/${repo.name}`;
      res.json({
        ...example('combined-commit-status'),
        state: combined.state,
        statuses: combined.statuses.map((status) => statusJson(status, apiUrl())),
        sha,
        total_count: combined.statuses.length,
        repository: repositoryJson(repo, apiUrl()),
        commit_url: `${base}/commits/${sha}`,
        url: `${base}/commits/${sha}/status`,
      });
    }),
  );

  router.post(
    '/repos/:owner/:repo/statuses/:sha',
    withRepo(state, { name: 'statuses', write: true }, async ({ repo }, req, res) => {
      const body = jsonBody(req);
      if (!body) return fail(res, 400, 'Problems parsing JSON');
      const sha = String(req.params.sha);
      if (!/^[0-9a-f]{40}$/.test(sha) || (await commitOf(repo, sha)) !== sha) return fail(res, 422, `No commit found for SHA: ${sha}`);
      if (typeof body.state !== 'string' || !STATES.has(body.state)) return fail(res, 422, 'Validation Failed', [{ resource: 'Status', field: 'state', code: 'custom', message: 'state is not included in the list' }]);
      const status: FakeCommitStatus = {
        id: state.id(), repo, sha, context: typeof body.context === 'string' ? body.context : 'default', state: body.state as FakeCommitStatus['state'],
        targetUrl: typeof body.target_url === 'string' ? body.target_url : null, createdAt: iso(Date.now()),
      };
      state.statuses.push(status);
      res.status(201).json(statusJson(status, apiUrl()));
    }),
  );
  return router;
}
