import { ApplicationFailure } from '@temporalio/common';
import { ForgeError } from './forge.js';
import { SandboxError } from './sandbox/sandbox.js';

/** Error types a workflow must not retry: retrying cannot fix them. */
export const PERMANENT_ERROR_TYPES = [
  'ERR_FORGE_NOT_FOUND',
  'ERR_FORGE_UNAUTHORIZED',
  'ERR_FORGE_INVALID',
  'ERR_UNKNOWN_FORGE',
  'ERR_RUNNER_OUTPUT',
] as const;

/** Turns the typed errors of forges and sandboxes into Temporal failures that keep their type. */
export function toActivityFailure(error: unknown): unknown {
  if (error instanceof ApplicationFailure) return error;
  if (error instanceof ForgeError) {
    return ApplicationFailure.create({
      type: error.code,
      message: error.message,
      nonRetryable: error.permanent,
      ...(error.retryAfterMs !== undefined ? { nextRetryDelay: error.retryAfterMs } : {}),
    });
  }
  if (error instanceof SandboxError) {
    return ApplicationFailure.create({
      type: error.code,
      message: error.message,
      nonRetryable: error.code === 'ERR_RUNNER_OUTPUT',
    });
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
