import { Worker, type NativeConnection } from '@temporalio/worker';
import type { Config } from '../config.js';
import { createAuthorActivities } from '../activities/author-activities.js';
import type { ClaimCheckStore } from '../activities/claim-check/claim-check-store.js';
import { createForgeActivities, type ForgeRegistry } from '../activities/forge-activities.js';
import { createRunSettingsActivities } from '../activities/run-settings-activities.js';
import { runSettings } from './review-settings.js';
import { workflowBundle } from './workflow-source.js';

/**
 * The worker on the main task queue: every workflow, and the light activities (forge reads and writes, the run
 * settings workflows read at each turn, from this worker's configuration).
 */
export async function createMainWorker(deps: {
  config: Config;
  connection: NativeConnection;
  forges: ForgeRegistry;
  /** Where agent outputs are kept (the agent worker's store: the same one). */
  claims: ClaimCheckStore;
}): Promise<Worker> {
  const { forges, claims } = deps;
  return Worker.create({
    connection: deps.connection,
    namespace: deps.config.TEMPORAL_NAMESPACE,
    taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
    workflowBundle: await workflowBundle(),
    activities: {
      ...createForgeActivities({ forges, claims }),
      ...createAuthorActivities({ forges, claims }),
      ...createRunSettingsActivities(runSettings(deps.config)),
    },
  });
}
