import type { Config } from '../../config.js';
import type { AuditStore } from '../../audit/audit-store.js';
import type { ReviewMemoryStore } from '../../audit/memory/review-memory-store.js';
import { openAuditStore } from '../../audit/open-audit-store.js';
import { AuditStoreBusyError } from '../../audit/pglite-lock.js';

/** A bad option, an unknown learning, or a memory that cannot be read: one line on stderr, exit code 2. */
export class MemoryUsageError extends Error {}

const UNIT_MS: Record<string, number> = { h: 3_600_000, d: 86_400_000 };

/** `--expires`: an age after `now` (`90d`, `12h`), or `never` (null). */
export function parseExpiry(value: string, now: Date = new Date()): Date | null {
  if (value.trim() === 'never') return null;
  const age = /^(\d{1,5})([hd])$/.exec(value.trim());
  if (!age || Number(age[1]) === 0) throw new MemoryUsageError(`--expires ${JSON.stringify(value)}: an age such as 90d or 12h, or never`);
  return new Date(now.getTime() + Number(age[1]) * (UNIT_MS[age[2] ?? 'd'] ?? 0));
}

/** Runs `work` on review memory in the configured audit database (or the one a test gives), then closes it. */
export async function withMemory<T>(config: Config, given: AuditStore | undefined, work: (memory: ReviewMemoryStore) => Promise<T>): Promise<T> {
  let store: AuditStore;
  try {
    store = given ?? openAuditStore(config);
  } catch (error) {
    if (error instanceof AuditStoreBusyError) throw new MemoryUsageError(error.message);
    throw error;
  }
  try {
    if (store.kind === 'off') throw new MemoryUsageError('review memory is off with the audit trail (AUDIT_STORE=off)');
    return await work(store.memory);
  } finally {
    if (!given) await store.close();
  }
}
