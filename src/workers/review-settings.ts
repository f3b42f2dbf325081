import type { Config } from '../config.js';
import type { RunSettings } from '../workflows/definitions.js';
import type { AgentSettings } from '../activities/agent-activities.js';

/** The settings workflows read at each run (readRunSettings), from this worker's configuration. */
export function runSettings(config: Config): RunSettings {
  return {
    debounceMs: Math.round(config.REVIEW_DEBOUNCE_SECONDS * 1000),
    reviewDrafts: config.REVIEW_DRAFTS,
    agentTaskQueue: config.AGENT_TASK_QUEUE,
    agentTimeoutMs: config.AGENT_TIMEOUT_SECONDS * 1000,
    agentHeartbeatTimeoutMs: config.AGENT_HEARTBEAT_TIMEOUT_SECONDS * 1000,
    reviewsPerRun: config.REVIEWS_PER_RUN,
    ticketPipelinePollMs: config.JIRA_PIPELINE_POLL_SECONDS * 1000,
  };
}

export function agentSettings(config: Config): AgentSettings {
  return {
    model: config.ANTHROPIC_MODEL,
    timeoutMs: config.AGENT_TIMEOUT_SECONDS * 1000,
    maxTurns: config.AGENT_MAX_TURNS,
    maxOutputTokens: config.AGENT_MAX_OUTPUT_TOKENS,
    tokenBudget: config.AGENT_TOKEN_BUDGET,
    costBudgetUsd: config.AGENT_COST_BUDGET_USD,
    heartbeatEveryMs: 2_000,
  };
}
