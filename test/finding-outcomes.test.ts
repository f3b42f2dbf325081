// Review memory's outcome activity: against a plain fake forge and a PostgreSQL database of each test's own, then inside
// the review workflow on a real Temporal dev server (the replay world's fakes; the real activity at the end).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createFindingOutcomeActivities } from '../src/activities/finding-outcomes/finding-outcome-activities.js';
import { learningText } from '../src/activities/finding-outcomes/learning-proposal.js';
import type { FindingThread, Forge, ThreadNoteRecord } from '../src/activities/forge.js';
import { reviewWorkflowId, type ChangeRef } from '../src/domain/change-ref.js';
import type { ReviewRequest } from '../src/domain/review-request.js';
import { workerRegistry } from '../src/workers/metrics/forgebot-metrics.js';
import { registerSearchAttributes } from '../src/workers/register-search-attributes.js';
import { workflowBundle } from '../src/workers/workflow-source.js';
import { changeClosedSignal, newRevisionSignal, statusQuery, threadReplySignal, type RunSettings } from '../src/workflows/definitions.js';
import type { reviewWorkflow } from '../src/workflows/review.js';
import { closeAdmin, createTestDatabase, type TestDatabase } from './helpers/audit-database.js';
import { eventually } from './helpers/forgebot-stack.js';
import { startTemporal, unique } from './helpers/temporal.js';
import { CommandFakes, threadReply } from './replay/command-world.js';
import { genericActivities } from './replay/generic-activities.js';
import { sha, World } from './replay/replay-world.js';

after(closeAdmin);

const thread = (over: Partial<FindingThread>): FindingThread => ({ threadId: 't1', fingerprint: 'aaaa0001', resolved: false, raisedBy: ['general'], path: 'src/a.ts', line: 3, severity: 'major', category: 'bug', title: 'Unchecked null', ...over });
const note = (noteId: string, body: string, byForgebot = false): ThreadNoteRecord => ({ noteId, authorId: byForgebot ? 1 : 30, author: byForgebot ? 'forgebot' : 'dev', byForgebot, body });

/** A forge with forgebot's finding threads and what was said in them (all the activity reads). */
function forgeWith(threads: FindingThread[], notes: Record<string, ThreadNoteRecord[]> = {}): Forge {
  return {
    getChange: async () => assert.fail('not read'),
    upsertSummary: async () => assert.fail('not written'),
    postedFindingFingerprints: async () => new Set(),
    postInlineComment: async () => assert.fail('not written'),
    findingThreads: async () => threads,
    findingThread: async (_ref, threadId) => {
      const found = threads.find((candidate) => candidate.threadId === threadId);
      return found ? { finding: found, notes: notes[threadId] ?? [] } : undefined;
    },
  };
}

async function counted(specialist: string, outcome: string): Promise<number> {
  const metric = await workerRegistry.getSingleMetric('forgebot_finding_outcomes_total')?.get();
  return metric?.values.find((value) => value.labels.specialist === specialist && value.labels.outcome === outcome)?.value ?? 0;
}

const ref: ChangeRef = { forge: 'gitlab', projectId: 42, projectPath: 'group/app', number: 7 };
const feedback = (fingerprint: string, disposition: 'wont-fix' | 'false-positive' | 'fixed', noteId: string) => ({ fingerprint, disposition, by: 'dev', userId: 30, noteId, at: '2025-06-01T00:00:00Z' });

describe('recordFindingOutcomes', () => {
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase();
  });
  after(async () => {
    await database?.drop();
  });

  test('each thread an outcome per specialist; a reasoned dismissal proposed as a learning; a retry writes and counts nothing again', async () => {
    const { memory } = database.openStore();
    const threads = [
      thread({ fingerprint: 'aaaa0001', resolved: true, resolvedByForgebot: true, raisedBy: ['security', 'typescript'] }),
      thread({ fingerprint: 'aaaa0002', threadId: 't2', resolved: true, resolvedByForgebot: false }),
      thread({ fingerprint: 'aaaa0003', threadId: 't3', resolved: true, raisedBy: ['performance'], title: 'N+1 query' }),
      thread({ fingerprint: 'aaaa0004', threadId: 't4', raisedBy: ['security'], title: 'SQL built from input' }),
      thread({ fingerprint: 'aaaa0005', threadId: 't5' }),
      thread({ fingerprint: 'aaaa0006', threadId: 't6' }),
    ];
    const notes = {
      t3: [note('f3', 'finding', true), note('n3', "won't fix: this loop runs once per deploy, <!-- hidden --> never per request\n> quoted finding")],
      t4: [note('f4', 'finding', true), note('n4', 'false positive')],
    };
    const input = { reason: 'merged' as const, feedback: [feedback('aaaa0003', 'wont-fix', 'n3'), feedback('aaaa0004', 'false-positive', 'n4'), feedback('aaaa0006', 'fixed', 'n6')] };
    const activities = createFindingOutcomeActivities({ forges: { gitlab: forgeWith(threads, notes) }, memory });
    const before = await counted('security', 'fixed');
    assert.deepEqual(await activities.recordFindingOutcomes(ref, input), { findings: 6, recorded: 7, proposedLearnings: 1 });
    assert.deepEqual(await activities.recordFindingOutcomes(ref, input), { findings: 6, recorded: 0, proposedLearnings: 0 }, 'a retry');
    assert.equal((await counted('security', 'fixed')) - before, 1, 'counted once');
    const { rows } = await database.sql.query<{ fingerprint: string; specialist: string; outcome: string }>('SELECT fingerprint, specialist, outcome FROM forgebot_finding_outcomes ORDER BY fingerprint, specialist');
    assert.deepEqual(rows.map((row) => `${row.fingerprint} ${row.specialist} ${row.outcome}`), [
      'aaaa0001 security fixed',
      'aaaa0001 typescript fixed',
      'aaaa0002 general resolved',
      'aaaa0003 performance wont-fix',
      'aaaa0004 security false-positive',
      'aaaa0005 general ignored',
      'aaaa0006 general resolved',
    ]);
    const [proposal, ...more] = await memory.listLearnings({ repository: 'group/app' });
    assert.equal(more.length, 0, '"false positive" alone gives no reason: nothing proposed');
    assert.deepEqual([proposal?.status, proposal?.specialist, proposal?.author, proposal?.sourceChange, proposal?.sourceNote], ['proposed', 'performance', 'dev', 7, 'n3']);
    assert.equal(proposal?.text, `"N+1 query" (src/a.ts) was marked won't fix: this loop runs once per deploy, never per request`);
  });

  test("a learning's text: quotes, commands, markup and secrets gone, capped at 500", () => {
    const finding = { title: 'T', path: 'p.ts' };
    assert.equal(learningText('/claude help\nok', finding, 'wont-fix'), undefined);
    const text = learningText(`${'word '.repeat(200)} glpat-abcdefghijklmnopqrst1234 <b>\u200Bbold</b>`, finding, 'false-positive') ?? '';
    assert.equal(text.length, 500);
    assert.doesNotMatch(text, /[<>\u200B]|glpat-abcdefghijklmnopqrst1234/);
    assert.match(learningText('we keep this on purpose: glpat-abcdefghijklmnopqrst1234', finding, 'wont-fix') ?? '', /\[redacted|REDACTED/i);
  });
});

