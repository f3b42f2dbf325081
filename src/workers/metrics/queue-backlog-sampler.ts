import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import { queueBacklog, queueBacklogAge } from './forgebot-metrics.js';

const { TaskQueueKind, TaskQueueType } = proto.temporal.api.enums.v1;

/** How long one DescribeTaskQueue may take. */
const DESCRIBE_TIMEOUT_MS = 10_000;

/**
 * Samples the agent task queue's backlog: Temporal's DescribeTaskQueue of its activity tasks with `reportStats`
 * (the server's approximate backlog count and the age of the oldest task) into forgebot_agent_queue_backlog and
 * forgebot_agent_queue_backlog_age_seconds. The agent-worker polls one job at a time, so this backlog is the queue of
 * agent jobs waiting their turn. Needs a server that reports stats (Temporal 1.25 and later).
 */
export async function sampleQueueBacklog(client: Pick<Client, 'workflowService' | 'connection'>, namespace: string, taskQueue: string): Promise<void> {
  const answer = await client.connection.withDeadline(Date.now() + DESCRIBE_TIMEOUT_MS, () =>
    client.workflowService.describeTaskQueue({
      namespace,
      taskQueue: { name: taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
      reportStats: true,
    }),
  );
  const stats = answer.stats;
  if (!stats) throw new Error(`the Temporal server reported no stats for task queue ${taskQueue} (reportStats needs Temporal 1.25 or later)`);
  queueBacklog.set({ task_queue: taskQueue }, Number(stats.approximateBacklogCount ?? 0));
  const age = stats.approximateBacklogAge;
  queueBacklogAge.set({ task_queue: taskQueue }, Number(age?.seconds ?? 0) + (age?.nanos ?? 0) / 1e9);
}
