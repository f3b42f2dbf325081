import type { Logger } from '../logger.js';
import type { AuditStore } from './audit-store.js';

const DAY_MS = 86_400_000;

/** Deletes the audit rows older than the retention period (AUDIT_RETENTION_DAYS); returns how many. */
export async function pruneAuditTrail(store: AuditStore, retentionDays: number, now: Date = new Date()): Promise<number> {
  return store.prune(new Date(now.getTime() - retentionDays * DAY_MS));
}

export interface AuditPruneSchedule {
  /** Default: a day. */
  everyMs?: number;
  /** The first prune, after start-up (default: a minute, off the start-up's busy seconds). */
  firstAfterMs?: number;
}

/**
 * Prunes the trail now and then (daily by default) for as long as the worker runs; returns the function that stops it.
 * Several workers pruning the same database is harmless (each deletes what is older than its cut-off). The timers never
 * keep the process alive.
 */
export function scheduleAuditPruning(store: AuditStore, retentionDays: number, logger: Logger, schedule: AuditPruneSchedule = {}): () => void {
  if (store.kind === 'off') return () => undefined;
  let interval: NodeJS.Timeout | undefined;
  const prune = () => {
    pruneAuditTrail(store, retentionDays).then(
      (deleted) => {
        if (deleted > 0) logger.info({ deleted, retentionDays }, 'pruned the audit trail');
      },
      (error: unknown) => logger.warn({ err: error }, 'could not prune the audit trail'),
    );
  };
  const first = setTimeout(() => {
    prune();
    interval = setInterval(prune, schedule.everyMs ?? DAY_MS).unref();
  }, schedule.firstAfterMs ?? 60_000).unref();
  return () => {
    clearTimeout(first);
    if (interval) clearInterval(interval);
  };
}
