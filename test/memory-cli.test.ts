// `forgebot memory stats` and `forgebot learnings …` against a PostgreSQL database of each test's own.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { runLearningsCommand } from '../src/cli/commands/learnings.js';
import { runMemoryStats } from '../src/cli/commands/memory.js';
import { parseExpiry } from '../src/cli/commands/memory-store.js';
import { loadConfig } from '../src/config.js';
import { closeAdmin, createTestDatabase } from './helpers/audit-database.js';
import { forgebotCommand, linesOf } from './helpers/forgebot-command.js';

after(closeAdmin);

const outcome = (fingerprint: string, outcome: 'fixed' | 'resolved' | 'wont-fix' | 'false-positive' | 'ignored', specialist: 'general' | 'security' = 'general') =>
  ({ forge: 'gitlab', repository: 'group/app', changeNumber: 7, fingerprint, specialist, category: 'bug' as const, severity: 'major' as const, outcome });

describe('forgebot memory stats and learnings', () => {
  test('stats: a table per repository and specialist with the acceptance rate, or JSON', async () => {
    const database = await createTestDatabase();
    try {
      const store = database.openStore();
      await store.memory.recordOutcomes([outcome('a1', 'fixed'), outcome('a2', 'resolved'), outcome('a3', 'ignored'), outcome('a4', 'false-positive'), outcome('a1', 'wont-fix', 'security')]);
      const config = loadConfig({ DATABASE_URL: database.url });
      let text = '';
      await runMemoryStats(config, { json: false }, (chunk) => (text += chunk), store);
      const lines = linesOf(text);
      assert.match(lines[0] ?? '', /^repository\s+specialist\s+findings\s+fixed\s+resolved\s+won't fix\s+false positive\s+ignored\s+acceptance$/);
      assert.match(lines[1] ?? '', /^group\/app\s+general\s+4\s+1\s+1\s+0\s+1\s+1\s+50\.0%$/);
      assert.match(lines[2] ?? '', /^group\/app\s+security\s+1\s+0\s+0\s+1\s+0\s+0\s+0\.0%$/);
      const ran = await forgebotCommand(['memory', 'stats', '--json', '--repository', 'group/app', '--since', '7d'], { DATABASE_URL: database.url, LOG_LEVEL: 'warn' });
      assert.equal(ran.code, 0, ran.stderr);
      const stats = JSON.parse(ran.stdout) as Array<{ specialist: string; acceptanceRate: number; findings: number }>;
      assert.deepEqual(stats.map((row) => [row.specialist, row.findings, row.acceptanceRate]), [['general', 4, 0.5], ['security', 1, 0]]);
      const bad = await forgebotCommand(['memory', 'stats', '--since', 'lately'], { DATABASE_URL: database.url, LOG_LEVEL: 'warn' });
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /^forgebot memory stats: --since "lately"/);
    } finally {
      await database.drop();
    }
  });

  test('learnings: list, show, accept (by whom, until when), edit, add, remove; unknown ids and bad options are usage errors', async () => {
    const database = await createTestDatabase();
    try {
      const store = database.openStore();
      await store.memory.addLearnings([{ id: 'p-1234', repository: 'group/app', text: 'Raw SQL in migrations is on purpose.', sourceChange: 7, sourceNote: 'n1', author: 'dev', status: 'proposed' }]);
      const config = loadConfig({ DATABASE_URL: database.url });
      let text = '';
      const run = async (command: Parameters<typeof runLearningsCommand>[1]) => {
        text = '';
        await runLearningsCommand(config, command, (chunk) => (text += chunk), store);
        return text;
      };
      assert.match(await run({ action: 'list', status: 'proposed', json: false }), /p-1234\s+proposed\s+group\/app\s+all\s+-\s+dev\s+reply !7\s+Raw SQL/);
      assert.match(await run({ action: 'accept', id: 'p-1234', as: 'maria', expires: '30d' }), /^accepted p-1234 for group\/app \(expires \d{4}-/);
      assert.deepEqual((await store.memory.briefLearnings('group/app')).map((entry) => entry.id), ['p-1234']);
      assert.match(await run({ action: 'show', id: 'p-1234', json: false }), /accepted by:\s+maria[\s\S]*source change:\s+!7|source change:\s+!7[\s\S]*accepted by:\s+maria/);
      await run({ action: 'edit', id: 'p-1234', specialist: 'security', expires: 'never' });
      assert.deepEqual(await store.memory.briefLearnings('group/app'), [{ id: 'p-1234', text: 'Raw SQL in migrations is on purpose.', specialist: 'security' }]);
      assert.match(await run({ action: 'add', repository: 'group/app', text: '  Feature flags   live in flags.ts. ', as: 'op' }), /^added l-[0-9a-f]{10} for group\/app\n$/);
      const listed = JSON.parse(await run({ action: 'list', repository: 'group/app', json: true })) as Array<{ id: string; status: string; text: string; acceptedBy: string }>;
      assert.deepEqual(listed.map((entry) => [entry.status, entry.text, entry.acceptedBy]), [['accepted', 'Feature flags live in flags.ts.', 'op'], ['accepted', 'Raw SQL in migrations is on purpose.', 'maria']]);
      assert.equal(await run({ action: 'remove', id: 'p-1234' }), 'removed p-1234\n');
      await assert.rejects(run({ action: 'remove', id: 'p-1234' }), /no learning "p-1234"/);
      await assert.rejects(run({ action: 'accept', id: 'nope' }), /no learning "nope"/);
      await assert.rejects(run({ action: 'add', repository: 'group/app', text: 'x'.repeat(501) }), /1 to 500 characters/);
      await assert.rejects(run({ action: 'edit', id: listed[0]?.id ?? '', specialist: 'cobol' }), /--specialist "cobol"/);
      assert.throws(() => parseExpiry('soon'), /--expires "soon"/);
      const ran = await forgebotCommand(['learnings', 'list', '--json'], { DATABASE_URL: database.url, LOG_LEVEL: 'warn' });
      assert.equal(ran.code, 0, ran.stderr);
      assert.equal((JSON.parse(ran.stdout) as unknown[]).length, 1);
      const missing = await forgebotCommand(['learnings', 'show', 'p-gone'], { DATABASE_URL: database.url, LOG_LEVEL: 'warn' });
      assert.deepEqual([missing.code, missing.stderr], [2, 'forgebot learnings show: no learning "p-gone"\n']);
    } finally {
      await database.drop();
    }
  });
});
