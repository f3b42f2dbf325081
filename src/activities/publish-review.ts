import type { ChangedFile, ChangeSnapshot } from '../domain/change-snapshot.js';
import { positionInDiff } from '../domain/diff-position.js';
import type { Finding, ReviewResult } from '../domain/finding.js';
import { findingFingerprint, renderInlineComment, renderSummary } from '../domain/render.js';
import { ForgeError, type Forge } from './forge.js';

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
    try {
      const target = { refs, oldPath: file.oldPath, newPath: file.newPath, position };
      await forge.postInlineComment(snapshot.ref, target, renderInlineComment(finding));
      alreadyPosted.add(findingFingerprint(finding));
      outcome.inlinePosted++;
    } catch (error) {
      // The forge refused this one position: keep the finding, in the summary.
      if (!(error instanceof ForgeError && error.code === 'ERR_FORGE_INVALID')) throw error;
      unanchored.push(finding);
    }
  }
  outcome.unanchored = unanchored.length;
  const summary = renderSummary(result, { headSha: snapshot.headSha, unanchored });
  outcome.summaryCreated = (await forge.upsertSummary(snapshot.ref, summary)).created;
  outcome.published = true;
  return outcome;
}
