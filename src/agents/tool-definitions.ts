import type Anthropic from '@anthropic-ai/sdk';
import { z } from 'zod';
import { SubmittedReview } from './reviewer.js';
import { ListFilesInput, ReadFileInput, SearchCodeInput } from './workspace-tools.js';

function inputSchema(schema: z.ZodType): Anthropic.Tool.InputSchema {
  const json = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
  delete json.$schema;
  return { ...json, type: 'object' } as Anthropic.Tool.InputSchema;
}

export const reviewerTools: Anthropic.Tool[] = [
  { name: 'read_file', description: 'Read a file of the repository at the head commit, with line numbers. Optionally a line range.', input_schema: inputSchema(ReadFileInput) },
  { name: 'list_files', description: 'List the files under a directory of the repository (relative path; "." for the root).', input_schema: inputSchema(ListFilesInput) },
  { name: 'search_code', description: 'Search the repository for a fixed string (git grep); returns path:line:text matches.', input_schema: inputSchema(SearchCodeInput) },
  {
    name: 'submit_review',
    description: 'Submit the finished review: a summary and the findings. Call exactly once, last.',
    input_schema: inputSchema(SubmittedReview),
    cache_control: { type: 'ephemeral' },
  },
];
