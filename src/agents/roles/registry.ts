import type Anthropic from '@anthropic-ai/sdk';
import type { Logger } from 'pino';
import type { AgentOutput, AgentTask } from '../../domain/agent-task.js';
import { createModelClient, type RunnerSecretsEnv } from '../model-client.js';
import { runImplementer } from './implementer/run.js';
import { runReview } from './reviewer/run.js';

export interface RoleRunContext {
  secrets: RunnerSecretsEnv;
  /** The sandbox's workspace (the repository is checked out under it). */
  workspace: string;
  log: Logger;
  /** The model client (tests pass one pointed at a fake). */
  client?: Anthropic;
}

/** The role registry: every role the runner knows, by name. A new role is a folder under roles/ and a line here. */
export async function runAgentTask(task: AgentTask, context: RoleRunContext): Promise<AgentOutput> {
  const client = context.client ?? createModelClient(context.secrets);
  switch (task.role) {
    case 'reviewer':
      return { role: 'reviewer', review: await runReview(task, context.secrets, context.workspace, context.log, client) };
    case 'implementer':
      return { role: 'implementer', work: await runImplementer(task, context.secrets, context.workspace, context.log, client) };
  }
}
