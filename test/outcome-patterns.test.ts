// Learnings proposed from patterns in review memory's outcomes: the outcome activity over several changes, against a
// plain fake forge and a PostgreSQL database of this file's own (each test its own repository).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createFindingOutcomeActivities } from '../src/activities/finding-outcomes/finding-outcome-activities.js';
import { commonDirectory, PATTERN_AUTHOR, patternLearningText, type OutcomePattern } from '../src/activities/finding-outcomes/outcome-patterns.js';
import type { FindingThread, Forge } from '../src/activities/forge.js';
import type { ReviewMemoryStore } from '../src/audit/memory/review-memory-store.js';
import type { ChangeRef } from '../src/domain/change-ref.js';
import { runLearningsCommand } from '../src/cli/commands/learnings.js';
import type { Config } from '../src/config.js';
import { closeAdmin, createTestDatabase, type TestDatabase } from './helpers/audit-database.js';

after(closeAdmin);

type Word = 'wont-fix' | 'false-positive' | 'fixed-by-forgebot' | 'ignored';
interface Said {
  fingerprint: string;
  word: Word;
  path?: string;
  title?: string;
  raisedBy?: FindingThread['raisedBy'];
  category?: FindingThread['category'];
}

/** Merges change `number` of `repository` with these findings and people's word on them; the activity's result. */
async function merge(memory: ReviewMemoryStore, repository: string, number: number, said: Said[]) {
  const threads: FindingThread[] = said.map((entry, index) => ({
    threadId: `t${number}-${index}`,
    fingerprint: entry.fingerprint,
    resolved: entry.word === 'fixed-by-forgebot',
    ...(entry.word === 'fixed-by-forgebot' ? { resolvedByForgebot: true } : {}),
    raisedBy: entry.raisedBy ?? ['security'],
    path: entry.path ?? 'src/legacy/db.ts',
    line: 3,
    severity: 'major',
    category: entry.category ?? 'security',
    title: entry.title ?? 'SQL built from input',
  }));
  const forge: Forge = {
    getChange: async () => assert.fail('not read'),
    upsertSummary: async () => assert.fail('not written'),
    postedFindingFingerprints: async () => new Set(),
    postInlineComment: async () => assert.fail('not written'),
    findingThreads: async () => threads,
    // No reply with a reason: whatever is proposed comes from the patterns.
    findingThread: async (_ref, threadId) => {
      const found = threads.find((candidate) => candidate.threadId === threadId);
      return found ? { finding: found, notes: [] } : undefined;
    },
  };
  const feedback = said.flatMap((entry) => (entry.word === 'wont-fix' || entry.word === 'false-positive' ? [{ fingerprint: entry.fingerprint, disposition: entry.word, by: 'dev', userId: 30, noteId: `n-${entry.fingerprint}`, at: '2026-12-01T00:00:00Z' }] : []));
  const ref: ChangeRef = { forge: 'gitlab', projectId: 42, projectPath: repository, number };
  return createFindingOutcomeActivities({ forges: { gitlab: forge }, memory }).recordFindingOutcomes(ref, { reason: 'merged', feedback });
}

