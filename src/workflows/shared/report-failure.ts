import { log } from '@temporalio/workflow';
import { failureReason } from '../failure-reason.js';

/** Tells people on the subject why the work failed; a failure to tell them is logged, never fatal. */
export async function reportFailureSafely(report: () => Promise<unknown>): Promise<void> {
  await report().catch((reportError: unknown) => {
    log.warn('could not report the failure on the subject', { reason: failureReason(reportError) });
  });
}
