import type { Migration, MigrationProvider } from 'kysely/migration';
import { auditEventsMigration } from './0001-audit-events.js';
import { reviewMemoryMigration } from './0002-review-memory.js';

/**
 * Every audit migration, in order, as code (not files found at run time): the same list runs on PostgreSQL and on
 * PGlite, from the sources (tsx) and from a build alike. A new migration is a new entry; an old one never changes.
 */
export function auditMigrations(schema: string): MigrationProvider {
  return {
    async getMigrations(): Promise<Record<string, Migration>> {
      return { '0001-audit-events': auditEventsMigration(schema), '0002-review-memory': reviewMemoryMigration(schema) };
    },
  };
}
