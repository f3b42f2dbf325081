import type { SubjectRef, WorkflowKind } from '../../domain/subject-ref.js';
import type { TemporalConfig } from '../../workers/temporal-client.js';
import type { WorkflowSignal } from '../workflow-starter.js';

/** What the starter thread needs to reach Temporal (structured-cloned into it as `workerData`). */
export interface StarterThreadSettings {
  temporal: TemporalConfig;
  taskQueue: string;
}

/** One WorkflowStarter call, main thread → starter thread. `close` ends the thread once its calls have settled. */
export type StarterCall =
  | { id: number; method: 'start'; kind: WorkflowKind; subject: SubjectRef; signal: WorkflowSignal }
  | { id: number; method: 'signal'; kind: WorkflowKind; subject: SubjectRef; name: string; args: unknown[] }
  | { id: number; method: 'ping' }
  | { id: 0; method: 'close' };

/** A call as the main thread makes it (the id is added when it is sent). */
export type StarterRequest = Exclude<StarterCall, { method: 'close' }> extends infer Call ? (Call extends unknown ? Omit<Call, 'id'> : never) : never;

/**
 * An error as it crosses the thread boundary: its name and message, and the codes along its cause chain (a gRPC
 * status code, for the outbox drainer's "later, not never" check), outermost first.
 */
export interface CarriedError {
  name: string;
  message: string;
  codes: Array<string | number | undefined>;
}

/** The answer to a call, starter thread → main thread. */
export type StarterAnswer = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: CarriedError };

/** An error's name, message and cause chain's codes (at most three deep, as the drainer reads them). */
export function carryError(error: unknown): CarriedError {
  const codes: CarriedError['codes'] = [];
  for (let cause: unknown = error, depth = 0; cause instanceof Error && depth < 3; cause = cause.cause, depth++) {
    const code: unknown = 'code' in cause ? cause.code : undefined;
    codes.push(typeof code === 'string' || typeof code === 'number' ? code : undefined);
  }
  return error instanceof Error ? { name: error.name, message: error.message, codes } : { name: 'Error', message: String(error), codes };
}
