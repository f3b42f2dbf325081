import { createHash } from 'node:crypto';
import { hasAccess, type AccessLevel } from '../../domain/access-level.js';
import type { ChangeCommand } from '../../domain/change-command.js';
import type { ChangeRef } from '../../domain/change-ref.js';
import { parseLearnArgument, type LearnRequest } from '../../domain/learn-command.js';
import type { SpecialistName } from '../../domain/specialist-name.js';
import { COMMAND_NOTE_PREFIX, type Learning, type ReviewMemoryStore } from '../../audit/memory/review-memory-store.js';
import { DEFAULT_LEARNING_EXPIRY_DAYS, typedLearningText } from '../finding-outcomes/learning-proposal.js';

/** A learning as an answer shows it (and the workflow's history carries it): dates as ISO text. */
export interface LearningView {
  id: string;
  status: Learning['status'];
  text: string;
  author: string;
  specialist?: SpecialistName;
  acceptedBy?: string;
  expiresAt?: string;
}

/** `learn list` shows at most this many (newest first); the CLI shows them all. */
export const LISTED_LEARNINGS = 20;

/** What a `/claude learn` command did. */
export type LearnOutcome =
  /** No audit database (AUDIT_STORE=off): nothing is remembered. */
  | { kind: 'not-enabled' }
  | { kind: 'unclear'; reason: string }
  /** A decision by someone without the gates' access (the workflow refuses it first; this is the activity's own check). */
  | { kind: 'refused'; needed: AccessLevel; level: AccessLevel }
  /** A new learning: accepted at once (its author has the gates' access) or proposed. */
  | { kind: 'added'; learning: LearningView }
  | { kind: 'accepted'; learning: LearningView }
  | { kind: 'removed'; learning: LearningView }
  /** No learning of that id in this repository (another repository's is not this one's maintainers' to decide). */
  | { kind: 'not-found'; id: string }
  | { kind: 'listed'; learnings: LearningView[]; total: number };

const view = (entry: Learning): LearningView => ({
  id: entry.id,
  status: entry.status,
  text: entry.text,
  author: entry.author,
  ...(entry.specialist ? { specialist: entry.specialist } : {}),
  ...(entry.acceptedBy !== undefined ? { acceptedBy: entry.acceptedBy } : {}),
  ...(entry.expiresAt ? { expiresAt: entry.expiresAt.toISOString() } : {}),
});

/** A command's learning id from its note (`l-` and 10 hex digits, as the CLI's): a retried activity adds it once. */
export const commandLearningId = (ref: ChangeRef, command: Pick<ChangeCommand, 'noteKind' | 'noteId'>): string =>
  `l-${createHash('sha256').update(`learn\u0000${ref.forge}\u0000${ref.projectPath}\u0000${ref.number}\u0000${command.noteKind}\u0000${command.noteId}`).digest('hex').slice(0, 10)}`;

const expiry = (now: Date) => new Date(now.getTime() + DEFAULT_LEARNING_EXPIRY_DAYS * 86_400_000);

async function add(memory: ReviewMemoryStore, ref: ChangeRef, command: ChangeCommand, request: Extract<LearnRequest, { action: 'add' }>, maintainer: boolean, now: Date): Promise<LearnOutcome> {
  const typed = typedLearningText(request.text);
  if (!typed.ok) return { kind: 'unclear', reason: `a learning holds 1 to 500 characters (this one has ${typed.length}).` };
  const id = commandLearningId(ref, command);
  const by = command.author.username;
  const [added] = await memory.addLearnings([
    {
      id,
      repository: ref.projectPath,
      text: typed.text,
      sourceChange: ref.number,
      sourceNote: `${COMMAND_NOTE_PREFIX}${command.noteKind}:${command.noteId}`,
      author: by,
      ...(request.specialist ? { specialist: request.specialist } : {}),
      ...(maintainer ? { status: 'accepted', acceptedBy: by, expiresAt: expiry(now) } : { status: 'proposed' }),
    },
  ]);
  // A retry after a lost completion: the first attempt added it.
  const stored = added ?? (await memory.getLearning(id));
  return stored ? { kind: 'added', learning: view(stored) } : { kind: 'not-found', id };
}

/**
 * `/claude learn …` on a change, its author's access (`accessLevel`, read through the forge's API by
 * checkCommandAccess) already enough for the action: a learning for the change's repository, accepted at once when the
 * author has the gates' access (`approveAccess`, COMMAND_APPROVE_ACCESS) and proposed otherwise; a decision on one of
 * the repository's learnings (accept renews its expiry); or the list. Another repository's learning is never found.
 */
export async function learnFromCommand(input: {
  memory: ReviewMemoryStore | undefined;
  ref: ChangeRef;
  command: ChangeCommand;
  accessLevel: AccessLevel;
  approveAccess: AccessLevel;
  now?: Date;
}): Promise<LearnOutcome> {
  const { memory, ref, command, accessLevel, approveAccess } = input;
  const now = input.now ?? new Date();
  if (!memory) return { kind: 'not-enabled' };
  const request = parseLearnArgument(command.command.argument);
  const maintainer = hasAccess(accessLevel, approveAccess);
  switch (request.action) {
    case 'unclear':
      return { kind: 'unclear', reason: request.reason };
    case 'list': {
      const learnings = await memory.listLearnings({ repository: ref.projectPath });
      return { kind: 'listed', learnings: learnings.slice(0, LISTED_LEARNINGS).map(view), total: learnings.length };
    }
    case 'add':
      return add(memory, ref, command, request, maintainer, now);
    case 'accept':
    case 'remove': {
      if (!maintainer) return { kind: 'refused', needed: approveAccess, level: accessLevel };
      const entry = await memory.getLearning(request.id);
      if (!entry || entry.repository !== ref.projectPath) return { kind: 'not-found', id: request.id };
      if (request.action === 'remove') {
        await memory.removeLearning(entry.id);
        return { kind: 'removed', learning: view(entry) };
      }
      const accepted = await memory.acceptLearning(entry.id, command.author.username, expiry(now));
      return accepted ? { kind: 'accepted', learning: view(accepted) } : { kind: 'not-found', id: request.id };
    }
  }
}
