import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';

/** A one-line, human-readable reason for a failed activity, safe to post on the change. */
export function failureReason(error: unknown): string {
  let cause: unknown = error;
  while (cause instanceof ActivityFailure && cause.cause) cause = cause.cause;
  if (cause instanceof ApplicationFailure) return `${cause.type ?? 'error'}: ${cause.message}`;
  if (cause instanceof Error) return cause.message;
  return String(cause);
}
