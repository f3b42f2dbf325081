import type Anthropic from '@anthropic-ai/sdk';
import type { Logger } from 'pino';
import { emptyUsage, type TokenUsage } from '../domain/finding.js';
import type { AgentRole, WorkspaceToolName } from './agent-role.js';
import { toolDefinitions } from './tool-definitions.js';
import { runWorkspaceTool, ToolInputError, zodIssues, type WorkspaceTools } from './workspace-tools.js';

export interface LoopLimits {
  maxTurns: number;
  maxOutputTokens: number;
  /**
   * Tokens the loop may spend: uncached input + cache writes + output, over every turn. Cache reads are not
   * counted (each turn re-reads the same cached prefix, at a tenth of the price).
   */
  tokenBudget: number;
}

export type StopReason = 'turns' | 'tokens' | 'no-tool-call';

export interface LoopOutcome<Output> {
  submitted?: Output;
  usage: TokenUsage;
  /** Why the loop ended without a submission, if it did. */
  stoppedBy?: StopReason;
}

export interface LoopDeps<Output> {
  client: Anthropic;
  model: string;
  role: AgentRole<Output>;
  /** The first user message (the role's brief). */
  brief: string;
  tools: WorkspaceTools;
  limits: LoopLimits;
  log: Logger;
}

const ephemeral = { type: 'ephemeral' } as const;
const NUDGE = 'Finish now: call the submit tool with your result.';

function spent(usage: TokenUsage): number {
  return usage.inputTokens + usage.cacheWriteTokens + usage.outputTokens;
}

function addUsage(usage: TokenUsage, turn: Anthropic.Usage): void {
  usage.turns += 1;
  usage.inputTokens += turn.input_tokens;
  usage.outputTokens += turn.output_tokens;
  usage.cacheReadTokens += turn.cache_read_input_tokens ?? 0;
  usage.cacheWriteTokens += turn.cache_creation_input_tokens ?? 0;
}

async function workspaceResult(deps: LoopDeps<unknown>, call: Anthropic.ToolUseBlock): Promise<Anthropic.ToolResultBlockParam> {
  const offered: readonly string[] = deps.role.tools;
  try {
    if (!offered.includes(call.name)) throw new ToolInputError(`unknown tool ${call.name}: use one of ${[...offered, deps.role.submit.name].join(', ')}`);
    const content = await runWorkspaceTool(deps.tools, call.name as WorkspaceToolName, call.input);
    return { type: 'tool_result', tool_use_id: call.id, content };
  } catch (error) {
    const message = error instanceof ToolInputError ? error.message : `tool failed: ${error instanceof Error ? error.message : String(error)}`;
    deps.log.debug({ tool: call.name, problem: message.slice(0, 200) }, 'tool call refused');
    return { type: 'tool_result', tool_use_id: call.id, is_error: true, content: message };
  }
}

/**
 * The Claude tool loop: asks, runs the workspace tools it calls, and ends when the role's submit tool gets valid
 * input, or at a cap (turns, token budget, or the model stopping twice without calling a tool).
 */
export async function runToolLoop<Output>(deps: LoopDeps<Output>): Promise<LoopOutcome<Output>> {
  const { role, limits } = deps;
  const usage = emptyUsage();
  const tools = toolDefinitions(role as AgentRole<unknown>);
  const messages: Anthropic.MessageParam[] = [{ role: 'user', content: [{ type: 'text', text: deps.brief, cache_control: ephemeral }] }];
  let nudged = false;
  while (usage.turns < limits.maxTurns) {
    const remaining = limits.tokenBudget - spent(usage);
    if (remaining <= 0) return { usage, stoppedBy: 'tokens' };
    const response = await deps.client.messages.create({
      model: deps.model,
      max_tokens: Math.min(limits.maxOutputTokens, remaining),
      system: [{ type: 'text', text: role.systemPrompt, cache_control: ephemeral }],
      tools,
      messages,
    });
    addUsage(usage, response.usage);
    deps.log.debug({ turn: usage.turns, stopReason: response.stop_reason, usage: response.usage }, 'model turn');

    const calls = response.content.filter((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use');
    if (calls.length === 0) {
      if (nudged) return { usage, stoppedBy: 'no-tool-call' };
      nudged = true;
      // The API refuses an empty assistant message: an empty turn is simply not kept.
      if (response.content.length > 0) messages.push({ role: 'assistant', content: response.content });
      messages.push({ role: 'user', content: NUDGE });
      continue;
    }
    messages.push({ role: 'assistant', content: response.content });
    const results: Anthropic.ToolResultBlockParam[] = [];
    for (const call of calls) {
      if (call.name !== role.submit.name) {
        results.push(await workspaceResult(deps as LoopDeps<unknown>, call));
        continue;
      }
      const parsed = role.submit.schema.safeParse(call.input);
      if (parsed.success) return { submitted: parsed.data, usage };
      deps.log.info({ problems: parsed.error.issues.length }, 'submitted output rejected');
      const content = `${role.submit.name} input is invalid: ${zodIssues(parsed.error)}. Fix it and call ${role.submit.name} again.`;
      results.push({ type: 'tool_result', tool_use_id: call.id, is_error: true, content });
    }
    messages.push({ role: 'user', content: results });
  }
  return { usage, stoppedBy: 'turns' };
}
