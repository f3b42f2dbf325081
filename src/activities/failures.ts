import { ApplicationFailure } from '@temporalio/common';
import { ForgeError } from './forge.js';
import { JiraError } from './jira/jira-api.js';
import { PERMANENT_ERROR_TYPES } from './permanent-errors.js';
import { SandboxError } from './sandbox/sandbox.js';

/** Turns the typed errors of forges, Jira and sandboxes into Temporal failures that keep their type. */
export function toActivityFailure(error: unknown): unknown {
  if (error instanceof ApplicationFailure) return error;
  if (error instanceof ForgeError || error instanceof JiraError) {
    return ApplicationFailure.create({
      type: error.code,
      message: error.message,
      nonRetryable: error.permanent,
      ...(error.retryAfterMs !== undefined ? { nextRetryDelay: error.retryAfterMs } : {}),
    });
  }
  if (error instanceof SandboxError) {
    // A runner failure keeps the runner's own code (ERR_MODEL_UNAUTHORIZED, …) as its type.
    const type = error.runnerCode ?? error.code;
    return ApplicationFailure.create({ type, message: error.message, nonRetryable: PERMANENT_ERROR_TYPES.includes(type) });
  }
  return error;
}

/** Runs `work`, rethrowing its error as a typed activity failure. */
export async function withTypedFailures<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toActivityFailure(error);
  }
}
