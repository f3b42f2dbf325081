import { z } from 'zod';

const id = z.number().int().positive();
const line = z.number().int().positive().nullable().optional();

/** Any "Note Hook": what it is on (`MergeRequest`, `Issue`, `Commit`, `Snippet`) and its project, nothing more. */
export const NoteEnvelope = z.object({
  object_kind: z.literal('note'),
  project: z.object({ path_with_namespace: z.string().min(1) }).optional(),
  object_attributes: z.object({ noteable_type: z.string().optional() }),
});
export type NoteEnvelope = z.infer<typeof NoteEnvelope>;

/** One end of a multi-line diff note's range (`position.line_range`). */
const LineRangeEnd = z.object({ old_line: line, new_line: line });

/** Where a diff note is: the file (new or old path) and the line (new side, or old side for a removed line). */
const DiffPosition = z.object({
  position_type: z.string().optional(),
  old_path: z.string().nullable().optional(),
  new_path: z.string().nullable().optional(),
  old_line: line,
  new_line: line,
  line_range: z.object({ start: LineRangeEnd, end: LineRangeEnd }).nullable().optional(),
});
export type DiffPosition = z.infer<typeof DiffPosition>;

/**
 * The fields of a note on a merge request that a command needs; other fields are not checked and are dropped.
 * `user` is who triggered the hook (for a new note, its author); `author_id` is the note's author. GitLab's hook
 * user has no bot flag (the API's `bot` is read when a payload carries it).
 */
export const MergeRequestNoteEvent = z.object({
  object_kind: z.literal('note'),
  user: z.object({ id: id.optional(), username: z.string().min(1), bot: z.boolean().optional() }),
  project: z.object({ id, path_with_namespace: z.string().min(1) }),
  object_attributes: z.object({
    id,
    note: z.string(),
    noteable_type: z.literal('MergeRequest'),
    author_id: id.optional(),
    /** `create` or `update` (GitLab 16.11+; older versions send no action and no hook for an edit). */
    action: z.string().optional(),
    system: z.boolean().optional(),
    /** `DiffNote`, `DiscussionNote`, or null for a plain note. */
    type: z.string().nullable().optional(),
    discussion_id: z.string().nullable().optional(),
    position: DiffPosition.nullable().optional(),
    created_at: z.string().optional(),
    updated_at: z.string().optional(),
    url: z.string().optional(),
  }),
  merge_request: z.object({ iid: id, state: z.string().optional() }),
});
export type MergeRequestNoteEvent = z.infer<typeof MergeRequestNoteEvent>;
