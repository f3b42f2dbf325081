import type { AgentLimits } from '../../domain/agent-task.js';
import type { TokenUsage } from '../../domain/finding.js';
import { costOf } from '../../domain/usage-cost.js';
import type { LoopLimits, LoopOutcome } from '../tool-loop.js';

/** A task's limits as the tool loop takes them (no cost budget key when the task sets none). */
export function loopLimits(limits: AgentLimits): LoopLimits {
  const { costBudgetUsd, ...rest } = limits;
  return costBudgetUsd === undefined ? rest : { ...rest, costBudgetUsd };
}

/** What every role's result says of its loop: the model, the tokens, the cost (when the model has a known price), why it stopped. */
export function loopAccounting(model: string, loop: Pick<LoopOutcome<unknown>, 'usage' | 'stoppedBy'>): { model: string; usage: TokenUsage; costUsd?: number; stoppedBy?: NonNullable<LoopOutcome<unknown>['stoppedBy']> } {
  const costUsd = costOf(model, loop.usage);
  return {
    model,
    usage: loop.usage,
    ...(costUsd !== undefined ? { costUsd } : {}),
    ...(loop.stoppedBy ? { stoppedBy: loop.stoppedBy } : {}),
  };
}
