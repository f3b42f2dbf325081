import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import { FINDING_OUTCOMES_TABLE, LEARNING_PATTERNS_TABLE, LEARNINGS_TABLE } from '../memory/memory-tables.js';

/**
 * Review memory: finding outcomes, unique per (forge, repository, change, fingerprint, specialist) so that a retried
 * activity writes nothing twice (the forge is part of the key: `group/app` can name a GitLab and a GitHub repository);
 * and learnings, unique per source note so that a reply proposes one learning whatever retries; and the patterns in
 * the outcomes ever proposed as a learning, kept when the learning is removed so that no pattern is proposed twice.
 * (Extended on the day it was first committed, before any deployment ran it: the finding's path and title, the
 * pattern key and the patterns table were added here rather than in a 0003.)
 */
export function reviewMemoryMigration(schema: string): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .withSchema(schema)
        .createTable(FINDING_OUTCOMES_TABLE)
        .addColumn('id', 'bigint', (column) => column.primaryKey().generatedAlwaysAsIdentity())
        .addColumn('forge', 'text', (column) => column.notNull())
        .addColumn('repository', 'text', (column) => column.notNull())
        .addColumn('change_number', 'integer', (column) => column.notNull())
        .addColumn('fingerprint', 'text', (column) => column.notNull())
        .addColumn('specialist', 'text', (column) => column.notNull())
        .addColumn('category', 'text', (column) => column.notNull())
        .addColumn('severity', 'text', (column) => column.notNull())
        .addColumn('outcome', 'text', (column) => column.notNull().check(sql`outcome IN ('fixed', 'resolved', 'wont-fix', 'false-positive', 'ignored')`))
        .addColumn('path', 'text')
        .addColumn('title', 'text')
        .addColumn('recorded_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
        .addUniqueConstraint(`${FINDING_OUTCOMES_TABLE}_once`, ['forge', 'repository', 'change_number', 'fingerprint', 'specialist'])
        .execute();
      await db.schema.withSchema(schema).createIndex(`${FINDING_OUTCOMES_TABLE}_repository_at`).on(FINDING_OUTCOMES_TABLE).columns(['repository', 'recorded_at']).execute();
      await db.schema
        .withSchema(schema)
        .createTable(LEARNINGS_TABLE)
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('repository', 'text', (column) => column.notNull())
        .addColumn('text', 'text', (column) => column.notNull().check(sql`char_length(text) BETWEEN 1 AND 500`))
        .addColumn('source_change', 'integer')
        .addColumn('source_note', 'text')
        .addColumn('author', 'text', (column) => column.notNull())
        .addColumn('specialist', 'text')
        .addColumn('status', 'text', (column) => column.notNull().check(sql`status IN ('proposed', 'accepted')`))
        .addColumn('accepted_by', 'text')
        .addColumn('created_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
        .addColumn('expires_at', 'timestamptz')
        .addColumn('pattern_key', 'text')
        .execute();
      await db.schema.withSchema(schema).createIndex(`${LEARNINGS_TABLE}_repository_status`).on(LEARNINGS_TABLE).columns(['repository', 'status', 'created_at']).execute();
      await db.schema
        .withSchema(schema)
        .createTable(LEARNING_PATTERNS_TABLE)
        .addColumn('forge', 'text', (column) => column.notNull())
        .addColumn('repository', 'text', (column) => column.notNull())
        .addColumn('pattern_key', 'text', (column) => column.notNull())
        .addColumn('specialist', 'text', (column) => column.notNull())
        .addColumn('category', 'text', (column) => column.notNull())
        .addColumn('path_prefix', 'text', (column) => column.notNull())
        .addColumn('learning_id', 'text', (column) => column.notNull())
        .addColumn('proposed_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
        .addPrimaryKeyConstraint(`${LEARNING_PATTERNS_TABLE}_once`, ['forge', 'repository', 'pattern_key'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.withSchema(schema).dropTable(LEARNING_PATTERNS_TABLE).execute();
      await db.schema.withSchema(schema).dropTable(LEARNINGS_TABLE).execute();
      await db.schema.withSchema(schema).dropTable(FINDING_OUTCOMES_TABLE).execute();
    },
  };
}
