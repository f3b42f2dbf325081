import { reviewWorkflowId, type ChangeRef } from '../../src/domain/change-ref.js';
import type { ChangeClosed, ReviewRequest } from '../../src/domain/review-request.js';
import type { ReviewStarter } from '../../src/webhooks/review-starter.js';

/** A ReviewStarter that records calls; `failWith` makes the next calls throw (workflow service down). */
export class RecordingStarter implements ReviewStarter {
  started: ReviewRequest[] = [];
  closed: { ref: ChangeRef; closed: ChangeClosed }[] = [];
  failWith: Error | undefined;
  pingError: Error | undefined;

  async startOrSignal(request: ReviewRequest) {
    if (this.failWith) throw this.failWith;
    this.started.push(request);
    return { workflowId: reviewWorkflowId(request.ref) };
  }

  async close(ref: ChangeRef, closed: ChangeClosed) {
    if (this.failWith) throw this.failWith;
    this.closed.push({ ref, closed });
    return 'signalled' as const;
  }

  async ping() {
    if (this.pingError) throw this.pingError;
  }
}
