import type { z } from 'zod';
import type { ReviewTask } from '../domain/agent-task.js';

/** The read-only workspace tools a role may be given (see workspace-tools.ts). */
export type WorkspaceToolName = 'read_file' | 'list_files' | 'search_code';

/** What the reviewer's first message is built from. */
export interface RoleInput {
  task: ReviewTask;
  /** The unified diff base...head, as git prints it. */
  diff: string;
}

/**
 * One agent role (reviewer, implementer, …): what it is told, which read-only tools it may call (write-capable roles
 * get their edit tools as extra tools), and the one tool through which it submits its output, validated by
 * `submit.schema`. Each role is a folder under roles/: role.ts (prompt, tools, output schema) and run.ts.
 */
export interface AgentRole<Output, Input = RoleInput> {
  name: string;
  systemPrompt: string;
  /** The first user message: untrusted data fenced (see sanitize.ts). */
  brief(input: Input): string;
  tools: readonly WorkspaceToolName[];
  submit: { name: string; description: string; schema: z.ZodType<Output> };
}
