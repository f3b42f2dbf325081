import type Anthropic from '@anthropic-ai/sdk';
import type { Logger } from 'pino';
import type { AnswerResult, AnswerTask } from '../../../domain/agent-task.js';
import type { RunnerSecretsEnv } from '../../model-client.js';

/** Being written (the answerer role). */
export async function runAnswerer(task: AnswerTask, _secrets: RunnerSecretsEnv, _workspace: string, _log: Logger, _client?: Anthropic): Promise<AnswerResult> {
  throw new Error(`the answerer is not written yet (${task.question.kind})`);
}
