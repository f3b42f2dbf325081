import { ApplicationFailure } from '@temporalio/common';

export type ClaimCheckErrorCode =
  | 'ERR_CLAIM_MISSING' // the object is gone (pruned, never written, or in another store)
  | 'ERR_CLAIM_CORRUPT' // the stored bytes differ from the reference (size or sha256)
  | 'ERR_CLAIM_INVALID'; // the reference is malformed, or the stored JSON does not match its schema

/** Every claim-check failure: none is fixed by retrying. */
export const CLAIM_CHECK_ERROR_CODES = ['ERR_CLAIM_MISSING', 'ERR_CLAIM_CORRUPT', 'ERR_CLAIM_INVALID'] as const satisfies readonly ClaimCheckErrorCode[];

/**
 * A permanent claim-check failure. It is an `ApplicationFailure` whose type is the code and which is
 * non-retryable, so an activity that lets it through fails at once with that type: no mapping needed.
 */
export class ClaimCheckError extends ApplicationFailure {
  constructor(
    readonly code: ClaimCheckErrorCode,
    message: string,
    cause?: Error,
  ) {
    super(message, code, true, undefined, cause);
  }

  get permanent(): true {
    return true;
  }
}
