import type { Client } from '@temporalio/client';
import { createTemporalWorkflowStarter } from './temporal-workflow-starter.js';
import type { WorkflowStarter } from './workflow-starter.js';

/**
 * The Temporal starter with every workflow on `taskQueue` (the main task queue): the name from before other kinds of
 * workflow; `createTemporalWorkflowStarter` is the full form.
 */
export function createTemporalReviewStarter(client: Client, taskQueue: string): WorkflowStarter {
  return createTemporalWorkflowStarter(client, { taskQueues: { main: taskQueue } });
}