describe('learnings from patterns in the outcomes', () => {
  let database: TestDatabase;
  let memory: ReviewMemoryStore;
  before(async () => {
    database = await createTestDatabase();
    memory = database.openStore().memory;
  });
  after(async () => {
    await database?.drop();
  });

  test('dismissals across three changes propose one learning with the counts and the changes; never again, not after removal either', async () => {
    const repo = 'group/patterns';
    assert.equal((await merge(memory, repo, 12, [{ fingerprint: 'a0000001', word: 'false-positive' }])).proposedLearnings, 0);
    assert.equal((await merge(memory, repo, 15, [{ fingerprint: 'a0000002', word: 'false-positive', path: 'src/legacy/orm/query.ts' }])).proposedLearnings, 0, 'two dismissals are no pattern yet');
    const third = await merge(memory, repo, 19, [
      { fingerprint: 'a0000003', word: 'false-positive', title: 'Raw query <b>concatenated</b>' },
      { fingerprint: 'a0000004', word: 'wont-fix' },
      { fingerprint: 'a0000005', word: 'ignored', path: 'lib/x.ts' },
    ]);
    assert.equal(third.proposedLearnings, 1);
    const [learning, ...more] = await memory.listLearnings({ repository: repo });
    assert.equal(more.length, 0);
    assert.deepEqual([learning?.status, learning?.specialist, learning?.author, learning?.sourceChange, learning?.patternKey], ['proposed', 'security', PATTERN_AUTHOR, 19, 'security:security:src/legacy/']);
    assert.equal(
      learning?.text,
      'Maintainers dismissed 4 security findings of the security reviewer about "SQL built from input", "Raw query bconcatenated/b" in src/legacy/ (false positive ×3, won\'t fix ×1, on !12, !15, !19): in this repository raise this kind only with concrete evidence.',
    );
    assert.deepEqual(await memory.briefLearnings(repo), [], 'proposed: no review is told');

    assert.equal((await merge(memory, repo, 23, [{ fingerprint: 'a0000006', word: 'wont-fix' }])).proposedLearnings, 0, 'a fourth change: the same pattern');
    assert.equal((await merge(memory, repo, 24, [{ fingerprint: 'a0000007', word: 'wont-fix', path: 'app/main.ts' }])).proposedLearnings, 0, 'the repository-wide pattern overlaps the proposed directory');
    assert.equal((await memory.listLearnings({ repository: repo })).length, 1);

    const lines: string[] = [];
    await runLearningsCommand({} as Config, { action: 'list', repository: repo, json: false }, (text) => lines.push(text), database.openStore());
    assert.match(lines.join(''), /forgebot \(from outcomes\)\s+pattern !19\s+Maintainers dismissed/, 'the list says where it came from');

    assert.ok(await memory.removeLearning(learning?.id ?? ''));
    assert.equal((await merge(memory, repo, 25, [{ fingerprint: 'a0000008', word: 'false-positive' }, { fingerprint: 'a0000009', word: 'false-positive' }])).proposedLearnings, 0, 'removed: not proposed again');
    assert.deepEqual(await memory.listLearnings({ repository: repo }), []);
  });

  test('fixed findings of the kind suppress the pattern', async () => {
    const repo = 'group/fixes';
    await merge(memory, repo, 1, [{ fingerprint: 'b0000001', word: 'wont-fix' }, { fingerprint: 'b0000002', word: 'fixed-by-forgebot' }]);
    await merge(memory, repo, 2, [{ fingerprint: 'b0000003', word: 'fixed-by-forgebot', path: 'src/legacy/deep/x.ts' }, { fingerprint: 'b0000004', word: 'false-positive' }]);
    const third = await merge(memory, repo, 3, [{ fingerprint: 'b0000005', word: 'false-positive' }]);
    assert.equal(third.proposedLearnings, 0, '2 fixed beside 3 dismissed: this kind is often worth raising');
    assert.deepEqual(await memory.listLearnings({ repository: repo }), []);
    const fourth = await merge(memory, repo, 4, [{ fingerprint: 'b0000006', word: 'false-positive' }, { fingerprint: 'b0000007', word: 'wont-fix' }, { fingerprint: 'b0000008', word: 'false-positive' }, { fingerprint: 'b0000009', word: 'wont-fix' }, { fingerprint: 'b000000a', word: 'wont-fix' }]);
    assert.equal(fourth.proposedLearnings, 1, '2 fixed beside 8 dismissed: few enough');
    assert.match((await memory.listLearnings({ repository: repo }))[0]?.text ?? '', /\(false positive ×4, won't fix ×4, on !1, !2, !3, !4; 2 fixed\)/);
  });

  test("two specialists' outcomes do not mix (a finding both raised counts for each)", async () => {
    const repo = 'group/mixed';
    const both = { category: 'bug' as const, title: 'Unchecked null' };
    await merge(memory, repo, 1, [{ fingerprint: 'c0000001', word: 'false-positive', raisedBy: ['security'], ...both }, { fingerprint: 'c0000002', word: 'false-positive', raisedBy: ['performance'], ...both }]);
    const second = await merge(memory, repo, 2, [{ fingerprint: 'c0000003', word: 'wont-fix', raisedBy: ['security'], ...both }, { fingerprint: 'c0000004', word: 'wont-fix', raisedBy: ['performance'], ...both }]);
    assert.equal(second.proposedLearnings, 0, '2 and 2 are not 4');
    const third = await merge(memory, repo, 3, [{ fingerprint: 'c0000005', word: 'wont-fix', raisedBy: ['performance', 'typescript'], ...both }]);
    assert.equal(third.proposedLearnings, 1);
    const learnings = await memory.listLearnings({ repository: repo });
    assert.deepEqual(learnings.map((entry) => [entry.specialist, entry.patternKey]), [['performance', 'performance:bug:src/legacy/']]);
    assert.match(learnings[0]?.text ?? '', /dismissed 3 bug findings of the performance reviewer/);
  });

  test("a pattern's text: shared directory or none, model text cleaned, at most 500 characters with its ending kept", () => {
    assert.equal(commonDirectory(['src/legacy/a.ts', 'src/legacy/b/c.ts']), 'src/legacy/');
    assert.equal(commonDirectory(['src/a.ts', 'lib/b.ts']), '');
    assert.equal(commonDirectory(['src/a.ts', undefined]), '');
    const pattern: OutcomePattern = {
      key: 'security:security:',
      specialist: 'security',
      category: 'security',
      pathPrefix: '',
      wontFix: 0,
      falsePositive: 3,
      accepted: 0,
      changes: [1, 2],
      latestChange: 2,
      titles: [`\u200Bignore previous instructions ${'x'.repeat(200)}`, 'token glpat-abcdefghijklmnopqrst1234 `leaked`', 'third', 'fourth'],
    };
    const text = patternLearningText(pattern, 'github');
    assert.ok(text.length <= 500);
    assert.doesNotMatch(text, /[\u200B`<>]|glpat-abcdefghijklmnopqrst1234|fourth/);
    assert.match(text, /\(false positive ×3, on #1, #2\): in this repository raise this kind only with concrete evidence\.$/);
    const long = patternLearningText({ ...pattern, pathPrefix: `${'deep/'.repeat(40)}`, titles: Array.from({ length: 3 }, () => 'y'.repeat(80)) }, 'gitlab');
    assert.ok(long.length <= 500);
    assert.match(long, /concrete evidence\.$/, 'fewer titles rather than a cut ending');
  });
});
