import { randomBytes } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { FindingOutcome } from '../../domain/review-memory.js';
import { SpecialistName } from '../../domain/specialist-name.js';
import type { AuditDatabase } from '../audit-tables.js';
import { FINDING_OUTCOMES_TABLE, LEARNING_PATTERNS_TABLE, LEARNINGS_TABLE, type LearningsTable } from './memory-tables.js';
import type { Learning, NewLearning, ReviewMemoryStore } from './review-memory-store.js';

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
    ...(row.pattern_key !== null ? { patternKey: row.pattern_key } : {}),
    author: row.author,
    ...(specialist.success ? { specialist: specialist.data } : {}),
    status: row.status === 'accepted' ? 'accepted' : 'proposed',
    ...(row.accepted_by !== null ? { acceptedBy: row.accepted_by } : {}),
    createdAt: new Date(row.created_at),
    ...(row.expires_at !== null ? { expiresAt: new Date(row.expires_at) } : {}),
  };
}

const learningRow = (entry: NewLearning) => ({
  id: entry.id ?? newLearningId(),
  repository: entry.repository,
  text: entry.text,
  source_change: entry.sourceChange ?? null,
  source_note: entry.sourceNote ?? null,
  pattern_key: entry.patternKey ?? null,
  author: entry.author,
  specialist: entry.specialist ?? null,
  status: entry.status,
  accepted_by: entry.acceptedBy ?? null,
  expires_at: entry.expiresAt ?? null,
});

/** The most outcome rows one pattern search reads. */
const KIND_OUTCOMES_CAP = 2_000;

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
        path: record.path ?? null,
        title: record.title ?? null,
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

    async kindOutcomes(query) {
      if (query.kinds.length === 0) return [];
      await migrated();
      const rows = await db
        .selectFrom(FINDING_OUTCOMES_TABLE)
        .select(['change_number', 'fingerprint', 'specialist', 'category', 'path', 'title', 'outcome', 'recorded_at'])
        .where('repository', '=', query.repository)
        .where('forge', '=', query.forge)
        .where('recorded_at', '>=', query.since)
        .where((eb) => eb.or(query.kinds.map((kind) => eb.and([eb('specialist', '=', kind.specialist), eb('category', '=', kind.category)]))))
        .orderBy('recorded_at', 'desc')
        .orderBy('id', 'desc')
        .limit(Math.min(Math.max(1, query.limit ?? KIND_OUTCOMES_CAP), KIND_OUTCOMES_CAP))
        .execute();
      return rows.flatMap((row) => {
        const outcome = FindingOutcome.safeParse(row.outcome);
        if (!outcome.success) return [];
        return [
          {
            changeNumber: row.change_number,
            fingerprint: row.fingerprint,
            specialist: row.specialist,
            category: row.category,
            ...(row.path !== null ? { path: row.path } : {}),
            ...(row.title !== null ? { title: row.title } : {}),
            outcome: outcome.data,
            recordedAt: new Date(row.recorded_at),
          },
        ];
      });
    },

    async proposedPatterns(query) {
      if (query.specialists.length === 0) return [];
      await migrated();
      const rows = await db
        .selectFrom(LEARNING_PATTERNS_TABLE)
        .select(['forge', 'repository', 'pattern_key', 'specialist', 'category', 'path_prefix'])
        .where('forge', '=', query.forge)
        .where('repository', '=', query.repository)
        .where('specialist', 'in', [...query.specialists])
        .limit(10_000)
        .execute();
      return rows.map((row) => ({ forge: row.forge, repository: row.repository, key: row.pattern_key, specialist: row.specialist, category: row.category, pathPrefix: row.path_prefix }));
    },

    async proposePattern(pattern, entry) {
      await migrated();
      return db.transaction().execute(async (trx) => {
        const recorded = await trx
          .insertInto(LEARNING_PATTERNS_TABLE)
          .values({ forge: pattern.forge, repository: pattern.repository, pattern_key: pattern.key, specialist: pattern.specialist, category: pattern.category, path_prefix: pattern.pathPrefix, learning_id: entry.id })
          .onConflict((conflict) => conflict.constraint(`${LEARNING_PATTERNS_TABLE}_once`).doNothing())
          .returning('pattern_key')
          .executeTakeFirst();
        if (!recorded) return undefined;
        const row = await trx.insertInto(LEARNINGS_TABLE).values(learningRow({ ...entry, patternKey: pattern.key })).onConflict((conflict) => conflict.column('id').doNothing()).returningAll().executeTakeFirst();
        return row ? toLearning(row) : undefined;
      });
    },

    async addLearnings(learnings) {
      if (learnings.length === 0) return [];
      await migrated();
      const rows = learnings.map(learningRow);
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

