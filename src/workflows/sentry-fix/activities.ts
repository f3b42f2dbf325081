import { proxyActivities } from '@temporalio/workflow';
import type { AuthorActivities } from '../../activities/author-activities.js';
import type { ContributorActivities } from '../../activities/contributor-activities.js';
import type { ForgeActivities } from '../../activities/forge-activities.js';
import type { AttemptActivities, RepositoryActivities, SentryActivities } from '../../activities/sentry/contracts.js';
import { mainQueueRetry } from '../shared/activity-proxies.js';

// The sentry-fix workflow's activities on the main task queue (the agent's are agentActivities, per run's settings).

/** The worker's Sentry settings: read like readRunSettings, quickly and often retried. */
export const sentrySettings = proxyActivities<Pick<SentryActivities, 'readSentryFixSettings'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 10 },
});
export const sentry = proxyActivities<Omit<SentryActivities, 'readSentryFixSettings'>>(mainQueueRetry);
export const repository = proxyActivities<RepositoryActivities>(mainQueueRetry);
export const attempts = proxyActivities<AttemptActivities>(mainQueueRetry);
export const author = proxyActivities<AuthorActivities>(mainQueueRetry);
export const forge = proxyActivities<Pick<ForgeActivities, 'readChangeState'>>(mainQueueRetry);
/** Who worked on the change: a merge gate needing two people keeps them from approving it. */
export const contributors = proxyActivities<ContributorActivities>(mainQueueRetry);
