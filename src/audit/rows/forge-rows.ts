import type { PublishOutcome } from '../../activities/publish-review.js';
import type { ChangeRef } from '../../domain/change-ref.js';
import type { AuditFact } from '../audit-event.js';
import { action, onChange, onRepository, type RowMappers } from './call.js';

/** A published review: the summary note (created or edited), the inline comments and the threads resolved — counts only. */
function publishedReview(ref: ChangeRef, outcome: PublishOutcome, findings?: number): AuditFact[] {
  if (!outcome.published) return [];
  const where = onChange(ref);
  const headSha = outcome.currentHeadSha;
  const rows = [action(outcome.summaryCreated ? 'summary-created' : 'summary-edited', where, { details: { headSha, findings } })];
  if (outcome.inlinePosted > 0) {
    rows.push(action('inline-comments-posted', where, { details: { count: outcome.inlinePosted, alreadyPresent: outcome.inlineAlreadyPresent, unanchored: outcome.unanchored, headSha } }));
  }
  if ((outcome.threadsResolved ?? 0) > 0) rows.push(action('threads-resolved', where, { details: { count: outcome.threadsResolved, headSha } }));
  return rows;
}

/** The review workflow's and the write path's forge activities. */
export const forgeRows = {
  publishReview: ({ args: [ref, result], result: outcome }) => publishedReview(ref, outcome, result.findings.length),
  publishStoredReview: ({ args: [ref], result: outcome }) => publishedReview(ref, outcome),
  reportFailure: ({ args: [ref, headSha] }) => [action('summary-edited', onChange(ref), { outcome: 'failure-reported', details: { headSha } })],
  publishWork: ({ args: [input], result }) => [
    action('branch-pushed', { ...onRepository(input.repo), ...onChange(result.change.ref) }, { details: { branch: result.branch, commitSha: result.commitSha, baseSha: input.baseSha } }),
    action('change-opened', onChange(result.change.ref), { url: result.change.webUrl, details: { number: result.change.ref.number, draft: true, sourceBranch: result.branch, targetBranch: input.targetBranch } }),
  ],
  deleteWorkBranch: ({ args: [repo, branch] }) => [action('branch-deleted', onRepository(repo), { details: { branch } })],
  markWorkReady: ({ args: [ref] }) => [action('change-marked-ready', onChange(ref))],
  mergeWork: ({ args: [ref, sha], result }) => [action('change-merged', onChange(ref), { details: { sha, mergeSha: result.mergeSha } })],
  closeWorkChange: ({ args: [ref] }) => [action('change-closed', onChange(ref))],
  postChangeNote: ({ args: [ref], result }) => [action('note-posted', onChange(ref), { details: { noteId: result.id } })],
} satisfies RowMappers;
