import { proxyActivities } from '@temporalio/workflow';
import type { AuthorActivities } from '../../activities/author-activities.js';
import type { CommandActivities } from '../../activities/command-activities.js';
import type { ContributorActivities } from '../../activities/contributor-activities.js';
import type { ForgeActivities } from '../../activities/forge-activities.js';
import type { TicketActivities } from '../../activities/jira/ticket-contracts.js';
import type { RepositoryActivities } from '../../activities/sentry/contracts.js';
import { mainQueueRetry } from '../shared/activity-proxies.js';

// The ticket workflow's activities on the main task queue (the agents' are agentActivities, per run's settings).

/** Jira through its API (the ticket, its comments, a person's permission) and the plan's draft change. */
export const jira = proxyActivities<TicketActivities>(mainQueueRetry);
/** The branch heads (locateFiles with no paths), `.forgebot.yml`, pipelines. */
export const repository = proxyActivities<Pick<RepositoryActivities, 'locateFiles' | 'readRepositorySettings' | 'readPipeline'>>(mainQueueRetry);
/** The forge's write side: ready, merge, and the compensations (close, delete). */
export const author = proxyActivities<Pick<AuthorActivities, 'markWorkReady' | 'mergeWork' | 'closeWorkChange' | 'deleteWorkBranch'>>(mainQueueRetry);
export const forge = proxyActivities<Pick<ForgeActivities, 'readChangeState'>>(mainQueueRetry);
/** Who worked on the change: a merge gate needing two people keeps them from approving it. */
export const contributors = proxyActivities<ContributorActivities>(mainQueueRetry);
/** Answers in a thread on the change (a `/claude revise` note's), worded and made safe by the activity. */
export const threads = proxyActivities<Pick<CommandActivities, 'answerCommand'>>(mainQueueRetry);
