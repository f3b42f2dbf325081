import type { ChangedFile, ChangeSnapshot } from '../domain/change-snapshot.js';
import { positionInDiff } from '../domain/diff-position.js';
import type { Finding, ReviewResult } from '../domain/finding.js';
import { findingFingerprint, renderInlineComment, renderSummary } from '../domain/render.js';
import { reviewVerdict } from '../domain/review-verdict.js';
import type { Forge } from './forge.js';
import { postInlineComments, type PendingComment } from './post-inline-comments.js';

export interface PublishOutcome {
  /** False when the change moved on before publishing: the newer head gets its own review. */
  published: boolean;
  currentHeadSha: string;
  summaryCreated: boolean;
  inlinePosted: number;
  /** Already posted by an earlier review of this change (same fingerprint). */
  inlineAlreadyPresent: number;
  /** Not on a line the diff shows: listed in the summary instead. */
  unanchored: number;
  /** forgebot's threads resolved because the review found their issue fixed. */
  threadsResolved?: number;
}

function fileFor(snapshot: ChangeSnapshot, path: string): ChangedFile | undefined {
  return snapshot.files.find((file) => file.newPath === path || file.oldPath === path);
}

/** Posts a review result on the change: inline comments where the diff allows, then the summary note. */
export async function publishReview(forge: Forge, snapshot: ChangeSnapshot, result: ReviewResult): Promise<PublishOutcome> {
  const outcome: PublishOutcome = {
    published: false,
    currentHeadSha: snapshot.headSha,
    summaryCreated: false,
    inlinePosted: 0,
    inlineAlreadyPresent: 0,
    unanchored: 0,
  };
  if (snapshot.headSha !== result.headSha) return outcome;

  const alreadyPosted = await forge.postedFindingFingerprints(snapshot.ref);
  const refs = { baseSha: snapshot.baseSha, startSha: snapshot.startSha, headSha: snapshot.headSha };
  const unanchored: Finding[] = [];
  const pending: PendingComment[] = [];
  for (const finding of result.findings) {
    const file = fileFor(snapshot, finding.path);
    const position = file ? positionInDiff(file.diff, finding.line, finding.side) : undefined;
    if (!file || !position) {
      unanchored.push(finding);
      continue;
    }
    if (alreadyPosted.has(findingFingerprint(finding))) {
      outcome.inlineAlreadyPresent++;
      continue;
    }
    const startPosition = finding.startLine !== undefined ? positionInDiff(file.diff, finding.startLine, finding.side) : undefined;
    const target = { refs, oldPath: file.oldPath, newPath: file.newPath, position, ...(startPosition ? { startPosition } : {}) };
    pending.push({ finding, target, body: renderInlineComment(finding) });
    alreadyPosted.add(findingFingerprint(finding));
  }
  // A position the forge refuses keeps its finding, in the summary.
  const { posted, refused } = await postInlineComments(forge, snapshot.ref, pending, reviewVerdict(result));
  outcome.inlinePosted = posted;
  unanchored.push(...refused);
  outcome.unanchored = unanchored.length;
  outcome.threadsResolved = await resolveFixedThreads(forge, snapshot, result);
  const summary = renderSummary(result, { headSha: snapshot.headSha, unanchored, resolvedThreads: outcome.threadsResolved, forge: snapshot.ref.forge });
  outcome.summaryCreated = (await forge.upsertSummary(snapshot.ref, summary)).created;
  outcome.published = true;
  return outcome;
}

/** Resolves forgebot's own open threads whose findings this review reports fixed (read fresh: a person may have acted). */
async function resolveFixedThreads(forge: Forge, snapshot: ChangeSnapshot, result: ReviewResult): Promise<number> {
  const fixed = new Set(result.fixed ?? []);
  if (fixed.size === 0 || !forge.findingThreads || !forge.resolveThread) return 0;
  let resolved = 0;
  for (const thread of await forge.findingThreads(snapshot.ref)) {
    if (thread.resolved || !fixed.has(thread.fingerprint)) continue;
    await forge.resolveThread(snapshot.ref, thread.threadId);
    resolved++;
  }
  return resolved;
}
