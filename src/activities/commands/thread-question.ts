import type { AnswerQuestion, ThreadNote } from '../../domain/agent-task.js';
import type { ThreadReply } from '../../domain/change-command.js';
import type { FindingThreadNotes, ThreadNoteRecord } from '../forge.js';

/** The most notes of a thread the answerer reads (the newest), and the most characters of each. */
export const MAX_THREAD_NOTES = 50;
export const MAX_NOTE_CHARS = 5_000;
const MAX_FINDING_BODY_CHARS = 20_000;
const MAX_AUTHOR_CHARS = 100;
const MAX_TITLE_CHARS = 200;

/** forgebot's own hidden markers (`<!-- forgebot:summary -->`, `<!-- forgebot:finding:… -->`): records, not words. */
const MARKER = /<!-- forgebot:[a-z0-9:-]{1,80} -->/g;

/** A note's text as people read it: forgebot's markers removed, line endings as `\n`, cut to `max` characters. */
export function withoutMarkers(body: string, max: number): string {
  return body.replace(/\r\n?/g, '\n').replace(MARKER, '').trimEnd().slice(0, max);
}

const sameNote = (reply: Pick<ThreadReply, 'noteId'>) => {
  const id = reply.noteId.replace(/^(?:review|issue)-comment:/, '');
  return (note: ThreadNoteRecord) => note.noteId === id;
};

const toThreadNote = (note: Pick<ThreadNoteRecord, 'author' | 'byForgebot' | 'body'>): ThreadNote => ({
  author: note.author.slice(0, MAX_AUTHOR_CHARS),
  byForgebot: note.byForgebot,
  body: withoutMarkers(note.body, MAX_NOTE_CHARS),
});

/**
 * The answerer's question for a reply in one of forgebot's finding threads: the finding as forgebot recorded it (its
 * first note's text is `finding.body`, so the thread holds only what was said after it), and the newest notes, the
 * reply itself last — taken from the webhook's copy when the forge does not list it yet.
 */
export function threadQuestion(found: FindingThreadNotes, reply: Pick<ThreadReply, 'noteId' | 'author' | 'body'>): Extract<AnswerQuestion, { kind: 'reply' }> {
  const [first, ...after] = found.notes;
  const isReply = sameNote(reply);
  const listed = after.find(isReply);
  const own = toThreadNote(listed ?? { author: reply.author.username, byForgebot: false, body: reply.body });
  const earlier = after.filter((note) => !isReply(note)).slice(-(MAX_THREAD_NOTES - 1)).map(toThreadNote);
  const { fingerprint, path, line, severity, category, title } = found.finding;
  return {
    kind: 'reply',
    finding: { fingerprint, path, line, severity, category, title: title.slice(0, MAX_TITLE_CHARS), body: withoutMarkers(first?.body ?? '', MAX_FINDING_BODY_CHARS) },
    thread: [...earlier, own],
  };
}
