import type Anthropic from '@anthropic-ai/sdk';
import { z } from 'zod';
import type { AgentRole, WorkspaceToolName } from './agent-role.js';
import { ListFilesInput, ReadFileInput, SearchCodeInput } from './workspace-tools.js';

/** A zod schema as the JSON schema of a tool's input (what the model is shown). */
export function inputSchema(schema: z.ZodType): Anthropic.Tool.InputSchema {
  const json: Record<string, unknown> = { ...z.toJSONSchema(schema, { io: 'input' }) };
  delete json.$schema;
  return { ...json, type: 'object' };
}

const workspaceTools: Record<WorkspaceToolName, Anthropic.Tool> = {
  read_file: {
    name: 'read_file',
    description: 'Read a file of the repository at the head commit, with line numbers; optionally a line range (at most 400 lines per call).',
    input_schema: inputSchema(ReadFileInput),
  },
  list_files: {
    name: 'list_files',
    description: 'List the files under a directory of the repository, optionally filtered by a glob ("*.ts", "src/**/*.test.ts").',
    input_schema: inputSchema(ListFilesInput),
  },
  search_code: {
    name: 'search_code',
    description: 'Search the repository for a fixed string (git grep); returns path:line:text matches.',
    input_schema: inputSchema(SearchCodeInput),
  },
};

/** The tools a role is offered: its workspace tools, then its submit tool (which carries the cache breakpoint). */
export function toolDefinitions(role: AgentRole<unknown, never>, extra: readonly Anthropic.Tool[] = []): Anthropic.Tool[] {
  return [
    ...role.tools.map((name) => workspaceTools[name]),
    ...extra,
    { name: role.submit.name, description: role.submit.description, input_schema: inputSchema(role.submit.schema), cache_control: { type: 'ephemeral' } },
  ];
}
