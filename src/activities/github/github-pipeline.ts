import type { PipelineState, PipelineStatus } from '../forge.js';
import type { Repo } from './github-context.js';
import type { GitHubOctokit } from './github-octokit.js';

/** The fields of a check run (`GET /commits/{ref}/check-runs`) that decide its state. */
export interface CheckRunState {
  status: string;
  conclusion: string | null;
  html_url?: string | null;
}

/** One check run's state: queued/waiting → pending, in_progress → running, then by conclusion. */
export function checkRunState(run: CheckRunState): PipelineState {
  if (run.status === 'in_progress') return 'running';
  if (run.status !== 'completed') return 'pending'; // queued, requested, waiting, pending
  switch (run.conclusion) {
    case 'success':
    case 'neutral':
    case 'skipped':
      return 'success';
    case 'cancelled':
    case 'stale':
      return 'canceled';
    default:
      return 'failed'; // failure, timed_out, action_required, startup_failure
  }
}

/** The combined commit status (`GET /commits/{ref}/status`): no contexts at all is no pipeline, not `pending`. */
export function combinedStatusState(combined: { state: string; total_count: number }): PipelineState | undefined {
  if (combined.total_count === 0) return undefined;
  return combined.state === 'success' ? 'success' : combined.state === 'pending' ? 'pending' : 'failed';
}

const PRECEDENCE: PipelineState[] = ['failed', 'running', 'pending', 'canceled', 'success'];

/** Checks and statuses together: any failure fails; else anything running, then waiting; all green is success. */
export function combinePipelineStates(states: PipelineState[]): PipelineState {
  return PRECEDENCE.find((state) => states.includes(state)) ?? 'none';
}

/** Check runs (every page; GitHub lists the latest run per name) and the combined status of one commit. */
export async function commitPipelineStatus(api: GitHubOctokit, repo: Repo, sha: string): Promise<PipelineStatus> {
  const [runs, { data: combined }] = await Promise.all([
    api.paginate(api.rest.checks.listForRef, { ...repo, ref: sha, per_page: 100 }),
    api.rest.repos.getCombinedStatusForRef({ ...repo, ref: sha, per_page: 100 }),
  ]);
  const runStates = runs.map((run) => ({ run, state: checkRunState(run) }));
  const statusState = combinedStatusState(combined);
  const state = combinePipelineStates([...runStates.map((entry) => entry.state), ...(statusState ? [statusState] : [])]);
  // The page a person would open: the first check run in the deciding state, else a status's target.
  const deciding = runStates.find((entry) => entry.state === state)?.run.html_url ?? combined.statuses.find((status) => status.target_url)?.target_url;
  return { state, ...(deciding ? { webUrl: deciding } : {}) };
}
