import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { searchAttributes } from '../../workflows/definitions.js';
import { SENTRY_FIX_WORKFLOW_TYPE, sentrySearchAttributes } from '../../workflows/sentry-fix-definitions.js';
import type { AttemptActivities } from './contracts.js';

/** How long one visibility count may take. */
const COUNT_TIMEOUT_MS = 15_000;

/** A repository path as a visibility query's string literal (paths never need quoting; anything else is refused). */
function literal(repositoryPath: string): string {
  if (!/^[\w./-]{1,500}$/.test(repositoryPath)) {
    throw ApplicationFailure.create({ type: 'ERR_INVALID_REPOSITORY_PATH', message: `not a repository path: ${JSON.stringify(repositoryPath.slice(0, 100))}`, nonRetryable: true });
  }
  return `"${repositoryPath}"`;
}

/** The visibility query of a repository's fix attempts on one UTC day (`2025-06-01`). */
export function attemptsQuery(repositoryPath: string, day: string): string {
  return [
    `WorkflowType = "${SENTRY_FIX_WORKFLOW_TYPE}"`,
    `${searchAttributes.repository.name} = ${literal(repositoryPath)}`,
    `${sentrySearchAttributes.attemptDay.name} = "${day}"`,
  ].join(' AND ');
}

/**
 * The daily cap's count, through Temporal visibility: sentry-fix workflows (running or closed) of the repository
 * marked with today's ForgebotAttemptDay, which a workflow sets when its attempt passes the cap. Visibility is
 * eventually consistent: two attempts starting within a second of each other may both pass.
 */
export function createAttemptCountActivities(deps: { client: Pick<Client, 'workflow' | 'connection'>; now?: () => Date }): AttemptActivities {
  const now = deps.now ?? (() => new Date());
  return {
    async countFixAttemptsToday(repositoryPath: string): Promise<number> {
      const query = attemptsQuery(repositoryPath, now().toISOString().slice(0, 10));
      const { count } = await deps.client.connection.withDeadline(Date.now() + COUNT_TIMEOUT_MS, () => deps.client.workflow.count(query));
      return count;
    },
  };
}
