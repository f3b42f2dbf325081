import type Anthropic from '@anthropic-ai/sdk';
import type { Logger } from 'pino';
import { emptyUsage, type TokenUsage } from '../domain/finding.js';
import { costOf } from '../domain/usage-cost.js';
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
  /** US dollars the loop may spend (priced from domain/usage-cost.ts); not enforced for a model without a price. */
  costBudgetUsd?: number;
}

export type StopReason = 'turns' | 'tokens' | 'cost' | 'no-tool-call';

/** A role-specific tool besides the workspace tools (e.g. the reviewer's read_diff). */
export interface ExtraTool {
  definition: Anthropic.Tool;
  /**
   * Returns the tool result; throw ToolInputError for a mistake the model should fix. `signal` aborts when the
   * call's time is up (the loop has moved on by then: stop the work, kill what it started).
   */
  run(input: unknown, signal?: AbortSignal): Promise<string>;
  /**
   * The longest one call may take, when not the loop's default (30 s): a tool that enforces a longer limit of its
   * own (a declared command with its timeout) sets it a little above that limit.
   */
  timeoutMs?: number;
}

export interface LoopOutcome<Output> {
  submitted?: Output;
  usage: TokenUsage;
  /** Why the loop ended without a submission, if it did. */
  stoppedBy?: StopReason;
}

export interface LoopDeps<Output> {
  client: Anthropic;
  model: string;
  role: AgentRole<Output, never>;
  /** The first user message (the role's brief). */
  brief: string;
  /**
   * A second block of the first user message, after the brief's cache breakpoint (a specialist's focus): tools,
   * system prompt and brief stay one prefix that conversations with different focuses read from the cache.
   */
  focus?: string;
  /** Called once, when the first model turn has answered (its prompt is in the cache by then). */
  onFirstTurn?: () => void;
  tools: WorkspaceTools;
  limits: LoopLimits;
  log: Logger;
  extraTools?: readonly ExtraTool[];
  /** Wall-clock limit of one tool call without a `timeoutMs` of its own (default 30 s). */
  toolTimeoutMs?: number;
  /** Characters of all tool results of one model turn (default 400,000): later calls of that turn are refused. */
  maxToolOutputPerTurn?: number;
}

export const DEFAULT_TOOL_TIMEOUT_MS = 30_000;
export const MAX_TOOL_OUTPUT_PER_TURN = 400_000;

const ephemeral = { type: 'ephemeral' } as const;
const NUDGE = 'Finish now: call the submit tool with your result.';
const LAST_CALL = 'Your turn, token or cost budget is nearly used up: call the submit tool now with what you found so far, and say in the summary what you did not get to.';

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

/**
 * Runs `work` with a wall-clock limit: at `timeoutMs` its signal aborts and the call ends with a ToolInputError,
 * whether or not the work stops (a timer on this thread: a tool must not block the event loop, see glob.ts).
 */
