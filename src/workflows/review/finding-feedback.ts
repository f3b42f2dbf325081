import type { ChangeState } from '../../activities/forge-activities.js';
import type { FeedbackDisposition } from '../../domain/agent-task.js';
import type { FindingFeedback } from '../definitions.js';

/** The most findings whose feedback a review workflow keeps (the latest word on each). */
const MAX_FEEDBACK = 500;

/** What keeps a finding from being raised again on this change. */
const DISMISSING: ReadonlySet<FeedbackDisposition> = new Set(['wont-fix', 'false-positive']);

/**
 * What people said of forgebot's findings in their threads, the latest word per finding (a later "actually, fix it"
 * replaces an earlier "won't fix"). Kept in the workflow's status and carried across continue-as-new.
 */
export class FindingFeedbackBook {
  constructor(private readonly entries: FindingFeedback[]) {}

  record(entry: FindingFeedback): void {
    const at = this.entries.findIndex((earlier) => earlier.fingerprint === entry.fingerprint);
    if (at >= 0) this.entries.splice(at, 1);
    this.entries.push(entry);
    if (this.entries.length > MAX_FEEDBACK) this.entries.splice(0, this.entries.length - MAX_FEEDBACK);
  }

  /** Fingerprints of the findings people marked won't fix or false positive. */
  dismissed(): string[] {
    return this.entries.filter((entry) => DISMISSING.has(entry.disposition)).map((entry) => entry.fingerprint);
  }

  all(): FindingFeedback[] {
    return [...this.entries];
  }
}

/**
 * The change as the reviewer should see it: findings people dismissed count as resolved (never raised again) and are
 * no longer open earlier findings. The same object when nothing was dismissed.
 */
export function withDismissedFindings(change: ChangeState, dismissed: readonly string[]): ChangeState {
  if (dismissed.length === 0 || !change.review) return change;
  const gone = new Set(dismissed);
  const { review } = change;
  return {
    ...change,
    review: {
      ...review,
      priorFindings: review.priorFindings.filter((prior) => !gone.has(prior.fingerprint)),
      resolvedFingerprints: [...new Set([...review.resolvedFingerprints, ...dismissed])].slice(0, 5_000),
    },
  };
}
