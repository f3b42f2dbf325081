import type { FeedbackDisposition } from '../../domain/agent-task.js';
import type { FindingOutcome } from '../../domain/review-memory.js';
import type { FindingThread } from '../forge.js';

/**
 * What became of one of forgebot's findings when its change was merged or closed, from its thread and the latest word
 * people gave on it (the review workflow's findingFeedback):
 * - resolved by forgebot (a later review found it fixed): `fixed`;
 * - marked won't fix / false positive: that (even when someone then resolved the thread: the word says why);
 * - resolved by a person, or a person said they fixed it: `resolved`;
 * - anything else (open, disputed, asked about): `ignored`.
 */
export function outcomeOf(thread: Pick<FindingThread, 'resolved' | 'resolvedByForgebot'>, word: FeedbackDisposition | undefined): FindingOutcome {
  if (thread.resolved && thread.resolvedByForgebot === true) return 'fixed';
  if (word === 'wont-fix' || word === 'false-positive') return word;
  if (thread.resolved || word === 'fixed') return 'resolved';
  return 'ignored';
}
