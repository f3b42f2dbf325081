import { Worker, type NativeConnection } from '@temporalio/worker';
import type { WorkerAudit } from '../audit/wiring.js';
import type { Config } from '../config.js';
import { createAgentActivities, type RunnerSecretsSource } from '../activities/agent-activities.js';
import type { ClaimCheckStore } from '../activities/claim-check/claim-check-store.js';
import type { Sandbox } from '../activities/sandbox/sandbox.js';
import { agentSettings } from './review-settings.js';

/**
 * The worker on the agent task queue. It runs at most AGENT_CONCURRENCY agent jobs at once
 * (default 1: this queue is forgebot's sequential scheduler). It runs no workflows.
 */
export async function createAgentWorker(deps: {
  config: Config;
  connection: NativeConnection;
  sandbox: Sandbox;
  secrets: RunnerSecretsSource;
  /** Where agent outputs are kept for the main worker's activities (the same store). */
  claims: ClaimCheckStore;
  /** The audit trail: its interceptor records every agent job (absent: none). */
  audit?: WorkerAudit;
}): Promise<Worker> {
  return Worker.create({
    connection: deps.connection,
    namespace: deps.config.TEMPORAL_NAMESPACE,
    taskQueue: deps.config.AGENT_TASK_QUEUE,
    activities: createAgentActivities({ sandbox: deps.sandbox, secrets: deps.secrets, settings: agentSettings(deps.config), claims: deps.claims }),
    maxConcurrentActivityTaskExecutions: deps.config.AGENT_CONCURRENCY,
    // Heartbeats carry cancellation back to the job: keep them frequent so a stale review stops within seconds.
    maxHeartbeatThrottleInterval: '2s',
    defaultHeartbeatThrottleInterval: '2s',
    // Leave room after cancellation for the sandbox to stop the job it started.
    shutdownGraceTime: '30s',
    ...(deps.audit ? { interceptors: { activity: [deps.audit.interceptor] } } : {}),
  });
}
