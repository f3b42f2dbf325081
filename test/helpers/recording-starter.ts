import type { ChangeRef } from '../../src/domain/change-ref.js';
import { ChangeClosed, ReviewRequest } from '../../src/domain/review-request.js';
import { workflowIdFor, type SubjectRef, type WorkflowKind } from '../../src/domain/subject-ref.js';
import { changeClosedSignal, newRevisionSignal } from '../../src/workflows/definitions.js';
import { kindSpec, workflowKinds } from '../../src/webhooks/workflow-kinds.js';
import type { WorkflowSignal, WorkflowStarter } from '../../src/webhooks/workflow-starter.js';

export type StarterCall =
  | { op: 'start'; kind: WorkflowKind; subject: SubjectRef; signal: WorkflowSignal }
  | { op: 'signal'; kind: WorkflowKind; subject: SubjectRef; signal: WorkflowSignal };

/**
 * A WorkflowStarter that records calls (and refuses what the Temporal one refuses: an unknown kind, a wrong subject);
 * `failWith` makes the next calls throw (workflow service down). `started` and `closed` are the review calls.
 */
export class RecordingStarter implements WorkflowStarter {
  calls: StarterCall[] = [];
  failWith: Error | undefined;
  pingError: Error | undefined;

  /** The revisions delivered to review workflows (signal-with-start of `newRevision`). */
  get started(): ReviewRequest[] {
    return this.calls.filter((call) => call.op === 'start' && call.kind === 'review' && call.signal.name === newRevisionSignal.name).map((call) => ReviewRequest.parse(call.signal.args[0]));
  }

  /** The changes whose review workflow was told they closed. */
  get closed(): { ref: ChangeRef; closed: ChangeClosed }[] {
    return this.calls.flatMap((call) =>
      call.op === 'signal' && call.kind === 'review' && call.subject.kind === 'change' && call.signal.name === changeClosedSignal.name
        ? [{ ref: call.subject.change, closed: ChangeClosed.parse(call.signal.args[0]) }]
        : [],
    );
  }

  async start(kind: WorkflowKind, subject: SubjectRef, signal: WorkflowSignal) {
    kindSpec(workflowKinds, kind, subject);
    if (this.failWith) throw this.failWith;
    this.calls.push({ op: 'start', kind, subject, signal });
    return { workflowId: workflowIdFor(kind, subject) };
  }

  async signal(kind: WorkflowKind, subject: SubjectRef, name: string, args: unknown[]): Promise<'signalled' | 'not-running'> {
    kindSpec(workflowKinds, kind, subject);
    if (this.failWith) throw this.failWith;
    this.calls.push({ op: 'signal', kind, subject, signal: { name, args } });
    return 'signalled';
  }

  async ping() {
    if (this.pingError) throw this.pingError;
  }
}
