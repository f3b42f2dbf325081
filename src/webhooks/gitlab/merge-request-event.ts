import { z } from 'zod';

const sha = z.string().regex(/^[0-9a-f]{7,64}$/, 'must be a commit SHA');

/** A `changes` entry of an update: the value before and after. */
const Change = z.object({ previous: z.unknown(), current: z.unknown() });

/**
 * The fields of a GitLab "Merge Request Hook" (open, reopen, update) that a review needs;
 * other fields are not checked and are dropped.
 */
export const MergeRequestEvent = z.object({
  object_kind: z.literal('merge_request'),
  user: z.object({ username: z.string() }).optional(),
  project: z.object({ id: z.number().int().positive(), path_with_namespace: z.string().min(1) }),
  object_attributes: z.object({
    iid: z.number().int().positive(),
    title: z.string(),
    action: z.enum(['open', 'reopen', 'update']),
    source_branch: z.string(),
    target_branch: z.string(),
    url: z.string(),
    draft: z.boolean().optional(),
    work_in_progress: z.boolean().optional(),
    /** Present on an update only when commits were pushed (the previous head SHA). */
    oldrev: sha.optional(),
    last_commit: z.object({ id: sha }),
  }),
  changes: z.object({ draft: Change.optional(), work_in_progress: Change.optional() }).optional(),
});
export type MergeRequestEvent = z.infer<typeof MergeRequestEvent>;

/**
 * A close or merge needs only to identify the merge request. Group hooks may omit `project.id` and `iid`
 * (then `target_project_id` and the URL tell them).
 */
export const MergeRequestClosedEvent = z.object({
  object_kind: z.literal('merge_request'),
  project: z.object({ id: z.number().int().positive().optional(), path_with_namespace: z.string().min(1) }),
  object_attributes: z.object({
    action: z.enum(['close', 'merge']),
    iid: z.number().int().positive().optional(),
    target_project_id: z.number().int().positive().optional(),
    url: z.string().optional(),
    last_commit: z.object({ id: sha }).optional(),
  }),
});
export type MergeRequestClosedEvent = z.infer<typeof MergeRequestClosedEvent>;

/**
 * Any GitLab event: only its kind is read. System hooks for projects, users and groups carry `event_name`
 * instead of `object_kind`.
 */
export const GitLabEventEnvelope = z
  .object({ object_kind: z.string().min(1).optional(), event_name: z.string().min(1).optional() })
  .refine((event) => event.object_kind !== undefined || event.event_name !== undefined, {
    path: ['object_kind'],
    message: 'required (neither object_kind nor event_name is set)',
  });
export type GitLabEventEnvelope = z.infer<typeof GitLabEventEnvelope>;

/** A merge request event's action, which decides how strictly the rest is read. */
export const MergeRequestAction = z.object({ object_attributes: z.object({ action: z.string().optional() }) });
