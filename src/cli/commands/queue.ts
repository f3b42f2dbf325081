import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { optionalTsToMs } from '@temporalio/common/lib/time.js';
import proto from '@temporalio/proto';
import type { Config } from '../../config.js';
import { connectTemporalClient } from '../../workers/temporal-connection.js';
import { WAITING_QUERY } from '../../workers/metrics/approvals-sampler.js';
import type { GateStatus } from '../../workflows/shared/human-gate.js';
import { searchAttributes } from '../../workflows/definitions.js';
import { renderQueue } from '../format/queue-report.js';

const { PendingActivityState, TaskQueueKind, TaskQueueType } = proto.temporal.api.enums.v1;

/** Running workflows described per call (each is one DescribeWorkflowExecution); more are counted, not shown. */
const MAX_WORKFLOWS = 500;
/** Describes in flight at once: an operator's command must not crowd the frontend. */
const CONCURRENCY = 8;
/** Per Temporal call. */
const CALL_TIMEOUT_MS = 5_000;
/** A whole visibility listing, all its pages. */
const LIST_TIMEOUT_MS = 20_000;
/** The agent activities (src/activities/agent-activities.ts): their task queue, when the server does not say it. */
const AGENT_ACTIVITY_TYPES = new Set(['runAgent', 'runReviewAgent']);

/** One agent job: a pending activity on the agent task queue, with how long it has been in its state. */
export interface AgentJob {
  workflowId: string;
  runId: string;
  workflowType: string;
  /** The workflow's subject key (`ForgebotSubject`), when it has one. */
  subject?: string;
  activityType: string;
  activityId: string;
  /** running: a worker has it; waiting: in the queue for a worker; retrying: waits out its retry delay; cancelling: asked to stop. */
  state: 'running' | 'waiting' | 'retrying' | 'cancelling' | 'paused';
  attempt: number;
  /** When the current state began (started, or scheduled), ISO. */
  since: string;
  ageSeconds: number;
  lastHeartbeat?: string;
}

/** Temporal's own view of the agent queue's backlog (DescribeTaskQueue with reportStats: approximate). */
export interface QueueBacklog {
  approximateCount: number;
  oldestAgeSeconds: number;
  /** Agent workers that polled the queue lately. */
  pollers: number;
}

/** A workflow waiting for a person at a gate. */
export interface WaitingApproval {
  workflowId: string;
  workflowType: string;
  subject?: string;
  gate: string;
  since: string;
  ageSeconds: number;
  expiresAt?: string;
}

export interface QueueReport {
  taskQueue: string;
  at: string;
  jobs: AgentJob[];
  backlog: QueueBacklog;
  approvals: WaitingApproval[];
  /** Running workflows that were not described (over MAX_WORKFLOWS): their jobs are missing above. */
  notDescribed: number;
}

type PendingActivity = proto.temporal.api.workflow.v1.IPendingActivityInfo;

function stateOf(activity: PendingActivity, now: number): AgentJob['state'] {
  switch (activity.state) {
    case PendingActivityState.PENDING_ACTIVITY_STATE_STARTED:
      return 'running';
    case PendingActivityState.PENDING_ACTIVITY_STATE_CANCEL_REQUESTED:
      return 'cancelling';
    case PendingActivityState.PENDING_ACTIVITY_STATE_PAUSED:
    case PendingActivityState.PENDING_ACTIVITY_STATE_PAUSE_REQUESTED:
      return 'paused';
    default: {
      const next = optionalTsToMs(activity.nextAttemptScheduleTime);
      return next !== undefined && next > now ? 'retrying' : 'waiting';
    }
  }
}

/** Whether a pending activity is on `taskQueue` (its options say so; an older server: an agent activity's type). */
function onQueue(activity: PendingActivity, taskQueue: string): boolean {
  const queue = activity.activityOptions?.taskQueue?.name;
  if (queue) return queue === taskQueue;
  return AGENT_ACTIVITY_TYPES.has(activity.activityType?.name ?? '');
}

/** The agent jobs among a workflow's pending activities. */
export function agentJobsOf(
  workflow: { workflowId: string; runId: string; workflowType: string; subject?: string },
  pending: readonly PendingActivity[],
  taskQueue: string,
  now: number,
): AgentJob[] {
  return pending
    .filter((activity) => onQueue(activity, taskQueue))
    .map((activity) => {
      const state = stateOf(activity, now);
      const started = state === 'running' || state === 'cancelling' ? optionalTsToMs(activity.lastStartedTime) : undefined;
      const since = started ?? optionalTsToMs(activity.scheduledTime) ?? now;
      const heartbeat = optionalTsToMs(activity.lastHeartbeatTime);
      return {
        ...workflow,
        activityType: activity.activityType?.name ?? 'unknown',
        activityId: activity.activityId ?? '',
        state,
        attempt: activity.attempt ?? 1,
        since: new Date(since).toISOString(),
        ageSeconds: Math.max(0, Math.round((now - since) / 1000)),
        ...(heartbeat !== undefined ? { lastHeartbeat: new Date(heartbeat).toISOString() } : {}),
      };
    });
}

/** Runs `work` over `items`, at most `limit` at once, keeping their order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  });
  await Promise.all(lanes);
  return results;
}

const within = <T>(client: Client, call: () => Promise<T>) => client.connection.withDeadline(Date.now() + CALL_TIMEOUT_MS, call);
/** A visibility listing (its pages, each a call) within one bound. */
const listWithin = (client: Client, walk: () => Promise<void>) => client.connection.withDeadline(Date.now() + LIST_TIMEOUT_MS, walk);

