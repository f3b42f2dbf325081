import { ChangeCommand, ThreadReply, type NotePlace } from '../../domain/change-command.js';
import type { ChangeRef } from '../../domain/change-ref.js';
import { parseCommand } from '../../domain/command-parser.js';
import type { NoteAction } from '../dispatch-change-command.js';
import { replyBody } from '../reply-body.js';
import type { DiffPosition, MergeRequestNoteEvent } from './note-event.js';
import { parseWith } from './parse-gitlab-event.js';

export interface NoteDecideOptions {
  trigger: string;
  ownUserId: number | undefined;
  fromBots: boolean;
  deliveryId?: string;
}

/**
 * Bot users as GitLab names them (its hook payloads carry no bot flag): project and group access tokens'
 * (`project_42_bot`, `project_42_bot1`, `group_7_bot_<hex>`), service accounts (`service_account_…` by default) and
 * GitLab's own internal bots.
 */
const TOKEN_BOT = /^(?:project|group)_\d+_bot(?:\d+|_[0-9a-f]+)?$/i;
const SERVICE_ACCOUNT = /^service_account_/i;
const INTERNAL_BOTS: ReadonlySet<string> = new Set(['alert-bot', 'support-bot', 'visual-review-bot', 'ghost', 'automation-bot', 'security-bot', 'gitlab-security-bot', 'gitlab-admin-bot', 'gitlab-llm-bot', 'duo-code-review-bot']);

export function isGitLabBot(user: { username: string; bot?: boolean | undefined }): boolean {
  return user.bot === true || TOKEN_BOT.test(user.username) || SERVICE_ACCOUNT.test(user.username) || INTERNAL_BOTS.has(user.username.toLowerCase());
}

/** A note GitLab sends again because it was edited (`action: update`; without an action, a later `updated_at`). */
function edited(note: MergeRequestNoteEvent['object_attributes']): boolean {
  if (note.action !== undefined) return note.action !== 'create';
  return note.created_at !== undefined && note.updated_at !== undefined && note.created_at !== note.updated_at;
}

const lineOf = (end: { old_line?: number | null | undefined; new_line?: number | null | undefined } | null | undefined) => end?.new_line ?? end?.old_line ?? undefined;

/** A diff note's file and lines (a multi-line note: its range, new side first); a plain note is on the change. */
function placeOf(position: DiffPosition | null | undefined): NotePlace {
  const path = position?.new_path ?? position?.old_path;
  if (!position || !path) return { kind: 'change' };
  const line = lineOf(position.line_range?.end) ?? lineOf(position);
  const start = lineOf(position.line_range?.start);
  return { kind: 'diff', path, ...(line === undefined ? {} : { line }), ...(start !== undefined && line !== undefined && start < line ? { startLine: start } : {}) };
}

const isUrl = (value: string | undefined): value is string => value !== undefined && ChangeCommand.shape.noteUrl.safeParse(value).success;

/** The note types of a thread (GitLab's `type`): a note on diff lines, or one of a discussion (a reply, or its first). */
const THREAD_NOTE_TYPES: ReadonlySet<string> = new Set(['DiffNote', 'DiscussionNote']);

/**
 * What forgebot does about a note on a merge request. Pure: no I/O. Only a new note by a person (not forgebot, by
 * user id; not a bot unless `fromBots`) on an open merge request is one: a command when it holds one, else — when it
 * is a note of a thread (a diff note or a discussion note, with its discussion id) — a reply, which the review
 * workflow takes only in one of forgebot's finding threads (GitLab's payload does not say whether a note is the first
 * of its discussion, so every thread note goes). Anything else is ignored with its reason. What the author may do is
 * not decided here: the workflow checks it through the API.
 * Throws InvalidPayloadError when the note does not fit a ChangeCommand or a ThreadReply.
 */
export function decideGitLabNote(event: MergeRequestNoteEvent, options: NoteDecideOptions): NoteAction {
  const note = event.object_attributes;
  const ignore = (reason: string): NoteAction => ({ kind: 'ignore', reason });
  if (note.system === true) return ignore('system note');
  if (edited(note)) return ignore('note edited (only a new note is read for a command)');
  const authorId = event.user.id ?? note.author_id;
  if (options.ownUserId !== undefined && (authorId === options.ownUserId || note.author_id === options.ownUserId)) return ignore("forgebot's own note");
  if (!options.fromBots && isGitLabBot(event.user)) return ignore('note by a bot (COMMANDS_FROM_BOTS is off)');
  const command = parseCommand(note.note, options.trigger);
  const threadId = note.discussion_id && note.type && THREAD_NOTE_TYPES.has(note.type) ? note.discussion_id : undefined;
  if (command === undefined && threadId === undefined) return ignore('no command in the note');
  const state = event.merge_request.state;
  if (state === 'closed' || state === 'merged') return ignore(`merge request is ${state}`);
  if (authorId === undefined) return ignore('note names no author id');
  if (event.user.id !== undefined && note.author_id !== undefined && event.user.id !== note.author_id) return ignore('note sent by another user than its author');
  const ref: ChangeRef = { forge: 'gitlab', projectId: event.project.id, projectPath: event.project.path_with_namespace, number: event.merge_request.iid };
  const noted: Omit<ThreadReply, 'threadId' | 'body'> = {
    noteId: String(note.id),
    noteKind: 'note',
    place: placeOf(note.position),
    author: { id: authorId, username: event.user.username },
    ...(isUrl(note.url) ? { noteUrl: note.url } : {}),
    ...(note.created_at === undefined ? {} : { createdAt: note.created_at }),
    ...(options.deliveryId === undefined ? {} : { deliveryId: options.deliveryId }),
  };
  if (command !== undefined) {
    const candidate: ChangeCommand = { command, ...noted, ...(note.discussion_id ? { threadId: note.discussion_id } : {}) };
    return { kind: 'command', ref, command: parseWith(ChangeCommand, candidate) };
  }
  const body = replyBody(note.note);
  if (threadId === undefined) return ignore('no command in the note');
  if (body === undefined) return ignore('empty note');
  const candidate: ThreadReply = { ...noted, threadId, body };
  return { kind: 'reply', ref, reply: parseWith(ThreadReply, candidate) };
}
