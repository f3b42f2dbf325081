import type Anthropic from '@anthropic-ai/sdk';
import type { Logger } from 'pino';
import type { AnalysisResult, AnalyzeTask } from '../../../domain/agent-task.js';
import type { RunnerSecretsEnv } from '../../model-client.js';
import { RunnerError } from '../../runner-error.js';

/** Placeholder until the analyst role lands (helper: sentry-roles). */
export async function runAnalyst(_task: AnalyzeTask, _secrets: RunnerSecretsEnv, _workspace: string, _log: Logger, _client: Anthropic): Promise<AnalysisResult> {
  throw new RunnerError('ERR_ROLE_UNAVAILABLE', 'the analyst role is not built yet');
}
