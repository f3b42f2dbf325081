import type { z } from 'zod';
import type { ChangeRef } from '../../domain/change-ref.js';
import type { ChangeClosed } from '../../domain/review-request.js';
import { GitLabEventEnvelope, MergeRequestClosedEvent, MergeRequestEvent } from './merge-request-event.js';

export type GitLabEvent =
  | { kind: 'merge_request'; event: MergeRequestEvent }
  | { kind: 'merge_request_closed'; ref: ChangeRef | undefined; closed: ChangeClosed }
  | { kind: 'other'; objectKind: string };

export class InvalidPayloadError extends Error {
  constructor(readonly reason: string) {
    super(`invalid payload: ${reason}`);
    this.name = 'InvalidPayloadError';
  }
}

function reasonOf(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; ');
}

function parseWith<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new InvalidPayloadError(reasonOf(parsed.error));
  return parsed.data;
}

/** Parses a GitLab webhook body once into the union forgebot acts on. Throws InvalidPayloadError. */
export function parseGitLabEvent(body: unknown): GitLabEvent {
  const envelope = parseWith(GitLabEventEnvelope, body);
  if (envelope.object_kind !== 'merge_request') return { kind: 'other', objectKind: envelope.object_kind };
  const action = envelope.object_attributes?.action;
  if (action === 'close' || action === 'merge') {
    const event = parseWith(MergeRequestClosedEvent, body);
    const attributes = event.object_attributes;
    const projectId = event.project.id ?? attributes.target_project_id;
    const iid = attributes.iid ?? Number(/\/merge_requests\/(\d+)/.exec(attributes.url ?? '')?.[1] ?? Number.NaN);
    const ref: ChangeRef | undefined =
      projectId !== undefined && Number.isInteger(iid) && iid > 0
        ? { forge: 'gitlab', projectId, projectPath: event.project.path_with_namespace, number: iid }
        : undefined;
    return { kind: 'merge_request_closed', ref, closed: { reason: action === 'merge' ? 'merged' : 'closed' } };
  }
  return { kind: 'merge_request', event: parseWith(MergeRequestEvent, body) };
}
