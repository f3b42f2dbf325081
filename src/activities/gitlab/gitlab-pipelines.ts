import type { ChangeAuthor, PipelineState } from '../forge.js';
import type { GitLabContext } from './gitlab-context.js';

/**
 * GitLab's pipeline statuses as forgebot's states. Not started yet or waiting (for a runner, a resource, a schedule,
 * a person's manual action) is `pending`. `canceling` will end canceled. `skipped` (every job skipped) never proved
 * anything: it counts as `canceled`, not success (GitLab also refuses "pipelines must succeed" merges on it unless configured otherwise).
 */
export function pipelineState(status: string): PipelineState {
  switch (status) {
    case 'success':
      return 'success';
    case 'failed':
      return 'failed';
    case 'running':
      return 'running';
    case 'canceling':
    case 'canceled':
    case 'skipped':
      return 'canceled';
    case 'created':
    case 'waiting_for_resource':
    case 'preparing':
    case 'pending':
    case 'manual':
    case 'scheduled':
      return 'pending';
    default:
      return 'pending'; // a status newer than this list: not finished as far as we know
  }
}

/** The newest pipeline of a commit (`GET /projects/:id/pipelines?sha=`, newest first). */
export function createGitLabPipelines(ctx: GitLabContext): Pick<ChangeAuthor, 'pipelineStatus'> {
  return {
    async pipelineStatus(repo, sha) {
      return ctx.attempt(`reading the pipeline of ${sha.slice(0, 12)} in ${repo.projectPath}`, async () => {
        const [latest] = await ctx.api.Pipelines.all(repo.projectId, { sha, orderBy: 'id', sort: 'desc', perPage: 1, page: 1 });
        if (!latest) return { state: 'none' };
        return { state: pipelineState(latest.status), webUrl: latest.web_url };
      });
    },
  };
}
