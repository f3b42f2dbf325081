import type { Logger } from '../../logger.js';
import { reply, type Reply, type WebhookRouteDeps } from '../change-action.js';
import { commandOptions, dispatchChangeCommand, type CommandOptions } from '../dispatch-change-command.js';
import { allowsProject, NOT_ALLOWED_REASON, type AllowlistDeps } from '../project-allowlist.js';
import { decideGitLabNote } from './decide-note-action.js';
import { MergeRequestNoteEvent, NoteEnvelope } from './note-event.js';
import { InvalidPayloadError, parseWith } from './parse-gitlab-event.js';

/** What the note path needs of the GitLab route. */
export type GitLabNoteDeps = WebhookRouteDeps & AllowlistDeps & { commands?: CommandOptions | undefined };

/** `X-Gitlab-Event` values of a note (an internal note is a "Confidential Note Hook"). */
const NOTE_HEADERS: ReadonlySet<string> = new Set(['Note Hook', 'Confidential Note Hook']);

/**
 * A "Note Hook" (object_kind `note`): the project allowlist (202 ignored), then only notes on merge requests are
 * read (issues, commits, snippets: 202 ignored), parsed (400 naming the field), decided (decide-note-action.ts) and
 * dispatched to the change's review workflow: a command (signal-with-start), or a reply in a thread (a plain signal).
 */
export async function handleGitLabNote(body: unknown, eventHeader: string | undefined, deps: GitLabNoteDeps, log: Logger, ids: { deliveryId: string; dedupeId: string }): Promise<Reply> {
  try {
    if (eventHeader !== undefined && !NOTE_HEADERS.has(eventHeader)) throw new InvalidPayloadError(`X-Gitlab-Event "${eventHeader}" does not match object_kind "note"`);
    const envelope = parseWith(NoteEnvelope, body);
    const project = envelope.project?.path_with_namespace;
    if (project !== undefined && !allowsProject(deps.allowlist, project)) {
      log.info({ project }, 'project not allowed (GITLAB_ALLOWED_PROJECTS)');
      deps.onNotAllowed?.();
      return reply(202, { status: 'ignored', reason: NOT_ALLOWED_REASON });
    }
    const noteable = envelope.object_attributes.noteable_type;
    if (noteable !== 'MergeRequest') {
      return await dispatchChangeCommand({ kind: 'ignore', reason: `note on ${noteable ? `a ${noteable.slice(0, 40)}` : 'an unnamed object'} is not handled` }, deps, log, ids.dedupeId, 'gitlab');
    }
    const action = decideGitLabNote(parseWith(MergeRequestNoteEvent, body), { ...commandOptions(deps.commands), deliveryId: ids.deliveryId });
    return await dispatchChangeCommand(action, deps, log, ids.dedupeId, 'gitlab');
  } catch (error) {
    if (!(error instanceof InvalidPayloadError)) throw error;
    log.warn({ reason: error.reason }, 'malformed gitlab note payload');
    return reply(400, { error: error.message });
  }
}
