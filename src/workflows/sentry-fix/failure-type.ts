import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';

/** The typed code (`ERR_PATCH_SCOPE`, …) of a failed activity's cause, if it has one. */
export function failureType(error: unknown): string | undefined {
  let cause: unknown = error;
  while (cause instanceof ActivityFailure && cause.cause) cause = cause.cause;
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
}
