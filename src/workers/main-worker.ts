import { Worker, type NativeConnection } from '@temporalio/worker';
import type { Config } from '../config.js';
import { createForgeActivities, type ForgeRegistry } from '../activities/forge-activities.js';
import { workflowBundle } from './workflow-source.js';

/** The worker on the main task queue: every workflow, and the light activities that call forge APIs. */
export async function createMainWorker(deps: {
  config: Pick<Config, 'TEMPORAL_NAMESPACE' | 'TEMPORAL_TASK_QUEUE'>;
  connection: NativeConnection;
  forges: ForgeRegistry;
}): Promise<Worker> {
  return Worker.create({
    connection: deps.connection,
    namespace: deps.config.TEMPORAL_NAMESPACE,
    taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
    workflowBundle: await workflowBundle(),
    activities: createForgeActivities({ forges: deps.forges }),
  });
}
