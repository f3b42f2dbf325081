import { isCancellation, log, proxyActivities } from '@temporalio/workflow';
import type { FindingOutcomeActivities } from '../../activities/finding-outcomes/finding-outcome-activities.js';
import { PERMANENT_ERROR_TYPES } from '../../activities/permanent-errors.js';
import type { ChangeRef } from '../../domain/change-ref.js';
import type { FindingFeedback } from '../definitions.js';
import { failureReason } from '../failure-reason.js';

/**
 * Bounded: a handful of tries within about a minute, then the change's outcomes are given up (logged). A worker without
 * the activity (an older one in a rolling deploy, or a test's fakes) fails it at once (`NotFoundError`).
 */
const memory = proxyActivities<FindingOutcomeActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '20s', maximumAttempts: 4, nonRetryableErrorTypes: [...PERMANENT_ERROR_TYPES, 'NotFoundError'] },
});

/** Records what became of forgebot's findings on the change that just ended; a failure is logged, never the workflow's. */
export async function recordFindingOutcomesSafely(ref: ChangeRef, reason: 'merged' | 'closed', feedback: readonly FindingFeedback[]): Promise<void> {
  try {
    await memory.recordFindingOutcomes(ref, { reason, feedback: [...feedback] });
  } catch (error) {
    if (isCancellation(error)) throw error;
    log.warn('the finding outcomes of the change were not recorded', { reason: failureReason(error) });
  }
}
