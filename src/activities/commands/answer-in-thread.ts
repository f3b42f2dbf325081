import type { ChangeCommand } from '../../domain/change-command.js';
import type { ChangeRef } from '../../domain/change-ref.js';
import type { Conversation, RepositoryReader } from '../forge.js';

export type Talking = Pick<Conversation, 'replyInThread'> & Pick<RepositoryReader, 'postNote'>;

/**
 * Where a command is answered: in its thread when it has one (a GitLab discussion, a GitHub review thread); a GitHub
 * conversation comment gets a new comment that links it (GitHub has no threads there); else a plain note.
 */
export function answerPlace(ref: ChangeRef, command: Pick<ChangeCommand, 'noteId' | 'noteKind' | 'threadId'>): { thread: string } | { note: true } {
  if (command.threadId) return { thread: command.threadId };
  if (ref.forge === 'github') {
    const id = command.noteId.replace(/^(?:review|issue)-comment:/, '');
    return { thread: `${command.noteKind === 'review-comment' ? 'review-comment' : 'issue-comment'}:${id}` };
  }
  return { note: true };
}

export async function answerInThread(forge: Talking, ref: ChangeRef, command: Pick<ChangeCommand, 'noteId' | 'noteKind' | 'threadId'>, body: string): Promise<{ id: string }> {
  const place = answerPlace(ref, command);
  return 'thread' in place ? forge.replyInThread(ref, place.thread, body) : forge.postNote(ref, body);
}
