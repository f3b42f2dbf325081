import type { ChangeRef } from '../domain/change-ref.js';

/**
 * The Redis keys (before the dedupe prefix) for one change, on any forge. Every key of a change shares the `{…}`
 * hash tag, so a claim over several of them stays in one slot on Redis Cluster.
 */
function subject(ref: ChangeRef): string {
  return `{${ref.forge}:${ref.projectId}:${ref.number}}`;
}

/**
 * A delivery of an event about `ref`. GitLab's X-Gitlab-Event-UUID is shared by every event one GitLab request or job
 * sends to a hook (one push updating two merge requests sends both with the same UUID), so the key also names the
 * change and what happened to it; `deliveryId` is the forge's stable delivery id (GitLab's `Idempotency-Key`,
 * GitHub's `X-GitHub-Delivery`, both kept across redeliveries).
 */
export function deliveryKey(ref: ChangeRef, deliveryId: string, what: string): string {
  return `${subject(ref)}:delivery:${deliveryId}:${what}`;
}

/** One revision of a change: a second delivery of the same head SHA (another hook, a resend) reviews nothing. */
export function revisionKey(ref: ChangeRef, headSha: string): string {
  return `${subject(ref)}:sha:${headSha}`;
}
