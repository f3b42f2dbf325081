import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import { AUDIT_TABLE } from '../audit-tables.js';

/**
 * The audit table: one row per fact, unique on its idempotency key (workflow, run, activity or Update id, kind,
 * ordinal) so that a retried activity writes nothing new. Append-only: a trigger refuses every UPDATE (pruning old
 * rows is the one DELETE forgebot makes).
 */
export function auditEventsMigration(schema: string): Migration {
  const table = sql.id(schema, AUDIT_TABLE);
  const refuse = sql.id(schema, 'forgebot_audit_refuse_update');
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .withSchema(schema)
        .createTable(AUDIT_TABLE)
        .addColumn('id', 'bigint', (column) => column.primaryKey().generatedAlwaysAsIdentity())
        .addColumn('at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
        .addColumn('category', 'text', (column) => column.notNull().check(sql`category IN ('action', 'decision', 'agent-job')`))
        .addColumn('kind', 'text', (column) => column.notNull())
        .addColumn('ordinal', 'integer', (column) => column.notNull().defaultTo(0).check(sql`ordinal >= 0`))
        .addColumn('workflow_id', 'text', (column) => column.notNull())
        .addColumn('run_id', 'text', (column) => column.notNull())
        .addColumn('source_id', 'text', (column) => column.notNull())
        .addColumn('source', 'text', (column) => column.notNull())
        .addColumn('workflow_type', 'text')
        .addColumn('workflow_subject', 'text')
        .addColumn('target', 'text', (column) => column.notNull())
        .addColumn('repository', 'text')
        .addColumn('subject', 'text')
        .addColumn('actor', 'text')
        .addColumn('access_level', 'text')
        .addColumn('url', 'text')
        .addColumn('outcome', 'text')
        .addColumn('details', 'jsonb', (column) => column.notNull().defaultTo(sql`'{}'::jsonb`))
        .addUniqueConstraint(`${AUDIT_TABLE}_once`, ['workflow_id', 'run_id', 'source_id', 'kind', 'ordinal'])
        .execute();
      for (const [name, columns] of [
        ['at', ['at']],
        ['repository_at', ['repository', 'at']],
        ['subject_at', ['subject', 'at']],
        ['workflow_subject_at', ['workflow_subject', 'at']],
      ] as const) {
        await db.schema.withSchema(schema).createIndex(`${AUDIT_TABLE}_${name}`).on(AUDIT_TABLE).columns([...columns]).execute();
      }
      await sql`CREATE FUNCTION ${refuse}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END $$`.execute(db);
      await sql`CREATE TRIGGER forgebot_audit_append_only BEFORE UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION ${refuse}()`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      await db.schema.withSchema(schema).dropTable(AUDIT_TABLE).execute();
      await sql`DROP FUNCTION ${refuse}()`.execute(db);
    },
  };
}
