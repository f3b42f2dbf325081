import { z } from 'zod';

/** The largest file write_file writes, and replace_in_file edits. */
export const MAX_EDIT_CHARS = 2_000_000;

const path = z.string().min(1).max(1_000).describe('Path relative to the repository root, e.g. "src/app.ts".');

export const WriteFileInput = z.object({
  path,
  content: z.string().max(MAX_EDIT_CHARS).describe('The whole new text of the file (UTF-8).'),
});
export type WriteFileInput = z.infer<typeof WriteFileInput>;

export const ReplaceInFileInput = z.object({
  path,
  old_text: z.string().min(1).max(200_000).describe('Text that occurs exactly once in the file, whitespace included; include surrounding lines to make it unique.'),
  new_text: z.string().max(200_000).describe('The text that takes its place (empty to remove it).'),
});
export type ReplaceInFileInput = z.infer<typeof ReplaceInFileInput>;

export const DeleteFileInput = z.object({ path });
export type DeleteFileInput = z.infer<typeof DeleteFileInput>;

/** What run_command is called with: the names are checked by the tool (so that a wrong one is told the right ones). */
export const RunCommandInput = z.object({ name: z.string().min(1).max(100) });
export type RunCommandInput = z.infer<typeof RunCommandInput>;

/** The schema the model is shown: the declared names as an enum. */
export function runCommandSchema(names: readonly string[]) {
  return z.object({ name: z.enum(names).describe('The name of one of the commands the repository declares.') });
}
