import { ChangeCommand, type NotePlace } from '../../domain/change-command.js';
import { parseCommand } from '../../domain/command-parser.js';
import type { NoteAction } from '../dispatch-change-command.js';
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

/**
 * What forgebot does about a note on a merge request. Pure: no I/O. Only a new note by a person (not forgebot, by
 * user id; not a bot unless `fromBots`) on an open merge request, holding a command, is one; anything else is ignored
 * with its reason. What the author may do is not decided here: the workflow checks it through the API.
 * Throws InvalidPayloadError when the note does not fit a ChangeCommand.
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
  if (command === undefined) return ignore('no command in the note');
  const state = event.merge_request.state;
  if (state === 'closed' || state === 'merged') return ignore(`merge request is ${state}`);
  if (authorId === undefined) return ignore('note names no author id');
  if (event.user.id !== undefined && note.author_id !== undefined && event.user.id !== note.author_id) return ignore('note sent by another user than its author');
  const candidate: ChangeCommand = {
    command,
    noteId: String(note.id),
    noteKind: 'note',
    ...(note.discussion_id ? { threadId: note.discussion_id } : {}),
    place: placeOf(note.position),
    author: { id: authorId, username: event.user.username },
    ...(isUrl(note.url) ? { noteUrl: note.url } : {}),
    ...(note.created_at === undefined ? {} : { createdAt: note.created_at }),
    ...(options.deliveryId === undefined ? {} : { deliveryId: options.deliveryId }),
  };
  return {
    kind: 'command',
    ref: { forge: 'gitlab', projectId: event.project.id, projectPath: event.project.path_with_namespace, number: event.merge_request.iid },
    command: parseWith(ChangeCommand, candidate),
  };
}
