import type { AgentLimits } from '../../domain/agent-task.js';

/** Below these a conversation cannot read a file and submit: a small share is raised to them (within the total). */
export const MIN_TURNS = 3;
const MIN_OUTPUTS = 4;

/**
 * `share` (0–1) of a review's limits: turns, tokens and cost each floored (cost to a micro-dollar), turns and tokens
 * at least a workable minimum; the per-turn output cap stays the review's.
 */
export function shareOfLimits(limits: AgentLimits, share: number): AgentLimits {
  const part = Math.min(1, Math.max(0, share));
  const atLeast = (value: number, minimum: number, total: number) => Math.min(total, Math.max(minimum, Math.floor(value)));
  return {
    maxTurns: atLeast(limits.maxTurns * part, MIN_TURNS, limits.maxTurns),
    maxOutputTokens: limits.maxOutputTokens,
    tokenBudget: atLeast(limits.tokenBudget * part, MIN_OUTPUTS * limits.maxOutputTokens, limits.tokenBudget),
    ...(limits.costBudgetUsd !== undefined ? { costBudgetUsd: Math.max(1e-6, Math.floor(limits.costBudgetUsd * part * 1e6) / 1e6) } : {}),
  };
}
