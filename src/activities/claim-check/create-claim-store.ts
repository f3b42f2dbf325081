import { resolve } from 'node:path';
import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import type { ClaimCheckStore } from './claim-check-store.js';
import { createFileClaimStore, DEFAULT_CLAIM_DIR } from './file-claim-store.js';
import { createPostgresClaimStore } from './postgres-claim-store.js';

export type ClaimStoreConfig = Pick<Config, 'CLAIM_STORE' | 'CLAIM_STORE_DIR' | 'DATABASE_URL'>;

/** The store the configuration names: files (the default) or PostgreSQL. */
export function createClaimStore(config: ClaimStoreConfig, logger?: Logger): ClaimCheckStore {
  switch (config.CLAIM_STORE) {
    case 'file':
      return createFileClaimStore(resolve(config.CLAIM_STORE_DIR ?? DEFAULT_CLAIM_DIR));
    case 'postgres':
      if (!config.DATABASE_URL) throw new Error('CLAIM_STORE=postgres needs DATABASE_URL');
      return createPostgresClaimStore({ connectionString: config.DATABASE_URL, ...(logger ? { logger } : {}) });
  }
}

/** Deletes claims older than the retention period (CLAIM_RETENTION_DAYS); returns how many. */
export async function pruneExpiredClaims(store: ClaimCheckStore, retentionDays: number, now: Date = new Date()): Promise<number> {
  return store.prune(new Date(now.getTime() - retentionDays * 86_400_000));
}
