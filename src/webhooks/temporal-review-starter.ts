import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { reviewWorkflowId } from '../domain/change-ref.js';
import type { ReviewRequest } from '../domain/review-request.js';
import {
  changeClosedSignal,
  newRevisionSignal,
  searchAttributes,
} from '../workflows/definitions.js';
import type { reviewWorkflow } from '../workflows/review.js';
import type { ReviewStarter } from './review-starter.js';

/** Starts review workflows on `taskQueue`; their settings are read by the workers at each run, not passed here. */
export function createTemporalReviewStarter(client: Client, taskQueue: string): ReviewStarter {
  return {
    async startOrSignal(request: ReviewRequest) {
      const workflowId = reviewWorkflowId(request.ref);
      await client.workflow.signalWithStart<typeof reviewWorkflow, [ReviewRequest]>('reviewWorkflow', {
        workflowId,
        taskQueue,
        args: [{ ref: request.ref }],
        signal: newRevisionSignal,
        signalArgs: [request],
        staticSummary: `Review of ${request.ref.projectPath}${request.ref.forge === 'github' ? '#' : '!'}${request.ref.number}`,
        staticDetails: `${request.title}\n\n${request.webUrl}`,
        typedSearchAttributes: [
          { key: searchAttributes.forge, value: request.ref.forge },
          { key: searchAttributes.repository, value: request.ref.projectPath },
          { key: searchAttributes.changeNumber, value: request.ref.number },
          { key: searchAttributes.phase, value: 'waiting' },
        ],
      });
      return { workflowId };
    },
    async close(ref, closed) {
      try {
        await client.workflow.getHandle(reviewWorkflowId(ref)).signal(changeClosedSignal, closed);
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
