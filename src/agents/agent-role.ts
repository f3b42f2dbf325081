import type { z } from 'zod';
import type { RunnerTask } from './task.js';

/** The read-only workspace tools a role may be given (see workspace-tools.ts). */
export type WorkspaceToolName = 'read_file' | 'list_files' | 'search_code';

/** What a role's first message is built from. */
export interface RoleInput {
  task: RunnerTask;
  /** The unified diff base...head, as git prints it. */
  diff: string;
}

/**
 * One agent role (reviewer, security, sentry-fixer, …): what it is told, which read-only tools it may call,
 * and the one tool through which it submits its output, validated by `submit.schema`.
 */
export interface AgentRole<Output> {
  name: string;
  systemPrompt: string;
  /** The first user message: untrusted data fenced (see sanitize.ts). */
  brief(input: RoleInput): string;
  tools: readonly WorkspaceToolName[];
  submit: { name: string; description: string; schema: z.ZodType<Output> };
}
