// The ticket workflow on a real Temporal dev server, with in-test fakes of its activities' contracts
// (test/replay/ticket-world.ts): from the ticket read to the plan gate, the implementation's checks, the change and the
// merge gate, and the ways it ends. The pure parts (work checks, branch names, comment order) first.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkDigest } from '../src/activities/agent-digest.js';
import { forwardDecision } from '../src/activities/commands/forward-decision.js';
import { decideAtGate } from '../src/cli/commands/decide.js';
import type { JiraRepositoryMapping } from '../src/domain/jira/ticket-mapping.js';
import { parseRepoSettings } from '../src/domain/review-settings.js';
import { registerSearchAttributes } from '../src/workers/register-search-attributes.js';
import { decideUpdate, type GateDecision } from '../src/workflows/sentry-fix-definitions.js';
import { isAfter } from '../src/workflows/ticket/inbox.js';
import { checkWork, isTestPath } from '../src/workflows/ticket/work-checks.js';
import { cancelTicketSignal, ticketCommentSignal, ticketStatusQuery, ticketWithdrawnSignal } from '../src/workflows/ticket-definitions.js';
import { startTemporal, unique } from './helpers/temporal.js';
import { alice, claim, mallory, sha, TEST_TIMING, TicketWorld, until, withTicket, type TicketHandle } from './replay/ticket-world.js';

let tickets = 0;
function newWorld(overrides: Partial<JiraRepositoryMapping> = {}): TicketWorld {
  tickets += 1;
  return new TicketWorld(TicketWorld.mapping(`group/${unique('app')}`, overrides), { key: `PROJ-${tickets}`, agentTaskQueue: unique('ticket') });
}

const status = (handle: TicketHandle) => handle.query(ticketStatusQuery);
const atGate = (handle: TicketHandle, gate: GateDecision['gate'], version?: number) =>
  until(`the ${gate} gate is open${version ? ` on plan v${version}` : ''}`, async () => {
    const now = await status(handle);
    return now.openGate?.gate === gate && (version === undefined || now.plans.at(-1)?.version === version);
  });
const decide = (gate: GateDecision['gate'], verdict: GateDecision['decision'], name: string, extra: Partial<GateDecision> = {}): GateDecision => ({ gate, decision: verdict, by: { name, source: 'ui' }, ...extra });

async function refused(handle: TicketHandle, sent: GateDecision, reason: RegExp): Promise<void> {
  await assert.rejects(handle.executeUpdate(decideUpdate, { args: [sent] }), (error: unknown) => {
    assert.ok(error instanceof WorkflowUpdateFailedError, String(error));
    assert.match(error.cause?.message ?? '', reason);
    return true;
  });
}

const work = (overrides: Partial<WorkDigest>): WorkDigest => ({
  role: 'implementer', filesChanged: 2, linesAdded: 10, linesDeleted: 1, paths: ['src/a.ts', 'test/a.test.ts'], commands: [{ name: 'test', exitCode: 0, timedOut: false }],
  usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, turns: 1 }, truncated: false, ...overrides,
});
const limits = { planFiles: ['src/a.ts', 'test/a.test.ts', 'src/b.ts'], maxFiles: 3, maxLines: 50, mustPass: ['test'] };

