import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { auditActivityInterceptor } from './audit-interceptor.js';
import { createNoAuditStore, type AuditStore } from './audit-store.js';
import { openAuditStore } from './open-audit-store.js';
import { AuditStoreBusyError } from './pglite-lock.js';
import { scheduleAuditPruning, type AuditPruneSchedule } from './prune.js';

/** A worker process's audit trail: its store, the activity interceptor to install on its workers, and its daily prune. */
export interface WorkerAudit {
  store: AuditStore;
  /** For `Worker.create({ …, interceptors: { activity: [audit.interceptor] } })`, on the main and the agent worker. */
  interceptor: ActivityInterceptorsFactory;
  /** Stops the prune and closes the store (after the workers stopped). */
  close(): Promise<void>;
}

/**
 * Opens the configured audit store (AUDIT_STORE; PostgreSQL with DATABASE_URL, else PGlite at AUDIT_STORE_DIR),
 * makes the interceptor (agent jobs are recorded with ANTHROPIC_MODEL) and starts the daily prune
 * (AUDIT_RETENTION_DAYS). An embedded store another process holds leaves this one without a trail, said once as a
 * warning: PGlite serves one process (`make dev` runs all in one); PostgreSQL serves any number.
 */
export function auditForWorker(config: Config, logger: Logger, schedule?: AuditPruneSchedule): WorkerAudit {
  let store: AuditStore;
  try {
    store = openAuditStore(config, { logger });
  } catch (error) {
    if (!(error instanceof AuditStoreBusyError)) throw error;
    logger.warn({ dir: error.dir, pid: error.pid }, `no audit trail in this process: ${error.message}`);
    store = createNoAuditStore();
  }
  if (store.kind === 'pglite' && config.SANDBOX === 'kubernetes') logger.warn('the audit trail is in an embedded database (PGlite): set DATABASE_URL to keep it in PostgreSQL');
  // Connects and migrates now, not on the first activity (a new PGlite folder takes seconds to set up).
  store.list({ limit: 1 }).catch((error: unknown) => logger.warn({ err: error, store: store.kind }, 'the audit store is not ready yet: its rows are retried on each write'));
  const stopPruning = scheduleAuditPruning(store, config.AUDIT_RETENTION_DAYS, logger, schedule);
  return {
    store,
    interceptor: auditActivityInterceptor({ store, model: config.ANTHROPIC_MODEL }),
    async close() {
      stopPruning();
      await store.close();
    },
  };
}
