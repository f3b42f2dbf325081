import { z } from 'zod';

/** The fields of a GitLab "Merge Request Hook" a review needs; other fields pass through unchecked. */
export const MergeRequestEvent = z.object({
  object_kind: z.literal('merge_request'),
  user: z.object({ username: z.string() }).optional(),
  project: z.object({ id: z.number().int().positive(), path_with_namespace: z.string().min(1) }),
  object_attributes: z.object({
    iid: z.number().int().positive(),
    title: z.string(),
    action: z.string().optional(),
    source_branch: z.string(),
    target_branch: z.string(),
    url: z.string(),
    draft: z.boolean().optional(),
    work_in_progress: z.boolean().optional(),
    oldrev: z.string().optional(),
    last_commit: z.object({ id: z.string().regex(/^[0-9a-f]{7,64}$/, 'must be a commit SHA') }),
  }),
});
export type MergeRequestEvent = z.infer<typeof MergeRequestEvent>;

/**
 * A close or merge needs only to identify the merge request. Group hooks may omit `project.id` and `iid`
 * (then the target project id and the URL tell them).
 */
export const MergeRequestClosedEvent = z.object({
  object_kind: z.literal('merge_request'),
  project: z.object({ id: z.number().int().positive().optional(), path_with_namespace: z.string().min(1) }),
  object_attributes: z.object({
    action: z.enum(['close', 'merge']),
    iid: z.number().int().positive().optional(),
    target_project_id: z.number().int().positive().optional(),
    url: z.string().optional(),
  }),
});
export type MergeRequestClosedEvent = z.infer<typeof MergeRequestClosedEvent>;

/** Any GitLab event: its kind, and for a merge request its action. */
export const GitLabEventEnvelope = z.object({
  object_kind: z.string().min(1),
  object_attributes: z.object({ action: z.string().optional() }).loose().optional(),
});
