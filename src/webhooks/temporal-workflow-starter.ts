import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { subjectKey, workflowIdFor } from '../domain/subject-ref.js';
import { searchAttributes } from '../workflows/definitions.js';
import { kindSpec, workflowKinds, type TaskQueues, type WorkflowKinds } from './workflow-kinds.js';
import type { WorkflowStarter } from './workflow-starter.js';

export interface TemporalWorkflowStarterOptions {
  taskQueues: TaskQueues;
  /** The kinds it can start (default: forgebot's, `workflowKinds`). */
  kinds?: WorkflowKinds;
  /**
   * gRPC deadline of a start or signal, its retries included (default 5 s, inside the receiver's 6 s bound): a call
   * ends on its own instead of retrying in the background after the caller gave up on it.
   */
  callTimeoutMs?: number;
}

/**
 * Starts and signals forgebot's workflows on Temporal. Workflow ids are `workflowIdFor(kind, subject)`; every
 * workflow carries `ForgebotSubject` (the subject key) from its start. Settings are read by the workers at each run,
 * not passed here.
 */
export function createTemporalWorkflowStarter(client: Client, options: TemporalWorkflowStarterOptions): WorkflowStarter {
  const kinds = options.kinds ?? workflowKinds;
  const callTimeoutMs = options.callTimeoutMs ?? 5_000;
  const bounded = <T>(call: () => Promise<T>) => client.connection.withDeadline(Date.now() + callTimeoutMs, call);
  return {
    async start(kind, subject, signal) {
      const spec = kindSpec(kinds, kind, subject);
      const workflowId = workflowIdFor(kind, subject);
      const { summary, details } = spec.describe(subject, signal);
      await bounded(() =>
        client.workflow.signalWithStart(spec.workflowType, {
          workflowId,
          taskQueue: options.taskQueues[spec.taskQueue],
          args: spec.input(subject),
          signal: signal.name,
          signalArgs: signal.args,
          staticSummary: summary,
          ...(details === undefined ? {} : { staticDetails: details }),
          typedSearchAttributes: [...spec.searchAttributes(subject), { key: searchAttributes.subject, value: subjectKey(subject) }],
        }),
      );
      return { workflowId };
    },
    async signal(kind, subject, name, args) {
      kindSpec(kinds, kind, subject);
      try {
        await bounded(() => client.workflow.getHandle(workflowIdFor(kind, subject)).signal(name, ...args));
        return 'signalled';
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return 'not-running';
        throw error;
      }
    },
    async ping() {
      // A deadline shorter than the readiness check's, so no call outlives the probe.
      await client.connection.withDeadline(Date.now() + 1_500, () => client.workflowService.getSystemInfo({}));
    },
  };
}
