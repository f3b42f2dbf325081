import { z } from 'zod';

/** Files whose text guides the reviewer, read from the target branch (a change cannot rewrite its own rules). */
export const GUIDELINE_FILES = ['.claude/review.md', 'CLAUDE.md', 'AGENTS.md'] as const;
/** Per file, and for all of them together: guidance, not a second prompt. */
export const MAX_GUIDELINE_CHARS = 8_000;
export const MAX_GUIDELINES_TOTAL_CHARS = 16_000;

export const Guideline = z.object({
  path: z.string().min(1).max(200),
  text: z.string().max(MAX_GUIDELINE_CHARS + 200),
  truncated: z.boolean(),
});
export type Guideline = z.infer<typeof Guideline>;

/** Caps each file and the whole set; files are taken in GUIDELINE_FILES order until the total is used. */
export function capGuidelines(files: readonly { path: string; text: string }[]): Guideline[] {
  const capped: Guideline[] = [];
  let left = MAX_GUIDELINES_TOTAL_CHARS;
  for (const file of files) {
    const room = Math.min(MAX_GUIDELINE_CHARS, left);
    if (room <= 0 || file.text.trim() === '') continue;
    const truncated = file.text.length > room;
    const text = truncated ? `${file.text.slice(0, room)}\n… (cut at ${room} characters)` : file.text;
    capped.push({ path: file.path, text, truncated });
    left -= Math.min(file.text.length, room);
  }
  return capped;
}
