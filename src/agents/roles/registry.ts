import type Anthropic from '@anthropic-ai/sdk';
import type { Logger } from 'pino';
import type { AgentOutput, AgentTask } from '../../domain/agent-task.js';
import { redactDeep } from '../../domain/redact.js';
import { createModelClient, knownSecrets, type RunnerSecretsEnv } from '../model-client.js';
import { runImplementer } from './implementer/run.js';
import { runAnalyst } from './analyst/run.js';
import { runAnswerer } from './answerer/run.js';
import { runPlanner } from './planner/run.js';
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
  const known = knownSecrets(context.secrets);
  // Every field of every output is redacted here, whatever the role did itself (paths too). A patch is never redacted
  // (that would change the code): one that carries a credential was refused by its role (ERR_PATCH_SECRET).
  switch (task.role) {
    case 'reviewer':
      return { role: 'reviewer', review: redactDeep(await runReview(task, context.secrets, context.workspace, context.log, client), known) };
    case 'implementer': {
      const { patch, ...rest } = await runImplementer(task, context.secrets, context.workspace, context.log, client);
      return { role: 'implementer', work: { ...redactDeep(rest, known), patch } };
    }
    case 'analyst':
      return { role: 'analyst', analysis: redactDeep(await runAnalyst(task, context.secrets, context.workspace, context.log, client), known) };
    case 'answerer':
      return { role: 'answerer', answer: redactDeep(await runAnswerer(task, context.secrets, context.workspace, context.log, client), known) };
    case 'planner':
      return { role: 'planner', plan: redactDeep(await runPlanner(task, context.secrets, context.workspace, context.log, client), known) };
  }
}
