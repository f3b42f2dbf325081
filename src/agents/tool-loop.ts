import type Anthropic from '@anthropic-ai/sdk';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { emptyUsage, type TokenUsage } from '../domain/finding.js';
import { SubmittedReview } from './reviewer.js';
import { reviewerTools } from './tool-definitions.js';
import { ListFilesInput, ReadFileInput, SearchCodeInput, ToolInputError, type WorkspaceTools } from './workspace-tools.js';

export interface LoopLimits {
  maxTurns: number;
  maxOutputTokens: number;
  /** Input + output tokens over the whole loop. */
  tokenBudget: number;
}

export interface LoopOutcome {
  submitted?: SubmittedReview;
  usage: TokenUsage;
  /** Why the loop ended without a submission, if it did. */
  stoppedBy?: 'turns' | 'tokens' | 'no-tool-call';
}

const ephemeral = { type: 'ephemeral' } as const;

function issues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(input)'}: ${issue.message}`).join('; ');
}

async function runTool(tools: WorkspaceTools, block: Anthropic.ToolUseBlock): Promise<string> {
  const parsers = { read_file: ReadFileInput, list_files: ListFilesInput, search_code: SearchCodeInput } as const;
  const name = block.name as keyof typeof parsers;
  const schema = parsers[name];
  if (!schema) throw new ToolInputError(`unknown tool ${block.name}`);
  const parsed = schema.safeParse(block.input);
  if (!parsed.success) throw new ToolInputError(`invalid input: ${issues(parsed.error)}`);
  return tools[name](parsed.data as never);
}

/** The Claude tool loop: asks, runs the tools it calls, until it submits its review or a cap is reached. */
export async function runReviewLoop(deps: {
  client: Anthropic;
  model: string;
  system: string;
  brief: string;
  tools: WorkspaceTools;
  limits: LoopLimits;
  log: Logger;
}): Promise<LoopOutcome> {
  const usage = emptyUsage();
  const messages: Anthropic.MessageParam[] = [{ role: 'user', content: [{ type: 'text', text: deps.brief, cache_control: ephemeral }] }];
  let nudged = false;
  while (usage.turns < deps.limits.maxTurns) {
    if (usage.inputTokens + usage.outputTokens >= deps.limits.tokenBudget) return { usage, stoppedBy: 'tokens' };
    const response = await deps.client.messages.create({
      model: deps.model,
      max_tokens: deps.limits.maxOutputTokens,
      system: [{ type: 'text', text: deps.system, cache_control: ephemeral }],
      tools: reviewerTools,
      messages,
    });
    usage.turns += 1;
    usage.inputTokens += response.usage.input_tokens;
    usage.outputTokens += response.usage.output_tokens;
    usage.cacheReadTokens += response.usage.cache_read_input_tokens ?? 0;
    usage.cacheWriteTokens += response.usage.cache_creation_input_tokens ?? 0;
    messages.push({ role: 'assistant', content: response.content });

    const calls = response.content.filter((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use');
    if (calls.length === 0) {
      if (nudged) return { usage, stoppedBy: 'no-tool-call' };
      nudged = true;
      messages.push({ role: 'user', content: 'Finish now by calling submit_review with your summary and findings.' });
      continue;
    }
    const results: Anthropic.ToolResultBlockParam[] = [];
    for (const call of calls) {
      if (call.name === 'submit_review') {
        const parsed = SubmittedReview.safeParse(call.input);
        if (parsed.success) return { submitted: parsed.data, usage };
        deps.log.info({ problems: parsed.error.issues.length }, 'submit_review input rejected');
        results.push({ type: 'tool_result', tool_use_id: call.id, is_error: true, content: `submit_review input is invalid: ${issues(parsed.error)}. Fix it and call submit_review again.` });
        continue;
      }
      try {
        results.push({ type: 'tool_result', tool_use_id: call.id, content: await runTool(deps.tools, call) });
      } catch (error) {
        const message = error instanceof ToolInputError ? error.message : `tool failed: ${error instanceof Error ? error.message : String(error)}`;
        results.push({ type: 'tool_result', tool_use_id: call.id, is_error: true, content: message });
      }
      deps.log.debug({ tool: call.name }, 'tool call');
    }
    messages.push({ role: 'user', content: results });
  }
  return { usage, stoppedBy: 'turns' };
}
