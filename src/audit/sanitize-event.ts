import { redactSecrets } from '../domain/redact.js';
import type { AuditDetail, AuditEvent } from './audit-event.js';

const MAX_TEXT = 500;
const MAX_URL = 2_000;
const MAX_LIST = 100;
const MAX_DETAILS = 40;

/** A text as the trail keeps it: secrets redacted (token shapes and the worker's own), control characters gone, capped. */
export function auditText(text: string, secrets: readonly string[], max = MAX_TEXT): string {
  return redactSecrets(text, secrets).replace(/[\u0000-\u001f\u007f]+/g, ' ').slice(0, max);
}

function detail(value: AuditDetail | undefined, secrets: readonly string[]): AuditDetail | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return auditText(value, secrets);
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) return value.slice(0, MAX_LIST).map((item) => (typeof item === 'string' ? auditText(item, secrets, 200) : item));
  return value as boolean | null;
}

/**
 * Every text of a row through redactSecrets (whatever built it), details reduced to small values: the trail is read
 * by operators and kept for a year, so nothing in it may be a credential, and nothing long (a body) fits.
 */
export function sanitizeEvent(event: AuditEvent, secrets: readonly string[] = []): AuditEvent {
  const text = (value: string | undefined, max = MAX_TEXT) => (value === undefined ? undefined : auditText(value, secrets, max));
  const details: Record<string, AuditDetail> = {};
  for (const [key, value] of Object.entries(event.details ?? {}).slice(0, MAX_DETAILS)) {
    const clean = detail(value, secrets);
    if (clean !== undefined) details[auditText(key, secrets, 60)] = clean;
  }
  const optional = { repository: text(event.repository), subject: text(event.subject), actor: text(event.actor), accessLevel: text(event.accessLevel), url: text(event.url, MAX_URL), outcome: text(event.outcome), workflowType: text(event.workflowType) };
  return {
    category: event.category,
    kind: event.kind,
    ordinal: Math.max(0, Math.trunc(event.ordinal ?? 0)),
    target: event.target,
    workflowId: auditText(event.workflowId, secrets, 1_000),
    runId: auditText(event.runId, secrets, 200),
    sourceId: auditText(event.sourceId, secrets, 200),
    source: auditText(event.source, secrets, 200),
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)),
    details,
  };
}
