import Anthropic from '@anthropic-ai/sdk';

/** A failure the runner names itself (its code reaches the activity as the failure type). */
export class RunnerError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RunnerError';
  }
}

/**
 * The code reported for a runner failure. The agent activity treats ERR_RUNNER_INPUT, ERR_MODEL_UNAUTHORIZED and
 * ERR_MODEL_INVALID_REQUEST as permanent (activities/permanent-errors.ts); the rest are retried.
 */
export function runnerErrorCode(error: unknown): string {
  if (error instanceof RunnerError) return error.code;
  if (error instanceof Anthropic.AuthenticationError || error instanceof Anthropic.PermissionDeniedError) return 'ERR_MODEL_UNAUTHORIZED';
  if (error instanceof Anthropic.BadRequestError || error instanceof Anthropic.NotFoundError) return 'ERR_MODEL_INVALID_REQUEST';
  if (error instanceof Anthropic.APIError) return 'ERR_MODEL_UNAVAILABLE'; // includes timeouts and connection errors, after the SDK's retries
  return 'ERR_RUNNER';
}