async function withTimeout(name: string, timeoutMs: number, work: (signal: AbortSignal) => Promise<string>): Promise<string> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new ToolInputError(`${name} timed out after ${timeoutMs / 1_000} s and was stopped: ask for less (a line range, a narrower path or pattern)`);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    // race() handles a late rejection of the abandoned work as well.
    return await Promise.race([work(controller.signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}

async function toolResult(deps: LoopDeps<unknown>, call: Anthropic.ToolUseBlock): Promise<Anthropic.ToolResultBlockParam> {
  const extra = deps.extraTools?.find((tool) => tool.definition.name === call.name);
  const offered: readonly string[] = [...deps.role.tools, ...(deps.extraTools ?? []).map((tool) => tool.definition.name)];
  try {
    if (!offered.includes(call.name)) throw new ToolInputError(`unknown tool ${call.name}: use one of ${[...offered, deps.role.submit.name].join(', ')}`);
    const timeoutMs = extra?.timeoutMs ?? deps.toolTimeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
    const content = await withTimeout(call.name, timeoutMs, (signal) =>
      extra ? extra.run(call.input, signal) : runWorkspaceTool(deps.tools, call.name as WorkspaceToolName, call.input, signal),
    );
    return { type: 'tool_result', tool_use_id: call.id, content };
  } catch (error) {
    const message = error instanceof ToolInputError ? error.message : `tool failed: ${error instanceof Error ? error.message : String(error)}`;
    deps.log.debug({ tool: call.name, problem: message.slice(0, 200) }, 'tool call refused');
    return { type: 'tool_result', tool_use_id: call.id, is_error: true, content: message };
  }
}

/** What one turn's tool results may still take; a result past it is cut, and the calls after it are not run. */
class TurnOutput {
  private used = 0;
  constructor(private readonly cap: number) {}

  get full(): boolean {
    return this.used >= this.cap;
  }

  refusal(call: Anthropic.ToolUseBlock): Anthropic.ToolResultBlockParam {
    const content = `not run: too much tool output this turn (${this.cap} characters); ask for less (line ranges, a narrower path or pattern), in fewer calls per turn`;
    return { type: 'tool_result', tool_use_id: call.id, is_error: true, content };
  }

  take(result: Anthropic.ToolResultBlockParam): Anthropic.ToolResultBlockParam {
    const content = typeof result.content === 'string' ? result.content : '';
    const left = this.cap - this.used;
    this.used += content.length;
    if (content.length <= left) return result;
    return { ...result, content: `${content.slice(0, left)}\n… (cut: this turn's tool output reached ${this.cap} characters; ask for less)` };
  }
}

/**
 * The Claude tool loop: asks, runs the tools it calls (each call within its time limit, a turn's results within
 * maxToolOutputPerTurn), and ends when the role's submit tool gets valid input, or at a cap (turns, token budget,
 * or the model stopping twice without calling a tool).
 */
export async function runToolLoop<Output>(deps: LoopDeps<Output>): Promise<LoopOutcome<Output>> {
  const { role, limits } = deps;
  const usage = emptyUsage();
  const tools = toolDefinitions(role as AgentRole<unknown, never>, (deps.extraTools ?? []).map((tool) => tool.definition));
  const first: Anthropic.TextBlockParam[] = [{ type: 'text', text: deps.brief, cache_control: ephemeral }];
  if (deps.focus) first.push({ type: 'text', text: deps.focus });
  const messages: Anthropic.MessageParam[] = [{ role: 'user', content: first }];
  const cost = () => costOf(deps.model, usage);
  let nudged = false;
  let lastTurnCost = 0;
  while (usage.turns < limits.maxTurns) {
    const remaining = limits.tokenBudget - spent(usage);
    if (remaining <= 0) return { usage, stoppedBy: 'tokens' };
    const costLeft = limits.costBudgetUsd === undefined ? undefined : limits.costBudgetUsd - (cost() ?? 0);
    if (costLeft !== undefined && costLeft <= 0 && cost() !== undefined) return { usage, stoppedBy: 'cost' };
    // The last affordable turn: make the model submit what it has instead of ending with nothing to show.
    const final = usage.turns + 1 >= limits.maxTurns || remaining < 2 * limits.maxOutputTokens || (costLeft !== undefined && costLeft < 2 * lastTurnCost);
    if (final && usage.turns > 0) appendText(messages, LAST_CALL);
    const before = cost() ?? 0;
    const response = await deps.client.messages.create({
      model: deps.model,
      max_tokens: Math.min(limits.maxOutputTokens, remaining),
      system: [{ type: 'text', text: role.systemPrompt, cache_control: ephemeral }],
      tools,
      ...(final ? { tool_choice: { type: 'tool' as const, name: role.submit.name } } : {}),
      messages,
    });
    addUsage(usage, response.usage);
    if (usage.turns === 1) deps.onFirstTurn?.();
    lastTurnCost = (cost() ?? 0) - before;
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
    const output = new TurnOutput(deps.maxToolOutputPerTurn ?? MAX_TOOL_OUTPUT_PER_TURN);
    for (const call of calls) {
      if (call.name !== role.submit.name) {
        results.push(output.full ? output.refusal(call) : output.take(await toolResult(deps as LoopDeps<unknown>, call)));
        continue;
      }
      const parsed = role.submit.schema.safeParse(call.input);
      if (parsed.success) return { submitted: parsed.data, usage };
      deps.log.info({ problems: parsed.error.issues.length }, 'submitted output rejected');
      const content = `${role.submit.name} input is invalid: ${zodIssues(parsed.error)}. Fix it and call ${role.submit.name} again.`;
      results.push({ type: 'tool_result', tool_use_id: call.id, is_error: true, content });
    }
    pushWithMovingBreakpoint(messages, results);
  }
  return { usage, stoppedBy: 'turns' };
}

/**
 * Appends the tool results with a cache breakpoint on their last block, and drops the previous turn's: the
 * conversation so far is read from the cache on the next turn (tools, system, brief and this one: the API's 4).
 */
function pushWithMovingBreakpoint(messages: Anthropic.MessageParam[], results: Anthropic.ToolResultBlockParam[]): void {
  for (const message of messages.slice(1)) {
    if (message.role !== 'user' || typeof message.content === 'string') continue;
    for (const block of message.content) if ('cache_control' in block) delete block.cache_control;
  }
  const last = results.at(-1);
  if (last) last.cache_control = ephemeral;
  messages.push({ role: 'user', content: results });
}

/** Adds a text block to the last user message (or a new one), so that user and assistant turns keep alternating. */
function appendText(messages: Anthropic.MessageParam[], text: string): void {
  const last = messages.at(-1);
  if (last?.role === 'user' && Array.isArray(last.content)) last.content.push({ type: 'text', text });
  else if (last?.role === 'user') last.content = `${last.content}\n\n${text}`;
  else messages.push({ role: 'user', content: text });
}
