import type { AgentDigest } from '../../activities/agent-digest.js';
import type { TokenUsage } from '../../domain/finding.js';

/** Adds an agent run's tokens and cost to a workflow status's totals. */
export function addUsage(status: { usage?: TokenUsage; costUsd?: number }, digest: AgentDigest): void {
  const usage = status.usage ?? { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, turns: 0 };
  status.usage = {
    inputTokens: usage.inputTokens + digest.usage.inputTokens,
    outputTokens: usage.outputTokens + digest.usage.outputTokens,
    cacheReadTokens: usage.cacheReadTokens + digest.usage.cacheReadTokens,
    cacheWriteTokens: usage.cacheWriteTokens + digest.usage.cacheWriteTokens,
    turns: usage.turns + digest.usage.turns,
  };
  if (digest.costUsd !== undefined) status.costUsd = (status.costUsd ?? 0) + digest.costUsd;
}
