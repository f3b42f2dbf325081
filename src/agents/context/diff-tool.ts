import { z } from 'zod';
import { sanitizeCode } from '../sanitize.js';
import type { ExtraTool } from '../tool-loop.js';
import { inputSchema } from '../tool-definitions.js';
import { ToolInputError } from '../workspace-tools.js';
import type { DiffFile } from './diff-files.js';

const MAX_DIFF_LINES = 400;

export const ReadDiffInput = z.object({
  path: z.string().min(1).max(1_000).describe('A changed file of the merge request (its new path).'),
  start_line: z.number().int().positive().optional().describe('First line of the diff text to show (1-based); for long diffs.'),
});

/** `read_diff`: the merge request's whole diff (base...head) of one changed file, for what the brief does not show. */
export function readDiffTool(files: readonly DiffFile[]): ExtraTool {
  return {
    definition: {
      name: 'read_diff',
      description: `Read the merge request's whole diff (base...head) of one changed file, ${MAX_DIFF_LINES} lines per call.`,
      input_schema: inputSchema(ReadDiffInput),
    },
    async run(raw) {
      const parsed = ReadDiffInput.safeParse(raw);
      if (!parsed.success) throw new ToolInputError(`invalid input: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
      const { path, start_line: start = 1 } = parsed.data;
      const file = files.find((candidate) => candidate.newPath === path || candidate.oldPath === path);
      if (!file) throw new ToolInputError(`${path} is not changed by the merge request`);
      if (file.binary) return `${path} is a binary file`;
      if (file.tooLarge !== undefined) return `${path} is not reviewed: ${file.tooLarge}`;
      const lines = file.text.split('\n');
      if (start > lines.length) throw new ToolInputError(`the diff of ${path} has ${lines.length} lines`);
      const end = Math.min(lines.length, start + MAX_DIFF_LINES - 1);
      const more = end < lines.length ? `\n… ${lines.length - end} more lines (ask for start_line ${end + 1})` : '';
      return sanitizeCode(lines.slice(start - 1, end).join('\n') + more);
    },
  };
}
