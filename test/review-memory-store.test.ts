// Review memory in the audit database (a PostgreSQL database of each test's own): finding outcomes written once per
// specialist whatever retries, the acceptance rate adding them up, and learnings from proposed to the brief and out.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { acceptanceStats } from '../src/audit/memory/acceptance-stats.js';
import type { OutcomeRecord } from '../src/audit/memory/review-memory-store.js';
import { readReviewContext } from '../src/activities/review-context.js';
import type { Forge } from '../src/activities/forge.js';
import type { ChangeSnapshot } from '../src/domain/change-snapshot.js';
import { closeAdmin, createTestDatabase } from './helpers/audit-database.js';

after(closeAdmin);

const outcome = (over: Partial<OutcomeRecord>): OutcomeRecord => ({ forge: 'gitlab', repository: 'group/app', changeNumber: 7, fingerprint: 'aaaa0001', specialist: 'general', category: 'bug', severity: 'major', outcome: 'fixed', ...over });

/** A forge with nothing but the change: the review context then holds only what review memory adds. */
const bareForge = { getChange: async () => assert.fail('not read'), upsertSummary: async () => assert.fail('no'), postedFindingFingerprints: async () => new Set<string>(), postInlineComment: async () => assert.fail('no') } satisfies Forge;
const snapshot = { ref: { forge: 'gitlab', projectId: 1, projectPath: 'group/app', number: 9 }, startSha: 'b'.repeat(40), headSha: 'c'.repeat(40) } as ChangeSnapshot;

