import { z } from 'zod';

/**
 * One file of a patch as the forge's commit API takes it (GitLab commit actions, GitHub tree entries): the whole new
 * content, base64 so binary files survive. A rename is a delete of the old path and a create of the new one.
 */
export const FileChange = z.discriminatedUnion('action', [
  z.object({
    action: z.enum(['create', 'update']),
    path: z.string().min(1).max(4_096),
    contentBase64: z.string(),
    /** Mode 100755 (GitLab `execute_filemode`, GitHub tree mode). */
    executable: z.boolean().default(false),
  }),
  z.object({ action: z.literal('delete'), path: z.string().min(1).max(4_096) }),
]);
export type FileChange = z.infer<typeof FileChange>;
