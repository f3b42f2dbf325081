// Tiny workflows for the operator CLI's tests (forgebot queue): an agent job that runs until the test lets it go, and
// a workflow that waits at a gate as sentry-fix and ticket workflows do (its `status` query shows `openGate`).
import { condition, defineQuery, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';

export interface HeldAgentActivities {
  /** Runs on the agent task queue until the test releases it. */
  holdAgentJob(name: string): Promise<string>;
}

/** Schedules one activity on `agentTaskQueue` and returns what it answers. */
export async function agentJobWorkflow(agentTaskQueue: string, name: string): Promise<string> {
  const { holdAgentJob } = proxyActivities<HeldAgentActivities>({ taskQueue: agentTaskQueue, startToCloseTimeout: '10 minutes', retry: { maximumAttempts: 1 } });
  return holdAgentJob(name);
}

export const decideSignal = defineSignal('decide');
export const statusQuery = defineQuery<{ phase: string; openGate?: { gate: string; since: string; expiresAt: string } }>('status');

/** Waits at the merge gate (since its start, for 14 days) until `decide` is signalled. */
export async function gateWorkflow(): Promise<void> {
  let decided = false;
  const since = Date.now();
  setHandler(decideSignal, () => void (decided = true));
  setHandler(statusQuery, () => (decided ? { phase: 'done' } : { phase: 'awaiting-approval', openGate: { gate: 'merge', since: new Date(since).toISOString(), expiresAt: new Date(since + 14 * 86_400_000).toISOString() } }));
  await condition(() => decided);
}