/** The jobs of every running workflow (visibility, then each one's pending activities), and how many were left out. */
async function agentJobs(client: Client, taskQueue: string, now: () => number): Promise<{ jobs: AgentJob[]; notDescribed: number }> {
  const workflows: Array<{ workflowId: string; runId: string; workflowType: string; subject?: string }> = [];
  let notDescribed = 0;
  await listWithin(client, async () => {
    for await (const info of client.workflow.list({ query: 'ExecutionStatus = "Running"', pageSize: 100 })) {
      if (workflows.length >= MAX_WORKFLOWS) {
        notDescribed += 1;
        continue;
      }
      const subject = info.typedSearchAttributes.get(searchAttributes.subject);
      workflows.push({ workflowId: info.workflowId, runId: info.runId, workflowType: info.type, ...(subject !== undefined ? { subject } : {}) });
    }
  });
  const described = await mapLimited(workflows, CONCURRENCY, async (workflow) => {
    // A workflow that closed since it was listed has no jobs; any other failure is the operator's to see.
    const description = await within(client, () => client.workflow.getHandle(workflow.workflowId, workflow.runId).describe()).catch((error: unknown) => {
      if (error instanceof WorkflowNotFoundError) return undefined;
      throw error;
    });
    return description ? agentJobsOf(workflow, description.raw.pendingActivities ?? [], taskQueue, now()) : [];
  });
  const order = { running: 0, cancelling: 1, retrying: 2, waiting: 3, paused: 4 } as const;
  const jobs = described.flat().sort((a, b) => order[a.state] - order[b.state] || b.ageSeconds - a.ageSeconds);
  return { jobs, notDescribed };
}

/** The agent queue's backlog as Temporal counts it. Needs a server that reports stats (Temporal 1.25 and later). */
async function backlogOf(client: Client, namespace: string, taskQueue: string): Promise<QueueBacklog> {
  const answer = await within(client, () =>
    client.workflowService.describeTaskQueue({
      namespace,
      taskQueue: { name: taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
      reportStats: true,
    }),
  );
  const age = answer.stats?.approximateBacklogAge;
  return {
    approximateCount: Number(answer.stats?.approximateBacklogCount ?? 0),
    oldestAgeSeconds: Math.round(Number(age?.seconds ?? 0) + (age?.nanos ?? 0) / 1e9),
    pollers: answer.pollers?.length ?? 0,
  };
}

/** The workflows waiting at a gate (their phase, from visibility) with the gate and its age from their `status` query. */
async function waitingApprovals(client: Client, now: () => number): Promise<WaitingApproval[]> {
  const listed: Array<{ workflowId: string; runId: string; workflowType: string; subject?: string }> = [];
  await listWithin(client, async () => {
    for await (const info of client.workflow.list({ query: WAITING_QUERY, pageSize: 100 })) {
      const subject = info.typedSearchAttributes.get(searchAttributes.subject);
      listed.push({ workflowId: info.workflowId, runId: info.runId, workflowType: info.type, ...(subject !== undefined ? { subject } : {}) });
      if (listed.length >= MAX_WORKFLOWS) break;
    }
  });
  const approvals = await mapLimited(listed, CONCURRENCY, async ({ runId, ...workflow }): Promise<WaitingApproval | undefined> => {
    // Decided or ended since it was listed: not waiting any more.
    const status = await within(client, () => client.workflow.getHandle(workflow.workflowId, runId).query<GateStatus>('status')).catch(() => undefined);
    const open = status?.openGate;
    if (!open) return undefined;
    const since = Date.parse(open.since);
    return { ...workflow, gate: open.gate, since: open.since, ageSeconds: Math.max(0, Math.round((now() - since) / 1000)), ...(open.expiresAt ? { expiresAt: open.expiresAt } : {}) };
  });
  return approvals.filter((approval): approval is WaitingApproval => approval !== undefined).sort((a, b) => b.ageSeconds - a.ageSeconds);
}

/** What waits and what runs on the agent task queue, and which workflows wait for a person. */
export async function queueReport(client: Client, config: Pick<Config, 'TEMPORAL_NAMESPACE' | 'AGENT_TASK_QUEUE'>, now: () => number = Date.now): Promise<QueueReport> {
  const [{ jobs, notDescribed }, backlog, approvals] = await Promise.all([
    agentJobs(client, config.AGENT_TASK_QUEUE, now),
    backlogOf(client, config.TEMPORAL_NAMESPACE, config.AGENT_TASK_QUEUE),
    waitingApprovals(client, now),
  ]);
  return { taskQueue: config.AGENT_TASK_QUEUE, at: new Date(now()).toISOString(), jobs, backlog, approvals, notDescribed };
}

/** `forgebot queue [--json]`: the agent queue's running and waiting jobs with their ages, its backlog, the approvals waiting. */
export async function runQueueCommand(config: Config, options: { json: boolean }, out: (text: string) => void = (text) => process.stdout.write(text)): Promise<void> {
  const client = await connectTemporalClient(config);
  try {
    const report = await queueReport(client, config);
    out(options.json ? `${JSON.stringify(report, null, 2)}\n` : renderQueue(report));
  } finally {
    await client.connection.close();
  }
}