describe('the review workflow records the outcomes when the change ends', () => {
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  before(async () => {
    [env, database] = await Promise.all([startTemporal(), createTestDatabase()]);
    await registerSearchAttributes(env.connection, 'default');
  });
  after(async () => {
    await Promise.allSettled([env?.teardown(), database?.drop()]);
  });

  async function runToMerge(recordFindingOutcomes: ReturnType<typeof createFindingOutcomeActivities>['recordFindingOutcomes'], reply?: string) {
    const taskQueue = unique('outcomes-main');
    const agentTaskQueue = unique('outcomes-agent');
    const change: ChangeRef = { forge: 'gitlab', projectId: Math.floor(Math.random() * 1e6) + 1, projectPath: 'group/app', number: 7 };
    const settings: RunSettings = { debounceMs: 50, reviewDrafts: false, agentTaskQueue, agentTimeoutMs: 60_000, reviewsPerRun: 50 };
    const world = new World(change);
    const generic = genericActivities(world, () => settings);
    const commands = new CommandFakes(world);
    commands.access.set(30, 'write');
    commands.findingThreads.set('finding-thread', { fingerprint: 'abcd1234', title: 'Unchecked null' });
    const main = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities: { ...generic.main, ...commands.activities(), recordFindingOutcomes } });
    const agent = await Worker.create({ connection: env.nativeConnection, taskQueue: agentTaskQueue, activities: generic.agent });
    const until = (what: string, check: () => Promise<boolean>) => eventually(async () => (await check()) || undefined, what, 20_000);
    return main.runUntil(
      agent.runUntil(async () => {
        const started = await env.client.workflow.signalWithStart<typeof reviewWorkflow, [ReviewRequest]>('reviewWorkflow', { workflowId: reviewWorkflowId(change), taskQueue, args: [{ ref: change }], signal: newRevisionSignal, signalArgs: [world.request(sha(1))] });
        const handle = env.client.workflow.getHandle<typeof reviewWorkflow>(started.workflowId);
        await until('sha1 reviewed', async () => (await handle.query(statusQuery)).lastReviewedSha === sha(1));
        if (reply) {
          const said = threadReply({ id: 30, username: 'dev' }, 'finding-thread', reply, 'r1');
          commands.dispositions.set(said.noteId, 'wont-fix');
          await handle.signal(threadReplySignal, said);
          await until('the feedback recorded', async () => (await handle.query(statusQuery)).findingFeedback?.length === 1);
        }
        await handle.signal(changeClosedSignal, { reason: 'merged' });
        return handle.result();
      }),
    );
  }

  test('merged: the real activity writes the outcome and proposes the reply as a learning', async () => {
    const { memory } = database.openStore();
    const threads = [thread({ threadId: 'finding-thread', fingerprint: 'abcd1234', raisedBy: ['security'] })];
    const forge = forgeWith(threads, { 'finding-thread': [note('f1', 'finding', true), note('r1', "won't fix: the admin page is internal only, behind the VPN")] });
    const status = await runToMerge(createFindingOutcomeActivities({ forges: { gitlab: forge }, memory }).recordFindingOutcomes, "won't fix: the admin page is internal only, behind the VPN");
    assert.equal(status.phase, 'closed');
    const { rows } = await database.sql.query<{ specialist: string; outcome: string }>("SELECT specialist, outcome FROM forgebot_finding_outcomes WHERE fingerprint = 'abcd1234'");
    assert.deepEqual(rows, [{ specialist: 'security', outcome: 'wont-fix' }]);
    const proposals = await memory.listLearnings({ status: 'proposed' });
    assert.equal(proposals.length, 1);
    assert.match(proposals[0]?.text ?? '', /internal only, behind the VPN$/);
  });

  test('an activity that keeps failing is given up after its bounded retries: the workflow still closes', async () => {
    let attempts = 0;
    const failing = async (): Promise<never> => {
      attempts++;
      throw ApplicationFailure.create({ type: 'ERR_FORGE_UNAVAILABLE', message: 'the forge is down', nonRetryable: attempts >= 2 });
    };
    const status = await runToMerge(failing);
    assert.deepEqual([status.phase, attempts], ['closed', 2]);
  });
});
