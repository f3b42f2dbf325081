import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AgentRoleName } from '../../domain/agent-task.js';
import type { SandboxErrorCode } from '../../activities/sandbox/sandbox.js';

/**
 * forgebot's own metrics of a worker process, in one Registry of the process (not prom-client's global one). They are
 * process-wide by nature, as a Prometheus client's registry is: activities and HTTP clients deep in the call tree record
 * into them through the small functions below, without a metrics object threaded through every factory. Every label
 * is bounded: roles, outcomes, token kinds, services, status classes, sandbox error codes, gates, the configured task
 * queue, and repositories only from the configured set (repository-label.ts).
 */
export const workerRegistry = new Registry();

export const AGENT_ROLES = ['reviewer', 'implementer', 'analyst', 'answerer', 'planner'] as const satisfies readonly AgentRoleName[];
/** How an agent job (one attempt of the agent activity) ended. */
export const AGENT_OUTCOMES = ['succeeded', 'failed', 'cancelled'] as const;
export type AgentOutcome = (typeof AGENT_OUTCOMES)[number];
export const TOKEN_KINDS = ['input', 'output', 'cache_read', 'cache_write'] as const;
/** The outside APIs forgebot calls (the model from the runner's report: see agent-job-metrics.ts). */
export const API_SERVICES = ['gitlab', 'github', 'sentry', 'jira', 'anthropic'] as const;
export type ApiService = (typeof API_SERVICES)[number];
/** An answer's class; `rate_limited` (429, or GitHub's 403 with no rate left) apart from the other 4xx. */
export const API_STATUSES = ['2xx', '3xx', '4xx', 'rate_limited', '5xx', 'error'] as const;
export type ApiStatus = (typeof API_STATUSES)[number];
/** Every sandbox failure reason (SandboxErrorCode but the cancellation, which is no failure). */
export const SANDBOX_FAILURE_REASONS = [
  'ERR_SANDBOX_TIMEOUT',
  'ERR_SANDBOX_IMAGE_PULL',
  'ERR_SANDBOX_OOM_KILLED',
  'ERR_SANDBOX_DEADLINE_EXCEEDED',
  'ERR_SANDBOX_EVICTED',
  'ERR_SANDBOX_UNSCHEDULABLE',
  'ERR_SANDBOX_API',
  'ERR_RUNNER_FAILED',
  'ERR_RUNNER_OUTPUT',
] as const satisfies readonly Exclude<SandboxErrorCode, 'ERR_SANDBOX_CANCELLED'>[];
export type SandboxFailureReason = (typeof SANDBOX_FAILURE_REASONS)[number];
export const GATES = ['merge', 'plan'] as const;

const agentJobs = new Counter({
  name: 'forgebot_agent_jobs_total',
  help: 'Agent jobs (attempts of the agent activity) by role and outcome: succeeded, failed, cancelled.',
  labelNames: ['role', 'outcome'],
  registers: [workerRegistry],
});
const agentJobDuration = new Histogram({
  name: 'forgebot_agent_job_duration_seconds',
  help: 'Wall time of an agent job, from the sandbox start to its result or failure, by role and outcome.',
  labelNames: ['role', 'outcome'],
  buckets: [5, 15, 30, 60, 120, 300, 600, 900, 1800, 3600],
  registers: [workerRegistry],
});
const agentTokens = new Counter({
  name: 'forgebot_agent_tokens_total',
  help: 'Model tokens of finished agent jobs, by role and kind (input, output, cache_read, cache_write).',
  labelNames: ['role', 'kind'],
  registers: [workerRegistry],
});
const agentCost = new Counter({
  name: 'forgebot_agent_cost_usd_total',
  help: 'Model cost of finished agent jobs in US dollars (list prices), by role, forge and repository (the configured set; "other" beyond it).',
  labelNames: ['role', 'forge', 'repository'],
  registers: [workerRegistry],
});
const apiCalls = new Counter({
  name: 'forgebot_api_calls_total',
  help: 'Calls to the forge, Sentry, Jira and model APIs by service and answer class (2xx, 3xx, 4xx, rate_limited, 5xx, error: no answer).',
  labelNames: ['service', 'status'],
  registers: [workerRegistry],
});
const sandboxFailures = new Counter({
  name: 'forgebot_sandbox_failures_total',
  help: 'Agent jobs whose sandbox (runner pod or local process) failed, by reason (the ERR_SANDBOX_* / ERR_RUNNER_* code).',
  labelNames: ['reason'],
  registers: [workerRegistry],
});

