import type { ChangeRef } from '../domain/change-ref.js';
import type { ChangeClosed, ReviewRequest } from '../domain/review-request.js';

/** What the webhook receiver asks of the workflow layer. Backed by Temporal (temporal-review-starter.ts). */
export interface ReviewStarter {
  /** Starts the change's review workflow, or signals the running one with the new revision. */
  startOrSignal(request: ReviewRequest): Promise<{ workflowId: string }>;
  /** Tells the change's workflow that the change is closed; `not-running` when there is none. */
  close(ref: ChangeRef, closed: ChangeClosed): Promise<'signalled' | 'not-running'>;
  /** Throws when the workflow service cannot be reached (for /readyz). */
  ping(): Promise<void>;
}