describe('ticket workflow: pure parts', () => {
  test('checkWork: in the plan, within limits, a test file, the test command passed last', () => {
    assert.deepEqual(checkWork(work({}), limits), { ok: true, testPaths: ['test/a.test.ts'], tests: '`test` passed; tests changed: test/a.test.ts' });
    assert.deepEqual(checkWork(work({ paths: ['src/a.ts', 'src/zzz.ts', 'test/a.test.ts'] }), limits), { ok: false, reason: 'the implementation changed files outside the approved plan: src/zzz.ts', outsidePlan: ['src/zzz.ts'] });
    assert.match((checkWork(work({ paths: ['src/a.ts', 'src/b.ts'] }), limits) as { reason: string }).reason, /changed no test file/);
    assert.match((checkWork(work({ linesAdded: 60 }), limits) as { reason: string }).reason, /2 file\(s\) and 61 line\(s\); at most 3 and 50/);
    assert.match((checkWork(work({ commands: [{ name: 'test', exitCode: 0, timedOut: false }, { name: 'test', exitCode: 1, timedOut: false }] }), limits) as { reason: string }).reason, /`test` failed on the implementation \(exit code 1\)/);
    assert.match((checkWork(work({ commands: [] }), limits) as { reason: string }).reason, /`test` was never run/);
    const pathless = work({});
    delete pathless.paths;
    assert.match((checkWork(pathless, limits) as { reason: string }).reason, /did not say which files/);
    assert.match((checkWork(work({ filesChanged: 0 }), limits) as { reason: string }).reason, /changed no file/);
  });

  test('test paths by convention; Jira comment ids in order', () => {
    for (const path of ['test/a.ts', 'src/a.test.ts', 'pkg/a_test.go', 'tests/test_views.py', 'src/__tests__/x.js', 'app/FooTest.java', 'spec/models/user_spec.rb']) assert.ok(isTestPath(path), path);
    for (const path of ['src/a.ts', 'src/latest.ts', 'contest/a.ts', 'docs/testing.md']) assert.ok(!isTestPath(path), path);
    assert.ok(isAfter('10000', '9999'));
    assert.ok(!isAfter('9999', '10000'));
    assert.ok(!isAfter('10000', '10000'));
  });
});

