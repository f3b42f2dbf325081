import { ActivityCancellationType, proxyActivities } from '@temporalio/workflow';
import type { AgentActivities } from '../../activities/agent-activities.js';
import type { RunSettingsActivities } from '../../activities/run-settings-activities.js';
import { PERMANENT_ERROR_TYPES } from '../../activities/permanent-errors.js';
import type { RunSettings } from '../definitions.js';

/** Light activities on the main task queue: one retry policy for every forge, tracker and store call. */
export const mainQueueRetry = {
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 8, nonRetryableErrorTypes: PERMANENT_ERROR_TYPES },
} as const;

/** The worker's settings for this run of a workflow (read each time: a changed configuration reaches running workflows). */
export const runSettingsActivities = proxyActivities<RunSettingsActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 10 },
});

/** The agent activities on the agent task queue, with timeouts from this run's settings. */
export function agentActivities(settings: Pick<RunSettings, 'agentTaskQueue' | 'agentTimeoutMs' | 'agentHeartbeatTimeoutMs'>) {
  return proxyActivities<AgentActivities>({
    taskQueue: settings.agentTaskQueue,
    startToCloseTimeout: settings.agentTimeoutMs + 60_000,
    heartbeatTimeout: settings.agentHeartbeatTimeoutMs ?? 60_000,
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    retry: { initialInterval: '10s', backoffCoefficient: 2, maximumAttempts: 3, nonRetryableErrorTypes: PERMANENT_ERROR_TYPES },
  });
}