/** Sampled by the main worker (samplers.ts); every replica exports them: aggregate with max(). */
export const queueBacklog = new Gauge({
  name: 'forgebot_agent_queue_backlog',
  help: 'Approximate number of agent jobs waiting on the agent task queue (Temporal DescribeTaskQueue, reportStats).',
  labelNames: ['task_queue'],
  registers: [workerRegistry],
});
export const queueBacklogAge = new Gauge({
  name: 'forgebot_agent_queue_backlog_age_seconds',
  help: 'How long the oldest agent job on the agent task queue has waited (Temporal DescribeTaskQueue, reportStats).',
  labelNames: ['task_queue'],
  registers: [workerRegistry],
});
export const approvalsWaiting = new Gauge({
  name: 'forgebot_approvals_waiting',
  help: 'Running workflows waiting at a human gate (merge, plan), from Temporal visibility (ForgebotPhase).',
  labelNames: ['gate'],
  registers: [workerRegistry],
});
export const approvalOldestWait = new Gauge({
  name: 'forgebot_approval_oldest_wait_seconds',
  help: 'How long the oldest open gate has waited for a person (from the workflows\' status: openGate.since); 0 when none waits.',
  labelNames: ['gate'],
  registers: [workerRegistry],
});
export const samplerErrors = new Counter({
  name: 'forgebot_worker_sampler_errors_total',
  help: 'Failed samples of the queue backlog or the approvals waiting (the gauges keep their last value meanwhile).',
  labelNames: ['sampler'],
  registers: [workerRegistry],
});
export const samplerLastSuccess = new Gauge({
  name: 'forgebot_worker_sampler_last_success_timestamp_seconds',
  help: 'When the sampler last succeeded (Unix time): a gauge older than its interval is stale.',
  labelNames: ['sampler'],
  registers: [workerRegistry],
});
export const temporalSdkUp = new Gauge({
  name: 'forgebot_worker_temporal_sdk_up',
  help: 'Whether the Temporal SDK\'s own metrics (temporal_*) were read for the last scrape (1) or not (0).',
  registers: [workerRegistry],
});

// Every series of a bounded set exists from the start at 0, so that rate() and increase() see the first event
// (an alert on the first 429 fires; a counter born at 1 would show no increase).
for (const role of AGENT_ROLES) for (const outcome of AGENT_OUTCOMES) agentJobs.inc({ role, outcome }, 0);
for (const service of API_SERVICES) for (const status of API_STATUSES) apiCalls.inc({ service, status }, 0);
for (const reason of SANDBOX_FAILURE_REASONS) sandboxFailures.inc({ reason }, 0);
for (const sampler of ['queue_backlog', 'approvals']) samplerErrors.inc({ sampler }, 0);

export interface AgentJobUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

export interface AgentJobRecord {
  role: AgentRoleName;
  outcome: AgentOutcome;
  durationMs: number;
  /** A finished job's usage (a failed job reports none). */
  usage?: AgentJobUsage;
  costUsd?: number;
  /** The labels from repositoryLabel(): never a raw path outside the configured set. */
  repository?: { forge: string; repository: string };
}

/** One agent job: counted by role and outcome, timed, and its tokens and cost added. */
export function recordAgentJob(job: AgentJobRecord): void {
  agentJobs.inc({ role: job.role, outcome: job.outcome });
  agentJobDuration.observe({ role: job.role, outcome: job.outcome }, job.durationMs / 1000);
  if (job.usage) {
    const { inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens } = job.usage;
    const kinds: Record<(typeof TOKEN_KINDS)[number], number> = { input: inputTokens, output: outputTokens, cache_read: cacheReadTokens, cache_write: cacheWriteTokens };
    for (const kind of TOKEN_KINDS) agentTokens.inc({ role: job.role, kind }, kinds[kind]);
  }
  if (job.costUsd !== undefined && job.costUsd > 0) {
    agentCost.inc({ role: job.role, forge: job.repository?.forge ?? 'other', repository: job.repository?.repository ?? 'other' }, job.costUsd);
  }
}

/** One call (or `count` calls) to an outside API, by its answer's class. */
export function recordApiCall(call: { service: ApiService; status: ApiStatus }, count = 1): void {
  if (count > 0) apiCalls.inc({ service: call.service, status: call.status }, count);
}

/** A sandbox failure (runner pod or local process), by its code. */
export function recordSandboxFailure(reason: SandboxFailureReason): void {
  sandboxFailures.inc({ reason });
}

/**
 * The class of an HTTP answer; `rate_limited` for 429, and for GitHub's rate-limit 403s (primary: no rate left;
 * secondary: a Retry-After).
 */
export function statusClass(status: number, headers?: Pick<Headers, 'get'>): ApiStatus {
  if (status === 429) return 'rate_limited';
  if (status === 403 && (headers?.get('x-ratelimit-remaining') === '0' || headers?.get('retry-after'))) return 'rate_limited';
  if (status >= 200 && status < 300) return '2xx';
  if (status >= 300 && status < 400) return '3xx';
  if (status >= 400 && status < 500) return '4xx';
  if (status >= 500 && status < 600) return '5xx';
  return 'error';
}