describe('review memory store', () => {
  test('outcomes: one row per specialist, a retry writes nothing twice, the forge tells two same-named repositories apart', async () => {
    const database = await createTestDatabase();
    try {
      const { memory } = database.openStore();
      const records = [outcome({ specialist: 'security' }), outcome({ specialist: 'tests' }), outcome({ fingerprint: 'aaaa0002', outcome: 'ignored' })];
      assert.equal((await memory.recordOutcomes(records)).length, 3);
      const retried = await memory.recordOutcomes([...records, outcome({ fingerprint: 'aaaa0003', outcome: 'wont-fix' })]);
      assert.deepEqual(retried.map((row) => row.fingerprint), ['aaaa0003'], 'only the new row is written (and counted)');
      assert.equal((await memory.recordOutcomes([outcome({ forge: 'github', specialist: 'security' })])).length, 1);
      const { rows } = await database.sql.query<{ n: string }>('SELECT count(*) AS n FROM forgebot_finding_outcomes');
      assert.equal(rows[0]?.n, '5');
    } finally {
      await database.drop();
    }
  });

  test('stats: findings by outcome per repository and specialist, acceptance (fixed + resolved) / all, since and repository filters', async () => {
    const database = await createTestDatabase();
    try {
      const { memory } = database.openStore();
      const outcomes = ['fixed', 'fixed', 'resolved', 'wont-fix', 'false-positive', 'ignored', 'ignored', 'ignored'] as const;
      await memory.recordOutcomes(outcomes.map((kind, index) => outcome({ fingerprint: `bbbb000${index}`, outcome: kind })));
      await memory.recordOutcomes([outcome({ fingerprint: 'cccc0001', specialist: 'security', outcome: 'resolved' }), outcome({ repository: 'group/other', fingerprint: 'dddd0001', outcome: 'false-positive' })]);
      await database.sql.query("INSERT INTO forgebot_finding_outcomes (forge, repository, change_number, fingerprint, specialist, category, severity, outcome, recorded_at) VALUES ('gitlab', 'group/app', 1, 'eeee0001', 'general', 'bug', 'minor', 'ignored', now() - interval '40 days')");
      const stats = acceptanceStats(await memory.outcomeCounts({ since: new Date(Date.now() - 30 * 86_400_000) }));
      assert.deepEqual(stats, [
        { repository: 'group/app', specialist: 'general', findings: 8, fixed: 2, resolved: 1, wontFix: 1, falsePositive: 1, ignored: 3, acceptanceRate: 3 / 8 },
        { repository: 'group/app', specialist: 'security', findings: 1, fixed: 0, resolved: 1, wontFix: 0, falsePositive: 0, ignored: 0, acceptanceRate: 1 },
        { repository: 'group/other', specialist: 'general', findings: 1, fixed: 0, resolved: 0, wontFix: 0, falsePositive: 1, ignored: 0, acceptanceRate: 0 },
      ]);
      const all = acceptanceStats(await memory.outcomeCounts({ repository: 'group/app' }));
      assert.deepEqual(all.map((row) => [row.specialist, row.findings, row.ignored]), [['general', 9, 4], ['security', 1, 0]], 'without since: the old row too');
    } finally {
      await database.drop();
    }
  });

  test('learnings: a proposal is not told; accepted it is (newest first, at most 20); expired or removed it is not', async () => {
    const database = await createTestDatabase();
    try {
      const { memory } = database.openStore();
      const context = async () => (await readReviewContext(bareForge, snapshot, undefined, (repository) => memory.briefLearnings(repository))).learnings;
      const [proposed] = await memory.addLearnings([{ id: 'p-0001', repository: 'group/app', text: 'We log raw SQL on purpose in dev.', sourceChange: 7, sourceNote: '55', author: 'dev', status: 'proposed', specialist: 'security' }]);
      assert.equal(proposed?.status, 'proposed');
      assert.deepEqual(await memory.addLearnings([{ id: 'p-0001', repository: 'group/app', text: 'again', author: 'dev', status: 'proposed' }]), [], 'a retried proposal adds nothing');
      assert.equal(await context(), undefined, 'proposed: not in the review context');
      await memory.acceptLearning('p-0001', 'maria', new Date(Date.now() + 86_400_000));
      assert.deepEqual(await context(), [{ id: 'p-0001', text: 'We log raw SQL on purpose in dev.', specialist: 'security' }]);
      await memory.addLearnings([{ id: 'l-other', repository: 'group/other', text: 'Elsewhere.', author: 'op', status: 'accepted', acceptedBy: 'op' }]);
      const many = Array.from({ length: 22 }, (_, index) => ({ id: `l-many-${String(index).padStart(2, '0')}`, repository: 'group/app', text: `learning ${index}`, author: 'op', status: 'accepted' as const, acceptedBy: 'op' }));
      for (const entry of many) await memory.addLearnings([entry]);
      const told = (await context()) ?? [];
      assert.equal(told.length, 20);
      assert.equal(told[0]?.id, 'l-many-21', 'newest first');
      assert.ok(!told.some((entry) => entry.id === 'l-other'), "another repository's learnings are not told");
      for (const entry of many) assert.ok(await memory.removeLearning(entry.id));
      assert.deepEqual((await context())?.map((entry) => entry.id), ['p-0001'], 'removed: no longer told');
      await memory.editLearning('p-0001', { expiresAt: new Date(Date.now() - 1_000) });
      assert.equal(await context(), undefined, 'expired: no longer told');
      await memory.editLearning('p-0001', { expiresAt: null, specialist: null, text: 'Raw SQL is logged in dev only.' });
      assert.deepEqual(await context(), [{ id: 'p-0001', text: 'Raw SQL is logged in dev only.' }], 'edited: for every reviewer, never expiring');
      const row = await memory.getLearning('p-0001');
      assert.deepEqual([row?.acceptedBy, row?.author, row?.sourceChange, row?.expiresAt], ['maria', 'dev', 7, undefined]);
      assert.equal(await memory.removeLearning('p-0001'), true);
      assert.equal(await memory.removeLearning('p-0001'), false);
      await assert.rejects(memory.addLearnings([{ repository: 'group/app', text: 'x'.repeat(501), author: 'op', status: 'accepted' }]), /check/, 'the database refuses a text over 500');
    } finally {
      await database.drop();
    }
  });
});
