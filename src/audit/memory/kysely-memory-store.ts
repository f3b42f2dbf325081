import { randomBytes } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { FindingOutcome } from '../../domain/review-memory.js';
import { SpecialistName } from '../../domain/specialist-name.js';
import type { AuditDatabase } from '../audit-tables.js';
import { FINDING_OUTCOMES_TABLE, LEARNINGS_TABLE, type LearningsTable } from './memory-tables.js';
import type { Learning, ReviewMemoryStore } from './review-memory-store.js';

/** A new learning id: `l-` and 10 hex digits (BriefLearning's id format). */
export const newLearningId = (): string => `l-${randomBytes(5).toString('hex')}`;

function toLearning(row: Selectable<LearningsTable>): Learning {
  const specialist = SpecialistName.safeParse(row.specialist);
  return {
    id: row.id,
    repository: row.repository,
    text: row.text,
    ...(row.source_change !== null ? { sourceChange: row.source_change } : {}),
    ...(row.source_note !== null ? { sourceNote: row.source_note } : {}),
    author: row.author,
    ...(specialist.success ? { specialist: specialist.data } : {}),
    status: row.status === 'accepted' ? 'accepted' : 'proposed',
    ...(row.accepted_by !== null ? { acceptedBy: row.accepted_by } : {}),
    createdAt: new Date(row.created_at),
    ...(row.expires_at !== null ? { expiresAt: new Date(row.expires_at) } : {}),
  };
}

/**
 * Review memory over the audit store's kysely (schema already applied): `migrated` runs the audit migrations, which
 * create these tables too, before the first statement.
 */
export function createKyselyMemoryStore(db: Kysely<AuditDatabase>, migrated: () => Promise<unknown>): ReviewMemoryStore {
  const learning = async (id: string) => {
    const row = await db.selectFrom(LEARNINGS_TABLE).selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toLearning(row) : undefined;
  };
  return {
    async recordOutcomes(records) {
      if (records.length === 0) return [];
      await migrated();
      const rows = records.map((record) => ({
        forge: record.forge,
        repository: record.repository,
        change_number: record.changeNumber,
        fingerprint: record.fingerprint,
        specialist: record.specialist,
        category: record.category,
        severity: record.severity,
        outcome: record.outcome,
      }));
      const written = await db
        .insertInto(FINDING_OUTCOMES_TABLE)
        .values(rows)
        .onConflict((conflict) => conflict.constraint(`${FINDING_OUTCOMES_TABLE}_once`).doNothing())
        .returning(['fingerprint', 'specialist'])
        .execute();
      const key = (fingerprint: string, specialist: string) => `${fingerprint}\u0000${specialist}`;
      const wrote = new Set(written.map((row) => key(row.fingerprint, row.specialist)));
      return records.filter((record) => wrote.has(key(record.fingerprint, record.specialist)));
    },

    async outcomeCounts(filter = {}) {
      await migrated();
      let query = db.selectFrom(FINDING_OUTCOMES_TABLE).select(['repository', 'specialist', 'outcome']).select((eb) => eb.fn.countAll<string>().as('count'));
      if (filter.repository !== undefined) query = query.where('repository', '=', filter.repository);
      if (filter.since !== undefined) query = query.where('recorded_at', '>=', filter.since);
      const rows = await query.groupBy(['repository', 'specialist', 'outcome']).orderBy('repository').orderBy('specialist').execute();
      return rows.flatMap((row) => {
        const outcome = FindingOutcome.safeParse(row.outcome);
        return outcome.success ? [{ repository: row.repository, specialist: row.specialist, outcome: outcome.data, count: Number(row.count) }] : [];
      });
    },

    async addLearnings(learnings) {
      if (learnings.length === 0) return [];
      await migrated();
      const rows = learnings.map((entry) => ({
        id: entry.id ?? newLearningId(),
        repository: entry.repository,
        text: entry.text,
        source_change: entry.sourceChange ?? null,
        source_note: entry.sourceNote ?? null,
        author: entry.author,
        specialist: entry.specialist ?? null,
        status: entry.status,
        accepted_by: entry.acceptedBy ?? null,
        expires_at: entry.expiresAt ?? null,
      }));
      const written = await db.insertInto(LEARNINGS_TABLE).values(rows).onConflict((conflict) => conflict.column('id').doNothing()).returningAll().execute();
      return written.map(toLearning);
    },

    async listLearnings(filter = {}) {
      await migrated();
      let query = db.selectFrom(LEARNINGS_TABLE).selectAll();
      if (filter.repository !== undefined) query = query.where('repository', '=', filter.repository);
      if (filter.status !== undefined) query = query.where('status', '=', filter.status);
      return (await query.orderBy('created_at', 'desc').orderBy('id').limit(10_000).execute()).map(toLearning);
    },

    async getLearning(id) {
      await migrated();
      return learning(id);
    },

    async acceptLearning(id, by, expiresAt) {
      await migrated();
      const row = await db.updateTable(LEARNINGS_TABLE).set({ status: 'accepted', accepted_by: by, expires_at: expiresAt }).where('id', '=', id).returningAll().executeTakeFirst();
      return row ? toLearning(row) : undefined;
    },

    async editLearning(id, change) {
      await migrated();
      const set = {
        ...(change.text !== undefined ? { text: change.text } : {}),
        ...(change.specialist !== undefined ? { specialist: change.specialist } : {}),
        ...(change.expiresAt !== undefined ? { expires_at: change.expiresAt } : {}),
      };
      if (Object.keys(set).length === 0) return learning(id);
      const row = await db.updateTable(LEARNINGS_TABLE).set(set).where('id', '=', id).returningAll().executeTakeFirst();
      return row ? toLearning(row) : undefined;
    },

    async removeLearning(id) {
      await migrated();
      const result = await db.deleteFrom(LEARNINGS_TABLE).where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async briefLearnings(repository, now = new Date(), limit = 20) {
      await migrated();
      const rows = await db
        .selectFrom(LEARNINGS_TABLE)
        .selectAll()
        .where('repository', '=', repository)
        .where('status', '=', 'accepted')
        .where((where) => where.or([where('expires_at', 'is', null), where('expires_at', '>', now)]))
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(Math.min(Math.max(1, limit), 50))
        .execute();
      return rows.map(toLearning).map(({ id, text, specialist }) => ({ id, text, ...(specialist ? { specialist } : {}) }));
    },
  };
}

