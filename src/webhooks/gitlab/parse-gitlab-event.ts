import type { z } from 'zod';
import { GitLabEventEnvelope, MergeRequestAction, MergeRequestClosedEvent, MergeRequestEvent } from './merge-request-event.js';

/** A GitLab delivery, parsed once. Only merge requests are read beyond their kind. */
export type GitLabEvent =
  | { kind: 'merge_request'; event: MergeRequestEvent }
  | { kind: 'merge_request_closed'; event: MergeRequestClosedEvent }
  /** A merge request action that never needs a review (approved, unapproved, …). */
  | { kind: 'merge_request_other'; action: string }
  | { kind: 'other'; objectKind: string };

export class InvalidPayloadError extends Error {
  constructor(readonly reason: string) {
    super(`invalid payload: ${reason}`);
    this.name = 'InvalidPayloadError';
  }
}

/** `X-Gitlab-Event` values that may carry a merge request event. */
const MERGE_REQUEST_HEADERS = new Set(['Merge Request Hook', 'System Hook']);

function reasonOf(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; ');
}

export function parseWith<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new InvalidPayloadError(reasonOf(parsed.error));
  return parsed.data;
}

/**
 * Parses a GitLab webhook body (already JSON-decoded) once, by `object_kind`. The `X-Gitlab-Event` header, when sent,
 * must agree with it for merge requests (a "Merge Request Hook" that is not one, or the reverse, is refused).
 * Throws InvalidPayloadError with the offending field.
 */
export function parseGitLabEvent(body: unknown, eventHeader?: string): GitLabEvent {
  const envelope = parseWith(GitLabEventEnvelope, body);
  const objectKind = envelope.object_kind ?? envelope.event_name ?? '';
  const isMergeRequest = objectKind === 'merge_request';
  const headerDisagrees = isMergeRequest ? !MERGE_REQUEST_HEADERS.has(eventHeader ?? 'Merge Request Hook') : eventHeader === 'Merge Request Hook';
  if (headerDisagrees) {
    throw new InvalidPayloadError(`X-Gitlab-Event "${eventHeader}" does not match object_kind "${objectKind}"`);
  }
  if (!isMergeRequest) return { kind: 'other', objectKind };

  const action = parseWith(MergeRequestAction, body).object_attributes.action ?? '';
  switch (action) {
    case 'open':
    case 'reopen':
    case 'update':
      return { kind: 'merge_request', event: parseWith(MergeRequestEvent, body) };
    case 'close':
    case 'merge':
      return { kind: 'merge_request_closed', event: parseWith(MergeRequestClosedEvent, body) };
    default:
      return { kind: 'merge_request_other', action };
  }
}
