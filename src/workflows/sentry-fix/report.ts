import { isCancellation, log } from '@temporalio/workflow';
import type { SentryReport } from '../../activities/sentry/contracts.js';
import { failureReason } from '../failure-reason.js';
import type { SentryFixInput, SentryFixStatus } from '../sentry-fix-definitions.js';
import { sentry } from './activities.js';

/**
 * Says something on the Sentry issue (a comment). A comment that cannot be posted (after its retries) is noted in the
 * status and logged, never fatal: the run's own outcome stands. A cancellation is not swallowed.
 */
export async function reportSafely(run: { input: SentryFixInput; status: SentryFixStatus }, report: SentryReport): Promise<void> {
  const { org, issueId } = run.input.subject;
  try {
    await sentry.postSentryReport({ org, issueId, report });
  } catch (error) {
    if (isCancellation(error)) throw error;
    const reason = failureReason(error);
    run.status.lastError = `could not post the ${report.kind} report on Sentry: ${reason}`;
    log.warn('could not post a report on the Sentry issue', { kind: report.kind, reason });
  }
}
