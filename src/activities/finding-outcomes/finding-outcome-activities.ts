import { createHash } from 'node:crypto';
import type { OutcomeRecord, NewLearning, ReviewMemoryStore } from '../../audit/memory/review-memory-store.js';
import type { ChangeRef } from '../../domain/change-ref.js';
import { SpecialistName } from '../../domain/specialist-name.js';
import type { FindingFeedback } from '../../workflows/definitions.js';
import { countFindingOutcomes } from '../../workers/metrics/finding-outcome-metrics.js';
import { withTypedFailures } from '../failures.js';
import type { ForgeRegistry } from '../forge-activities.js';
import type { Forge, FindingThread } from '../forge.js';
import { learningText } from './learning-proposal.js';
import { outcomeOf } from './outcome-of.js';
import { outcomePatterns, overlaps, PATTERN_AUTHOR, PATTERN_WINDOW_DAYS, patternLearningText } from './outcome-patterns.js';

export interface FindingOutcomesInput {
  reason: 'merged' | 'closed';
  /** The review workflow's status.findingFeedback: the latest word per finding. */
  feedback: FindingFeedback[];
}

export interface FindingOutcomesRecorded {
  findings: number;
  /** Rows written now (one per specialist of each finding); a retry writes none again. */
  recorded: number;
  /** From replies and from patterns in the repository's outcomes. */
  proposedLearnings: number;
}

/** A proposal's id from its source note: the same reply proposes the same learning, once. */
const proposalId = (ref: ChangeRef, noteId: string) => `p-${createHash('sha256').update(`${ref.forge}\u0000${ref.projectPath}\u0000${ref.number}\u0000${noteId}`).digest('hex').slice(0, 16)}`;

/** A pattern's learning id from its key: the same pattern in the same repository is the same proposal. */
const patternLearningId = (ref: ChangeRef, key: string) => `p-${createHash('sha256').update(`pattern\u0000${ref.forge}\u0000${ref.projectPath}\u0000${key}`).digest('hex').slice(0, 16)}`;

/**
 * The patterns this change's dismissals complete: the repository's recent outcomes of each (specialist, category) this
 * change dismissed (only a new dismissal can make a pattern clear), each clear pattern proposed once ever: not when
 * it, or one over an overlapping directory, was proposed before (even if that learning was removed since).
 */
async function proposePatterns(memory: ReviewMemoryStore, ref: ChangeRef, records: readonly OutcomeRecord[], now = new Date()): Promise<number> {
  const kinds = new Map(records.filter((record) => record.outcome === 'wont-fix' || record.outcome === 'false-positive').map((record) => [`${record.specialist}\u0000${record.category}`, { specialist: record.specialist, category: record.category }]));
  if (kinds.size === 0) return 0;
  const since = new Date(now.getTime() - PATTERN_WINDOW_DAYS * 86_400_000);
  const outcomes = await memory.kindOutcomes({ forge: ref.forge, repository: ref.projectPath, since, kinds: [...kinds.values()] });
  const patterns = outcomePatterns(outcomes);
  if (patterns.length === 0) return 0;
  const proposed = await memory.proposedPatterns({ forge: ref.forge, repository: ref.projectPath, specialists: [...new Set(patterns.map((pattern) => pattern.specialist))] });
  let added = 0;
  for (const pattern of patterns) {
    const before = proposed.some((earlier) => earlier.specialist === pattern.specialist && earlier.category === pattern.category && overlaps(earlier.pathPrefix, pattern.pathPrefix));
    if (before) continue;
    const specialist = SpecialistName.safeParse(pattern.specialist);
    const learning = await memory.proposePattern(
      { forge: ref.forge, repository: ref.projectPath, key: pattern.key, specialist: pattern.specialist, category: pattern.category, pathPrefix: pattern.pathPrefix },
      { id: patternLearningId(ref, pattern.key), repository: ref.projectPath, text: patternLearningText(pattern, ref.forge), sourceChange: pattern.latestChange, author: PATTERN_AUTHOR, status: 'proposed', ...(specialist.success ? { specialist: specialist.data } : {}) },
    );
    if (learning) added++;
  }
  return added;
}

/** The reply that gave `word`, read from forgebot's own thread (never from the workflow's history), as a proposal. */
async function proposal(forge: Forge, ref: ChangeRef, thread: FindingThread, word: FindingFeedback): Promise<NewLearning | undefined> {
  if ((word.disposition !== 'wont-fix' && word.disposition !== 'false-positive') || !forge.findingThread) return undefined;
  const notes = await forge.findingThread(ref, thread.threadId);
  const note = notes?.notes.find((candidate) => candidate.noteId === word.noteId && !candidate.byForgebot);
  const text = note ? learningText(note.body, thread, word.disposition) : undefined;
  if (!note || !text) return undefined;
  const only = thread.raisedBy.length === 1 ? thread.raisedBy[0] : undefined;
  const specialist = only !== undefined && only !== 'general' ? { specialist: only } : {};
  return { id: proposalId(ref, note.noteId), repository: ref.projectPath, text, sourceChange: ref.number, sourceNote: note.noteId, author: note.author, status: 'proposed', ...specialist };
}

/**
 * Review memory's activity: when a change is merged or closed, what became of each of forgebot's findings on it (its
 * own threads only: findingThreads reads the marker of notes forgebot's account wrote), one row per specialist that
 * raised it, counted in forgebot_finding_outcomes_total; and a won't fix / false positive reply with a reason proposed
 * as a learning, and so is a pattern this change completes in the repository's outcomes (many findings of one kind
 * dismissed across changes; outcome-patterns.ts); in effect only once a maintainer accepts them. Idempotent: a retry
 * writes, counts and proposes nothing twice.
 */
export function createFindingOutcomeActivities(deps: { forges: ForgeRegistry; memory: ReviewMemoryStore }) {
  return {
    async recordFindingOutcomes(ref: ChangeRef, input: FindingOutcomesInput): Promise<FindingOutcomesRecorded> {
      return withTypedFailures(async () => {
        const forge = deps.forges[ref.forge];
        if (!forge?.findingThreads) return { findings: 0, recorded: 0, proposedLearnings: 0 };
        const threads = await forge.findingThreads(ref);
        const words = new Map(input.feedback.map((entry) => [entry.fingerprint, entry]));
        const records: OutcomeRecord[] = threads.flatMap((thread) => {
          const outcome = outcomeOf(thread, words.get(thread.fingerprint)?.disposition);
          const base = { forge: ref.forge, repository: ref.projectPath, changeNumber: ref.number, fingerprint: thread.fingerprint, category: thread.category, severity: thread.severity, outcome, path: thread.path, title: thread.title };
          return [...new Set(thread.raisedBy)].map((specialist) => ({ ...base, specialist }));
        });
        const written = await deps.memory.recordOutcomes(records);
        countFindingOutcomes(written);
        const proposals: NewLearning[] = [];
        for (const thread of threads) {
          const word = words.get(thread.fingerprint);
          const proposed = word ? await proposal(forge, ref, thread, word) : undefined;
          if (proposed) proposals.push(proposed);
        }
        const added = await deps.memory.addLearnings(proposals);
        const fromPatterns = await proposePatterns(deps.memory, ref, records);
        return { findings: threads.length, recorded: written.length, proposedLearnings: added.length + fromPatterns };
      });
    },
  };
}

export type FindingOutcomeActivities = ReturnType<typeof createFindingOutcomeActivities>;
