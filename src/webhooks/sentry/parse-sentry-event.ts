import { z } from 'zod';
import { InvalidPayloadError, parseWith } from '../gitlab/parse-gitlab-event.js';
import { SentryEnvelope, SentryEventAlertPayload, SentryIssuePayload } from './sentry-payload.js';

export { InvalidPayloadError };

/** The issue actions forgebot acts on; `assigned` and any other is only acknowledged. */
const ISSUE_ACTIONS = new Set(['created', 'unresolved', 'resolved', 'ignored', 'archived']);

// Parsed from the body's root, so that a problem names its field as sent (`data.issue.shortId`).
const IssueDelivery = z.object({ data: SentryIssuePayload });
const EventAlertDelivery = z.object({ data: SentryEventAlertPayload });

/** A Sentry delivery, parsed once (by `Sentry-Hook-Resource`: the payloads do not name their own resource). */
export type SentryEvent =
  | { kind: 'issue'; action: string; envelope: SentryEnvelope; issue: SentryIssuePayload['issue'] }
  | { kind: 'event_alert'; envelope: SentryEnvelope; alert: SentryEventAlertPayload }
  /** `installation`, `metric_alert`, `comment`, `error`, an issue `assigned`, … */
  | { kind: 'other'; resource: string; action: string };

/**
 * Parses a Sentry webhook body (already JSON-decoded) by its resource: only what can start or end work is read beyond
 * the envelope. Throws InvalidPayloadError with the offending field.
 */
export function parseSentryEvent(body: unknown, resource: string | undefined): SentryEvent {
  if (!resource) throw new InvalidPayloadError('Sentry-Hook-Resource header is missing');
  const envelope = parseWith(SentryEnvelope, body);
  if (resource === 'issue' && ISSUE_ACTIONS.has(envelope.action)) {
    return { kind: 'issue', action: envelope.action, envelope, issue: parseWith(IssueDelivery, body).data.issue };
  }
  if (resource === 'event_alert' && envelope.action === 'triggered') {
    return { kind: 'event_alert', envelope, alert: parseWith(EventAlertDelivery, body).data };
  }
  return { kind: 'other', resource, action: envelope.action };
}
