// What the single-reviewer and the multi-specialist paths of runReview share when they build their ReviewResult.
import type { Finding, NotReviewedFile, StopCause } from '../../domain/finding.js';
import type { SubmittedReview } from '../roles/reviewer/role.js';
import type { ReviewScope } from './scope.js';

export const MAX_SUMMARY_CHARS = 19_000;
/** Files listed by name in the result (it travels through workflow history); the rest are counted in one entry. */
const MAX_LISTED_FILES = 5_000;

export const stoppedText: Record<StopCause, string> = {
  turns: 'the turn limit',
  tokens: 'the token budget',
  cost: 'the cost budget',
  'no-tool-call': 'the model ending without submitting',
};

export function capList(files: NotReviewedFile[]): NotReviewedFile[] {
  if (files.length <= MAX_LISTED_FILES) return files;
  const rest = files.length - MAX_LISTED_FILES;
  return [...files.slice(0, MAX_LISTED_FILES), { path: `… ${rest} more files`, reason: `not reviewed (the list stops at ${MAX_LISTED_FILES} names)` }];
}

/** A finding with its free text passed through `redact` (secrets never leave the runner). */
export function redactFinding<F extends Finding>(finding: F, redact: (text: string) => string): F {
  return {
    ...finding,
    title: redact(finding.title),
    body: redact(finding.body),
    ...(finding.suggestion !== undefined ? { suggestion: redact(finding.suggestion) } : {}),
  };
}

/** One reviewer's summary of the review: the model's (per batch when there were several), or why there is none. */
export function summaryOf(submitted: readonly SubmittedReview[], stoppedBy: StopCause | undefined, turns: number, batches: number, scope: ReviewScope): string {
  if (batches === 0) {
    return scope.incrementalFrom
      ? 'The new commits change nothing this review looks at (see the files listed below, if any).'
      : 'Nothing to review: every changed file is of a kind that is not reviewed (listed below).';
  }
  if (submitted.length === 0) return `The review stopped at ${stoppedText[stoppedBy ?? 'turns']} before the reviewer submitted its findings (${turns} turns).`;
  if (submitted.length === 1) return submitted[0]?.summary ?? '';
  return submitted.map((part, index) => `**Part ${index + 1} of ${batches}.** ${part.summary}`).join('\n\n');
}
