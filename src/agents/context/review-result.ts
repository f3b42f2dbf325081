// What the single-reviewer and the multi-specialist paths of runReview share when they build their ReviewResult.
import type { ReviewTask } from '../../domain/agent-task.js';
import type { Finding, NotReviewedFile, ReviewedFinding, ReviewResult, StopCause, TokenUsage } from '../../domain/finding.js';
import type { SubmittedReview } from '../roles/reviewer/role.js';
import type { FinalFindings } from './finalize-findings.js';
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

/** What either path found and spent, to become its ReviewResult. */
export interface ResultParts<F extends ReviewedFinding> {
  task: ReviewTask;
  scope: ReviewScope;
  summary: string;
  final: FinalFindings<F>;
  /** The findings to post (the final ones, or what validation kept of them). */
  findings: readonly F[];
  usage: TokenUsage;
  costUsd: number | undefined;
  /** Set when a cap left some file reviewed by no one. */
  stoppedBy: StopCause | undefined;
  filesReviewed: number;
  notReviewed: NotReviewedFile[];
  notices: readonly string[];
  redact: (text: string) => string;
}

/** The fields every review result has, redacted and capped (a multi-specialist review adds its reports). */
export function reviewResultOf<F extends ReviewedFinding>(parts: ResultParts<F>): ReviewResult {
  const { task, scope, final, redact } = parts;
  const related = task.review?.related;
  return {
    headSha: task.repository.headSha,
    summary: redact(parts.summary).slice(0, MAX_SUMMARY_CHARS),
    findings: parts.findings.map((finding) => redactFinding(finding, redact)),
    model: task.model,
    usage: parts.usage,
    truncated: parts.stoppedBy !== undefined,
    ...(parts.costUsd !== undefined ? { costUsd: parts.costUsd } : {}),
    ...(parts.stoppedBy ? { stoppedBy: parts.stoppedBy } : {}),
    filesReviewed: parts.filesReviewed,
    notReviewed: capList(parts.notReviewed),
    hidden: final.hidden,
    checks: final.checks,
    ...(scope.incrementalFrom ? { incrementalFrom: scope.incrementalFrom } : {}),
    fixed: final.fixed,
    carriedForward: final.carriedForward,
    notRaisedAgain: final.notRaisedAgain,
    notices: parts.notices.map(redact).slice(0, 50),
    ...(related ? { related } : {}),
  };
}