describe('ticket workflow', () => {
  let env: TestWorkflowEnvironment;
  before(async () => {
    env = await startTemporal();
    await registerSearchAttributes(env.connection, 'default');
  });
  after(async () => {
    await env?.teardown();
  });

  test('happy path: plan, approve by Update (CLI), implementation, commit, In Review, pipeline, `/claude approve` on the MR → ready', async () => {
    const world = newWorld();
    world.pipeline = 'running';
    await withTicket(env, world, async (handle) => {
      await atGate(handle, 'plan', 1);
      const outcome = await decideAtGate(env.client, { decision: 'approve', workflowId: handle.workflowId, as: 'olivia' });
      assert.deepEqual(outcome, { gate: 'plan', decision: 'approve', next: 'implementing plan v1' });
      await until('the pipeline runs', async () => (await status(handle)).pipeline?.state === 'running');
      // forgebot moved the ticket to In Review itself: the left-ready delivery that causes stops nothing.
      await handle.signal(ticketWithdrawnSignal, { why: 'left-ready', changelogId: '5002' });
      world.pipeline = 'success';
      await atGate(handle, 'merge');
      const ref = (await status(handle)).change?.ref;
      assert.ok(ref);
      const forwarded = await forwardDecision(env.client, ref, { decision: 'approve', by: { name: 'maria', source: 'comment', userId: 31 } }, unique('note'));
      assert.equal(forwarded.kind, 'taken');
      const final = await handle.result();
      assert.equal(final.outcome, 'ready');
      assert.equal(final.approvedPlan, 1);
      assert.deepEqual(final.decisions.map((d) => [d.gate, d.by.name]), [['plan', 'olivia'], ['merge', 'maria']]);
      assert.deepEqual(final.implementation?.paths, TicketWorld.planFiles);
      assert.match(final.implementation?.tests ?? '', /`test` passed/);
    });
    assert.equal(world.openedPlans.length, 1);
    const opened = world.openedPlans[0];
    assert.equal(opened?.branch, `forgebot/${world.key}-add-a-csv-export-to-the-report-page`);
    assert.equal(opened?.baseSha, sha(1));
    assert.equal(opened?.title, `${world.key}: Add a CSV export to the report page`);
    assert.equal(opened?.workflowId, `ticket:jira:${world.key}`);
    const [planner, implementer] = world.modelCalls;
    assert.ok(planner?.role === 'planner' && implementer?.role === 'implementer');
    assert.equal(planner.repository.headSha, sha(1));
    assert.equal(planner.contextClaim?.key.startsWith('ticket-requirements.'), true);
    assert.deepEqual(planner.scope, { maxFiles: 10, maxLines: 400 });
    assert.equal(implementer.repository.headSha, sha(2), 'the implementer works on the plan branch');
    assert.equal(implementer.contextClaim?.key.startsWith('agent-planner.'), true, 'the approved plan is its context');
    assert.equal(implementer.verify, undefined);
    assert.deepEqual(world.commits.map((commit) => [commit.branch, commit.parentSha]), [[opened?.branch, sha(2)]]);
    assert.equal(world.described.at(-1)?.workClaim?.key.startsWith('agent-implementer.'), true);
    assert.deepEqual(world.transitions, ['In Review']);
    assert.deepEqual(world.ready, [7]);
    assert.deepEqual(world.closed, []);
    assert.deepEqual(world.deleted, []);
    assert.deepEqual(world.notes.map(({ note }) => note.kind), ['plan', 'implemented', 'ended']);
    assert.ok(world.calls.filter((name) => name === 'readTicketForWork').length >= 4, 'the ticket is re-read before each step and for the withdrawn signal');
    await until('the ticket key is searchable', async () => {
      for await (const found of env.client.workflow.list({ query: `ForgebotTicketKey = "${world.key}"` })) return found.workflowId === `ticket:jira:${world.key}`;
      return false;
    });
  });

  test('reject → plan v2 with the reason; approving v1 is refused as stale; v2 approved; the merge rejected → change closed, branch deleted', async () => {
    const world = newWorld();
    await withTicket(env, world, async (handle) => {
      await refused(handle, decide('plan', 'approve', 'olivia'), /no gate is open: the workflow is (reading|planning)/);
      await atGate(handle, 'plan', 1);
      await refused(handle, decide('plan', 'reject', 'olivia'), /a rejection needs a reason/);
      await refused(handle, decide('merge', 'approve', 'olivia'), /waits at the plan gate, not merge/);
      await handle.executeUpdate(decideUpdate, { args: [decide('plan', 'reject', 'olivia', { reason: 'use the streaming writer', planVersion: 1 })] });
      await atGate(handle, 'plan', 2);
      await refused(handle, decide('plan', 'approve', 'olivia', { planVersion: 1 }), /^plan v1 is not the latest \(v2\)$/);
      await handle.executeUpdate(decideUpdate, { args: [decide('plan', 'approve', 'olivia', { planVersion: 2 })] });
      await atGate(handle, 'merge');
      await handle.executeUpdate(decideUpdate, { args: [decide('merge', 'reject', 'olivia', { reason: 'not now' })] });
      const final = await handle.result();
      assert.equal(final.outcome, 'rejected');
      assert.equal(final.approvedPlan, 2);
      assert.deepEqual(final.plans.map((plan) => [plan.version, plan.revisedBecause]), [[1, undefined], [2, 'use the streaming writer']]);
      assert.match(final.outcomeDetail ?? '', /rejected by olivia \(ui\): not now/);
    });
    const second = world.modelCalls.filter((call) => call.role === 'planner')[1];
    assert.ok(second?.role === 'planner');
    assert.deepEqual(second.revision, { version: 1, previousPlanClaim: claim('agent-planner', 1), feedback: 'use the streaming writer' });
    assert.equal(world.openedPlans.length, 1, 'one change carries every version');
    assert.equal(world.described[0]?.version, 2);
    assert.deepEqual(world.closed, [7]);
    assert.deepEqual(world.deleted, [world.branch]);
    assert.deepEqual(world.notes.map(({ note }) => note.kind), ['plan', 'plan', 'implemented', 'ended']);
  });

  test('a Jira comment: `approve` by a reader is refused with a comment; `revise:` then `approve` by a permitted person are taken', async () => {
    const world = newWorld();
    await withTicket(env, world, async (handle) => {
      await atGate(handle, 'plan', 1);
      const denied = await world.comment(handle, mallory, 'approve', 'approve');
      await until('the refusal', () => world.notesOf('refused').length === 1);
      const refusal = world.notesOf('refused')[0];
      assert.ok(refusal?.kind === 'refused');
      assert.equal(refusal.commentId, denied.id);
      assert.match(refusal.reason, /needs the Jira permission TRANSITION_ISSUES on project PROJ, which its author lacks/);
      assert.equal((await status(handle)).openGate?.gate, 'plan', 'still waiting');
      await world.comment(handle, alice, 'revise', 'also export the totals row');
      await atGate(handle, 'plan', 2);
      await world.comment(handle, alice, 'answer', 'looks good so far, thanks');
      await world.comment(handle, alice, 'approve', 'approve');
      await atGate(handle, 'merge');
      await handle.signal(cancelTicketSignal, { by: 'operator', reason: 'reprioritised' });
      const final = await handle.result();
      assert.equal(final.outcome, 'cancelled');
      assert.match(final.outcomeDetail ?? '', /cancelled by operator: reprioritised/);
      assert.deepEqual(final.decisions.map((d) => [d.gate, d.decision, d.by.source, d.by.userId, d.planVersion]), [['plan', 'reject', 'comment', alice.accountId, 1], ['plan', 'approve', 'comment', alice.accountId, 2]]);
    });
    assert.deepEqual(world.permissionChecks, [{ accountId: mallory.accountId, permission: 'TRANSITION_ISSUES' }, { accountId: alice.accountId, permission: 'TRANSITION_ISSUES' }, { accountId: alice.accountId, permission: 'TRANSITION_ISSUES' }]);
    const revision = world.modelCalls.filter((call) => call.role === 'planner')[1];
    assert.equal(revision?.role === 'planner' ? revision.revision?.feedback : undefined, 'also export the totals row');
    assert.deepEqual(world.closed, [7]);
    assert.deepEqual(world.deleted, [world.branch]);
    assert.equal(world.notesOf('ended').length, 1);
  });

  test('a comment written before plan v2 was posted decides v1: refused as stale, said on the ticket', async () => {
    const world = newWorld();
    await withTicket(env, world, async (handle) => {
      await atGate(handle, 'plan', 1);
      // Written while v1 was the latest, delivered late: the reject of v1 arrives first.
      const late = world.addComment(alice, 'approve', 'approve');
      await handle.executeUpdate(decideUpdate, { args: [decide('plan', 'reject', 'olivia', { reason: 'smaller please' })] });
      await atGate(handle, 'plan', 2);
      await handle.signal(ticketCommentSignal, { commentId: late.id, author: alice });
      await until('the refusal', () => world.notesOf('refused').length === 1);
      const refusal = world.notesOf('refused')[0];
      assert.ok(refusal?.kind === 'refused');
      assert.equal(refusal.reason, 'plan v1 is not the latest (v2)');
      await handle.signal(cancelTicketSignal, { by: 'operator' });
      assert.equal((await handle.result()).outcome, 'cancelled');
    });
  });

  test('questions → a person answers → the plan is made with the answer', async () => {
    const world = newWorld();
    world.plans = [{ files: [], size: { files: 0, lines: 0 }, questions: 2 }];
    await withTicket(env, world, async (handle) => {
      await until('the questions are asked', async () => (await status(handle)).phase === 'asking');
      assert.match((await status(handle)).questions?.[0] ?? '', /^2 question\(s\) in Jira comment \d+$/);
      await refused(handle, decide('plan', 'approve', 'olivia'), /no gate is open: the workflow is asking/);
      await world.comment(handle, mallory, 'answer', 'Comma separated, UTF-8 with a BOM.');
      await atGate(handle, 'plan', 1);
      assert.equal((await status(handle)).questions, undefined);
      await handle.signal(cancelTicketSignal, { by: 'operator' });
      assert.equal((await handle.result()).outcome, 'cancelled');
    });
    const [asked, planned] = world.modelCalls;
    assert.ok(asked?.role === 'planner' && planned?.role === 'planner');
    assert.equal(asked.revision, undefined);
    assert.equal(planned.revision?.feedback, 'Comma separated, UTF-8 with a BOM.');
    assert.deepEqual(world.notes.map(({ note }) => note.kind), ['questions', 'plan', 'ended']);
  });

  test('unmapped: a comment says what is missing, no agent job, nothing opened', async () => {
    const world = newWorld();
    world.mapped = false;
    await withTicket(env, world, async (handle) => {
      const final = await handle.result();
      assert.equal(final.outcome, 'unmapped');
      assert.match(final.outcomeDetail ?? '', /no JIRA_REPOSITORIES mapping for project PROJ/);
    });
    assert.deepEqual(world.modelCalls, []);
    assert.deepEqual(world.notes.map(({ note }) => note), [{ kind: 'unmapped', reason: 'no JIRA_REPOSITORIES mapping for project PROJ' }]);
    assert.deepEqual(world.openedPlans, []);
  });

  test('not in the ready status when read: withdrawn, nothing said, nothing done', async () => {
    const world = newWorld();
    world.ticket = { ...world.ticket, status: { id: '1', name: 'To Do' }, inReady: false };
    await withTicket(env, world, async (handle) => assert.equal((await handle.result()).outcome, 'withdrawn'));
    assert.deepEqual(world.notes, []);
    assert.deepEqual(world.modelCalls, []);
  });

  test('withdrawn mid-plan: an unconfirmed signal is ignored; the ticket moved back → the planner job is cancelled, change closed, branch deleted', async () => {
    const world = newWorld();
    world.hang = { role: 'planner', call: 2 };
    await withTicket(env, world, async (handle) => {
      await atGate(handle, 'plan', 1);
      await handle.executeUpdate(decideUpdate, { args: [decide('plan', 'reject', 'olivia', { reason: 'split it' })] });
      await until('plan v2 runs', () => world.modelCalls.filter((call) => call.role === 'planner').length === 2);
      // The delivery's word alone: Jira still shows the ticket ready.
      await handle.signal(ticketWithdrawnSignal, { why: 'left-ready', changelogId: '6001' });
      await until('the signal was checked', () => world.calls.filter((name) => name === 'readTicketForWork').length >= 4);
      assert.equal((await status(handle)).phase, 'planning');
      world.ticket = { ...world.ticket, status: { id: '1', name: 'To Do' }, inReady: false };
      await handle.signal(ticketWithdrawnSignal, { why: 'left-ready', changelogId: '6002' });
      const final = await handle.result();
      assert.equal(final.outcome, 'withdrawn');
      assert.equal(final.outcomeDetail, 'the ticket left the ready status (it is To Do)');
    });
    assert.deepEqual(world.cancelled, ['planner']);
    assert.deepEqual(world.closed, [7]);
    assert.deepEqual(world.deleted, [world.branch]);
    const ended = world.notesOf('ended')[0];
    assert.ok(ended?.kind === 'ended');
    assert.equal(ended.outcome, 'withdrawn');
  });

  test('the ticket deleted while the implementer runs; a person had pushed to the branch → it and the change are left to them', async () => {
    const world = newWorld();
    world.hang = { role: 'implementer', call: 1 };
    await withTicket(env, world, async (handle) => {
      await atGate(handle, 'plan', 1);
      await handle.executeUpdate(decideUpdate, { args: [decide('plan', 'approve', 'olivia')] });
      await until('the implementer runs', () => world.modelCalls.some((call) => call.role === 'implementer'));
      world.heads.set(world.branch, 'b'.repeat(40));
      world.gone = true;
      await handle.signal(ticketWithdrawnSignal, { why: 'deleted' });
      const final = await handle.result();
      assert.equal(final.outcome, 'withdrawn');
      assert.match(final.outcomeDetail ?? '', /the ticket was deleted; left behind: a person pushed to forgebot\/PROJ-\d+-add-a-csv-export-to-the-report-page/);
    });
    assert.deepEqual(world.cancelled, ['implementer']);
    assert.deepEqual(world.closed, []);
    assert.deepEqual(world.deleted, []);
    assert.deepEqual(world.notesOf('ended'), [], 'a deleted ticket takes no comment');
  });

  test('an implementation touching a file outside the plan → not pushed, the file named, plan v2 asked for approval', async () => {
    const world = newWorld();
    world.works = [{ paths: [...TicketWorld.planFiles, 'src/config/flags.ts'] }];
    await withTicket(env, world, async (handle) => {
      await atGate(handle, 'plan', 1);
      await handle.executeUpdate(decideUpdate, { args: [decide('plan', 'approve', 'olivia')] });
      await atGate(handle, 'plan', 2);
      const now = await status(handle);
      assert.equal(now.approvedPlan, 1);
      assert.match(now.plans[1]?.revisedBecause ?? '', /needed files outside it: src\/config\/flags\.ts/);
      await handle.signal(cancelTicketSignal, { by: 'operator' });
      assert.equal((await handle.result()).outcome, 'cancelled');
    });
    assert.deepEqual(world.commits, []);
    const notPushed = world.notesOf('not-pushed')[0];
    assert.ok(notPushed?.kind === 'not-pushed');
    assert.match(notPushed.reason, /outside the approved plan: src\/config\/flags\.ts; forgebot plans again, and the new plan needs a new approval/);
    const replanned = world.modelCalls.at(-1);
    assert.ok(replanned?.role === 'planner');
    assert.match(replanned.revision?.feedback ?? '', /src\/config\/flags\.ts/);
  });

  test('no test file changed → not pushed, why said on the ticket, the change closed and its branch deleted', async () => {
    const world = newWorld();
    world.works = [{ paths: ['src/report/export.ts'] }];
    await withTicket(env, world, async (handle) => {
      await atGate(handle, 'plan', 1);
      await handle.executeUpdate(decideUpdate, { args: [decide('plan', 'approve', 'olivia')] });
      const final = await handle.result();
      assert.equal(final.outcome, 'not-pushed');
      assert.match(final.outcomeDetail ?? '', /changed no test file \(src\/report\/export\.ts\): new code comes with tests/);
    });
    assert.deepEqual(world.commits, []);
    assert.deepEqual(world.transitions, []);
    assert.deepEqual(world.closed, [7]);
    assert.deepEqual(world.deleted, [world.branch]);
    assert.deepEqual(world.notes.map(({ note }) => note.kind), ['plan', 'not-pushed']);
  });

  test('the test command failed → not pushed with the exit code', async () => {
    const world = newWorld({ lintCommand: 'lint' });
    world.repoSettings = parseRepoSettings('commands:\n  test: npm test\n  lint: npm run lint\n');
    world.works = [{ commands: [{ name: 'test', exitCode: 0, timedOut: false }, { name: 'lint', exitCode: 2, timedOut: false }] }];
    await withTicket(env, world, async (handle) => {
      await atGate(handle, 'plan', 1);
      await handle.executeUpdate(decideUpdate, { args: [decide('plan', 'approve', 'olivia')] });
      const final = await handle.result();
      assert.equal(final.outcome, 'not-pushed');
      assert.match(final.outcomeDetail ?? '', /`lint` failed on the implementation \(exit code 2\)/);
    });
    assert.deepEqual(world.commits, []);
  });

  test('plan expiry: one reminder, then `plan-expired`, the change closed and its branch deleted', async () => {
    const world = newWorld();
    await withTicket(
      env,
      world,
      async (handle) => {
        const final = await handle.result();
        assert.equal(final.outcome, 'plan-expired');
        assert.match(final.outcomeDetail ?? '', /no decision on plan v1 within 2500 ms/);
      },
      { ...TEST_TIMING, planGateExpiryMs: 2_500, planReminderMs: 800 },
    );
    assert.deepEqual(world.notes.map(({ note }) => note.kind), ['plan', 'reminder', 'ended']);
    assert.deepEqual(world.closed, [7]);
    assert.deepEqual(world.deleted, [world.branch]);
    assert.deepEqual(world.modelCalls.map((call) => call.role), ['planner']);
  });

  test('iterate: a permitted `revise:` on the open change → another implementation on the same branch, committed on the last head', async () => {
    const world = newWorld();
    await withTicket(env, world, async (handle) => {
      await atGate(handle, 'plan', 1);
      await handle.executeUpdate(decideUpdate, { args: [decide('plan', 'approve', 'olivia')] });
      await atGate(handle, 'merge');
      await world.comment(handle, mallory, 'revise', 'rename the button');
      await until('the reader is refused', () => world.notesOf('refused').length === 1);
      await world.comment(handle, alice, 'approve', 'approve');
      await until('the Jira approve of a merge is refused', () => world.notesOf('refused').length === 2);
      await world.comment(handle, alice, 'revise', 'name the button "Download CSV"');
      await until('the second commit', () => world.commits.length === 2);
      await atGate(handle, 'merge');
      await handle.executeUpdate(decideUpdate, { args: [decide('merge', 'approve', 'maria')] });
      assert.equal((await handle.result()).outcome, 'ready');
    });
    const [, first, second] = world.modelCalls;
    assert.ok(first?.role === 'implementer' && second?.role === 'implementer');
    assert.equal(second.repository.headSha, sha(101), 'the revision works on the first commit');
    assert.equal(second.contextClaim, undefined);
    assert.match(second.goal.context, /name the button "Download CSV"/);
    assert.deepEqual(world.commits.map((commit) => commit.parentSha), [sha(2), sha(101)]);
    assert.deepEqual(world.transitions, ['In Review'], 'moved once');
    const reasons = world.notesOf('refused').map((note) => (note.kind === 'refused' ? note.reason : ''));
    assert.match(reasons[0] ?? '', /lacks/);
    assert.match(reasons[1] ?? '', /the merge is approved on the change/);
    assert.deepEqual(world.notes.map(({ note }) => note.kind), ['plan', 'implemented', 'refused', 'refused', 'implemented', 'ended']);
  });
});
