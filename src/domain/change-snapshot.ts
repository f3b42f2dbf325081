import { z } from 'zod';
import { ChangeRef } from './change-ref.js';

/** One file of a change, with its unified diff hunks (the `@@ … @@` part, no `diff --git` header). */
export const ChangedFile = z.object({
  oldPath: z.string(),
  newPath: z.string(),
  newFile: z.boolean(),
  deletedFile: z.boolean(),
  renamedFile: z.boolean(),
  diff: z.string(),
});
export type ChangedFile = z.infer<typeof ChangedFile>;

/** The forge's view of a change at one revision: what the reviewer sees and where comments anchor. */
export const ChangeSnapshot = z.object({
  ref: ChangeRef,
  title: z.string(),
  description: z.string(),
  state: z.enum(['opened', 'closed', 'merged', 'locked']),
  draft: z.boolean(),
  /** Diff refs of the latest diff version: base (merge base), start (target tip), head (source tip). */
  baseSha: z.string(),
  startSha: z.string(),
  headSha: z.string(),
  targetBranch: z.string(),
  /** HTTP(S) or file URL to clone, without credentials. */
  cloneUrl: z.string(),
  files: z.array(ChangedFile),
  /** The change's labels (GitLab `labels`, GitHub `labels[].name`). */
  labels: z.array(z.string()).optional(),
});
export type ChangeSnapshot = z.infer<typeof ChangeSnapshot>;
