import type { SignalDefinition } from '@temporalio/common';
import type { SubjectRef, WorkflowKind } from '../domain/subject-ref.js';

/** A signal to deliver to a workflow: its name and arguments. */
export interface WorkflowSignal {
  name: string;
  args: unknown[];
}

/** A typed signal: `signalOf(newRevisionSignal, request)` checks the arguments against the signal's definition. */
export function signalOf<Args extends unknown[]>(definition: SignalDefinition<Args>, ...args: Args): WorkflowSignal {
  return { name: definition.name, args };
}

/**
 * What the webhook receiver asks of the workflow layer, for any kind of workflow and subject (change, Sentry issue,
 * Jira ticket). The workflow id is `workflowIdFor(kind, subject)`; the kinds are described in workflow-kinds.ts.
 * Backed by Temporal (temporal-workflow-starter.ts).
 */
export interface WorkflowStarter {
  /** Signal-with-start: starts the subject's workflow of this kind if none is running, and delivers `signal` to it. */
  start(kind: WorkflowKind, subject: SubjectRef, signal: WorkflowSignal): Promise<{ workflowId: string }>;
  /** Signals the subject's running workflow of this kind; `not-running` when there is none (never started, or ended). */
  signal(kind: WorkflowKind, subject: SubjectRef, name: string, args: unknown[]): Promise<'signalled' | 'not-running'>;
  /** Throws when the workflow service cannot be reached (for /readyz). */
  ping(): Promise<void>;
}

/** A workflow kind the starter has no entry for, or a subject of the wrong kind for it: a programming error. */
export class WorkflowKindError extends Error {
  override name = 'WorkflowKindError';
}
