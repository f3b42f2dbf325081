import type Anthropic from '@anthropic-ai/sdk';
import type { Logger } from 'pino';
import type { PlanResult, PlanTask } from '../../../domain/agent-task.js';
import type { RunnerSecretsEnv } from '../../model-client.js';

/** Being written (the planner role). */
export async function runPlanner(task: PlanTask, _secrets: RunnerSecretsEnv, _workspace: string, _log: Logger, _client?: Anthropic): Promise<PlanResult> {
  throw new Error(`the planner is not written yet (${task.repositoryPath})`);
}
