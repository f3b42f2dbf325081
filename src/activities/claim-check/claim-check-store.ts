import type { ClaimRef } from '../../domain/claim-ref.js';

/**
 * Keeps large bodies (agent results, patches, command output) out of Temporal history: an activity puts the
 * body and returns the small `ClaimRef`; the next activity gets the body back by that reference.
 */
export interface ClaimCheckStore {
  /** Stores `body` under a content-addressed key. Putting the same kind and body again is harmless. */
  put(kind: string, body: Uint8Array): Promise<ClaimRef>;
  /** The body, verified against the reference's size and sha256 (`ClaimCheckError` otherwise). */
  get(ref: ClaimRef): Promise<Uint8Array>;
  /** Deletes the claims last put before `olderThan`; returns how many. */
  prune(olderThan: Date): Promise<number>;
  close(): Promise<void>;
}
