import { z } from 'zod';
import { SubjectRef, type WorkflowKind } from '../../domain/subject-ref.js';
import type { WorkflowStarter } from '../workflow-starter.js';

/**
 * One call to the workflow layer, decided and validated by a webhook route: what `dispatchChangeAction` hands to
 * Temporal at once, or holds in the outbox while Temporal cannot be reached.
 */
export const Handover = z.object({
  workflow: z.enum(['review', 'sentry-fix', 'ticket']) satisfies z.ZodType<WorkflowKind>,
  subject: SubjectRef,
  /** `start`: signal-with-start (idempotent: the workflow id is the subject's). `signal`: only a running workflow. */
  op: z.enum(['start', 'signal']),
  signal: z.object({ name: z.string().min(1), args: z.array(z.unknown()) }),
});
export type Handover = z.infer<typeof Handover>;

/** What became of a handover: a workflow started or signalled, or none running to signal (the signal is dropped). */
export type HandoverResult = 'started' | 'signalled' | 'not-running';

/** Makes the call a handover describes. Throws when the workflow service cannot be reached. */
export async function handOver(starter: WorkflowStarter, handover: Handover): Promise<HandoverResult> {
  if (handover.op === 'start') {
    await starter.start(handover.workflow, handover.subject, handover.signal);
    return 'started';
  }
  return starter.signal(handover.workflow, handover.subject, handover.signal.name, handover.signal.args);
}
