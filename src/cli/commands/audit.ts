import type { Config } from '../../config.js';
import type { StoredAuditEvent } from '../../audit/audit-event.js';
import type { AuditFilter, AuditStore } from '../../audit/audit-store.js';
import { openAuditStore } from '../../audit/open-audit-store.js';
import { AuditStoreBusyError } from '../../audit/pglite-lock.js';

/** A bad option, or a trail that cannot be read: one line on stderr, exit code 2. */
export class AuditUsageError extends Error {}

export interface AuditCommand {
  repository?: string;
  subject?: string;
  /** An ISO time, or an age: `7d`, `12h`, `30m`. */
  since?: string;
  limit?: string;
  json: boolean;
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--since`: an age (`7d`, `12h`, `30m`) before `now`, or an ISO date or time. */
export function parseSince(value: string, now: Date = new Date()): Date {
  const age = /^(\d{1,6})([mhd])$/.exec(value.trim());
  if (age) return new Date(now.getTime() - Number(age[1]) * (UNIT_MS[age[2] ?? 'd'] ?? 0));
  if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value.trim())) {
    const at = new Date(value.trim());
    if (!Number.isNaN(at.getTime())) return at;
  }
  throw new AuditUsageError(`--since ${JSON.stringify(value)}: an ISO date or time (2025-06-01, 2025-06-01T12:00:00Z) or an age such as 7d, 12h, 30m`);
}

/** The filter the options ask for. */
export function auditFilterOf(command: AuditCommand, now: Date = new Date()): AuditFilter {
  const limit = command.limit === undefined ? 100 : Number(command.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new AuditUsageError(`--limit ${JSON.stringify(command.limit)}: a whole number from 1 to 10000`);
  return {
    limit,
    ...(command.repository !== undefined ? { repository: command.repository } : {}),
    ...(command.subject !== undefined ? { subject: command.subject } : {}),
    ...(command.since !== undefined ? { since: parseSince(command.since, now) } : {}),
  };
}

/** A row's details as `key=value` pairs, in their order. */
function detailText(event: StoredAuditEvent): string {
  return Object.entries(event.details)
    .filter(([, value]) => value !== null)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join(',') : String(value)}`)
    .join(' ');
}

/** The rows as a table for people: newest first, one line each. */
export function auditTable(events: readonly StoredAuditEvent[]): string {
  if (events.length === 0) return 'no audit rows match\n';
  const header = ['at', 'kind', 'outcome', 'who', 'repository', 'subject', 'workflow', 'details'];
  const lines = events.map((event) => [
    event.at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    event.kind,
    event.outcome ?? '-',
    [event.actor, event.accessLevel].filter(Boolean).join(' ') || '-',
    event.repository ?? '-',
    event.subject ?? event.workflowSubject ?? '-',
    event.workflowId,
    [detailText(event), event.url].filter(Boolean).join(' '),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]?.length ?? 0)));
  const format = (cells: string[]) => cells.map((cell, column) => (column < cells.length - 1 ? cell.padEnd(widths[column] ?? 0) : cell)).join('  ');
  return [format(header), ...lines.map(format)].join('\n') + '\n';
}

/** The rows as JSON lines: one object a line, for tools. */
export function auditJsonLines(events: readonly StoredAuditEvent[]): string {
  return events.map((event) => JSON.stringify({ ...event, at: event.at.toISOString() })).join('\n') + (events.length > 0 ? '\n' : '');
}

/** `forgebot audit`: what forgebot did and who decided, from the audit trail, newest first. */
export async function runAuditCommand(config: Config, command: AuditCommand, out: (text: string) => void = (text) => process.stdout.write(text), given?: AuditStore): Promise<void> {
  const filter = auditFilterOf(command);
  let store: AuditStore;
  try {
    store = given ?? openAuditStore(config);
  } catch (error) {
    if (error instanceof AuditStoreBusyError) throw new AuditUsageError(error.message);
    throw error;
  }
  try {
    if (store.kind === 'off') throw new AuditUsageError('the audit trail is off (AUDIT_STORE=off)');
    const events = await store.list(filter);
    out(command.json ? auditJsonLines(events) : auditTable(events));
  } finally {
    if (!given) await store.close();
  }
}
