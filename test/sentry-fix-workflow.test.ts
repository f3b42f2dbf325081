// The sentry-fix workflow on a real Temporal dev server, with in-test fakes of its activities' contracts
// (test/replay/sentry-world.ts): from the trigger to the draft change and the merge gate, and every way it ends.
import { after, before, describe, test } from 'node:test';
import { userInfo } from 'node:os';
import assert from 'node:assert/strict';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DecisionRefused, decideAtGate } from '../src/cli/commands/decide.js';
import type { SentryProjectMapping } from '../src/domain/sentry/project-mapping.js';
import { registerSearchAttributes } from '../src/workers/register-search-attributes.js';
import { cancelSentryFixSignal, decideUpdate, sentryFixStatusQuery, sentryIssueSettledSignal, sentryTriggerSignal, type GateDecision } from '../src/workflows/sentry-fix-definitions.js';
import { startTemporal, unique } from './helpers/temporal.js';
import { claim, permanent, SentryWorld, sha, until, withSentryFix, type SentryFixHandle } from './replay/sentry-world.js';

const EventType = proto.temporal.api.enums.v1.EventType;
let issues = 0;

function newWorld(overrides: Partial<SentryProjectMapping> = {}): SentryWorld {
  issues += 1;
  return new SentryWorld(SentryWorld.mapping(`group/${unique('api')}`, overrides), { issueId: String(9000 + issues), shortId: `API-${issues}`, agentTaskQueue: unique('sentry') });
}

const status = (handle: SentryFixHandle) => handle.query(sentryFixStatusQuery);
const decision = (gate: GateDecision['gate'], verdict: GateDecision['decision'], name: string, reason?: string): GateDecision => ({ gate, decision: verdict, by: { name, source: 'ui' }, ...(reason ? { reason } : {}) });

/** The Update's refusal (the validator's reason), asserted to match. */
async function refused(handle: SentryFixHandle, sent: GateDecision, reason: RegExp): Promise<void> {
  await assert.rejects(handle.executeUpdate(decideUpdate, { args: [sent] }), (error: unknown) => {
    assert.ok(error instanceof WorkflowUpdateFailedError, String(error));
    assert.match(error.cause?.message ?? '', reason);
    return true;
  });
}

async function updateEvents(handle: SentryFixHandle): Promise<{ accepted: number; rejected: number }> {
  const events = (await handle.fetchHistory()).events ?? [];
  const count = (type: number) => events.filter((event) => event.eventType === type).length;
  return { accepted: count(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED), rejected: count(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_REJECTED) };
}

const atGate = (handle: SentryFixHandle) => until('the merge gate is open', async () => (await status(handle)).openGate?.gate === 'merge');

describe('sentry-fix workflow', () => {
  let env: TestWorkflowEnvironment;
  before(async () => {
    env = await startTemporal();
    await registerSearchAttributes(env.connection, 'default');
  });
  after(async () => {
    await env?.teardown();
  });

  test('happy path: gates, analysis, proven fix, draft change on the next free branch, pipeline, approve by Update → ready', async () => {
    const world = newWorld();
    world.pipeline = 'running';
    const prefix = `forgebot/sentry-${world.issue.shortId}`;
    world.lookup = { merged: { ref: { forge: 'gitlab', projectId: 4242, projectPath: world.mapping.projectPath, number: 3 }, webUrl: 'https://forge.test/mr/3', branch: prefix }, branches: [prefix, `${prefix}0`] };
    await withSentryFix(env, world, async (handle) => {
      await until('the pipeline runs', async () => (await status(handle)).pipeline?.state === 'running');
      await handle.signal(sentryTriggerSignal, world.trigger('regressed'));
      await refused(handle, decision('merge', 'approve', 'alice'), /no gate is open: the workflow is pipeline/);
      await assert.rejects(decideAtGate(env.client, { decision: 'approve', workflowId: handle.workflowId, as: 'alice' }), (error: Error) => error instanceof DecisionRefused && /waits at no gate \(phase: pipeline\)/.test(error.message));
      world.pipeline = 'success';
      await atGate(handle);
      const outcome = await decideAtGate(env.client, { decision: 'approve', workflowId: handle.workflowId, as: 'alice' });
      assert.deepEqual(outcome, { gate: 'merge', decision: 'approve', next: 'marking the change ready for review' });
      const final = await handle.result();
      assert.equal(final.outcome, 'ready');
      assert.equal(final.phase, 'done');
      assert.equal(final.triggers, 2, 'the later trigger is counted, not restarted');
      assert.deepEqual(final.gates.filter((gate) => !gate.passed), []);
      assert.deepEqual(final.gates.map((gate) => gate.gate), ['mapping', 'error-type', 'in-app-frame', 'frame-in-repository', 'event-count', 'user-count', 'open-fix-change', 'test-command', 'daily-cap', 'confidence', 'scope', 'test-proof']);
      assert.deepEqual(final.earlierAttempt, { webUrl: 'https://forge.test/mr/3', outcome: 'merged' });
      assert.equal(final.decisions.length, 1);
      assert.deepEqual(final.decisions[0]?.by, { name: 'alice', source: 'cli', login: userInfo().username });
      assert.equal(final.usage?.turns, 4);
      assert.equal(final.costUsd?.toFixed(2), '0.03');
      assert.equal(final.openGate, undefined);
    });
    assert.deepEqual(world.modelCalls.map((call) => call.role), ['analyst', 'implementer']);
    const implementer = world.modelCalls[1];
    assert.ok(implementer?.role === 'implementer');
    assert.deepEqual(implementer.verify, { testCommand: 'test' });
    assert.deepEqual([implementer.settings.changes.max_files, implementer.settings.changes.max_lines], [5, 200], "the project's limits tighten the repository's");
    assert.deepEqual(implementer.contextClaim, claim('sentry-evidence', 1), 'the evidence reaches the agent behind its claim');
    assert.equal(world.published.length, 1);
    assert.equal(world.published[0]?.branch, `${prefix}-2`);
    assert.deepEqual(world.published[0]?.labels, ['forgebot', 'sentry']);
    assert.equal(world.published[0]?.descriptionClaim?.key.startsWith('fix-description.'), true);
    assert.deepEqual(world.descriptions[0]?.earlierAttempt, { webUrl: 'https://forge.test/mr/3' });
    assert.deepEqual(world.ready, [1]);
    assert.deepEqual([world.merged, world.closed, world.deleted], [[], [], []]);
    assert.deepEqual(world.reports.map((report) => report.kind), ['change-opened', 'finished']);
  });

  test('two approvals from different people, merge on approve: the same person twice is refused; then merged', async () => {
    const world = newWorld({ approvals: 2, mergeOnApprove: true });
    await withSentryFix(env, world, async (handle) => {
      await atGate(handle);
      const first = await handle.executeUpdate(decideUpdate, { args: [decision('merge', 'approve', 'alice')] });
      assert.match(first.next, /1 more approval from someone else/);
      await refused(handle, decision('merge', 'approve', 'Alice'), /Alice approved already/);
      const second = await handle.executeUpdate(decideUpdate, { args: [decision('merge', 'approve', 'bob')] });
      assert.equal(second.next, 'marking the change ready and merging it');
      assert.equal((await handle.result()).outcome, 'merged');
      assert.deepEqual(await updateEvents(handle), { accepted: 2, rejected: 0 });
    });
    assert.deepEqual(world.merged, [{ number: 1, sha: sha(2) }]);
  });

  test('the validator refuses, with nothing in history: another gate, a reject without a reason, an approval while the pipeline failed; reject → closed, branch deleted', async () => {
    const world = newWorld();
    world.pipeline = 'failed';
    await withSentryFix(env, world, async (handle) => {
      await atGate(handle);
      await refused(handle, decision('plan', 'approve', 'alice'), /waits at the merge gate, not plan/);
      await refused(handle, decision('merge', 'reject', 'alice'), /a rejection needs a reason/);
      await refused(handle, decision('merge', 'approve', 'alice'), /the pipeline failed: an approval needs it to pass/);
      await refused(handle, { gate: 'merge', decision: 'maybe' } as unknown as GateDecision, /approve or reject/);
      assert.deepEqual(await updateEvents(handle), { accepted: 0, rejected: 0 });
      assert.deepEqual((await status(handle)).decisions, []);
      await assert.rejects(decideAtGate(env.client, { decision: 'reject', workflowId: handle.workflowId }), /a rejection needs a reason/);
      const outcome = await decideAtGate(env.client, { decision: 'reject', workflowId: handle.workflowId, reason: 'the test is flaky', as: 'carol' });
      assert.equal(outcome.next, 'closing the change and deleting its branch');
      const final = await handle.result();
      assert.equal(final.outcome, 'rejected');
      assert.match(final.outcomeDetail ?? '', /rejected by carol \(cli\): the test is flaky/);
      assert.deepEqual(await updateEvents(handle), { accepted: 1, rejected: 0 });
      await assert.rejects(decideAtGate(env.client, { decision: 'approve', workflowId: handle.workflowId }), /waits at no gate \(phase: done\)/);
    });
    assert.deepEqual([world.closed, world.deleted, world.ready], [[1], [`forgebot/sentry-${world.issue.shortId}`], []]);
    assert.deepEqual(world.reports.at(-1), { kind: 'finished', outcome: 'rejected', detail: 'rejected by carol (cli): the test is flaky; the change was closed and its branch deleted', webUrl: `https://forge.test/${world.mapping.projectPath}/-/merge_requests/1` });
  });

  test('no pipeline: `none` twice, a poll apart, counts as passed; approve → ready, not merged (merging needs a green pipeline)', async () => {
    const world = newWorld({ mergeOnApprove: true });
    world.pipeline = 'none';
    await withSentryFix(env, world, async (handle) => {
      await atGate(handle);
      assert.equal(world.calls.filter((call) => call === 'readPipeline').length, 2);
      await handle.executeUpdate(decideUpdate, { args: [decision('merge', 'approve', 'alice')] });
      assert.equal((await handle.result()).outcome, 'ready');
    });
    assert.deepEqual([world.ready, world.merged], [[1], []]);
  });

  test('unfixable (the verdict, or a confidence below the project threshold): the analysis and the reason on Sentry, no fix', async () => {
    for (const analysis of [{ fixable: false, confidence: 0.9 }, { fixable: true, confidence: 0.5 }]) {
      const world = newWorld();
      world.analysis = analysis;
      await withSentryFix(env, world, async (handle) => {
        const final = await handle.result();
        assert.equal(final.outcome, 'unfixable');
        assert.deepEqual(final.gates.at(-1)?.gate, 'confidence');
        assert.match(final.outcomeDetail ?? '', analysis.fixable ? /confidence 0\.50 is below the project's 0\.70/ : /finds no fix/);
      });
      assert.deepEqual(world.modelCalls.map((call) => call.role), ['analyst']);
      assert.equal(world.reports[0]?.kind, 'unfixable');
      assert.equal(world.reports.length, 1);
    }
  });

  test('not proven (the test passed before the fix; the scope exceeded): no change, the reason on Sentry', async () => {
    const cases = [
      { work: { verdict: 'passed-before' as const }, gate: 'test-proof', detail: /passed-before: the test passed before the fix/ },
      { work: { error: permanent('ERR_PATCH_SCOPE', 'the patch changes 9 files; at most 5') }, gate: 'scope', detail: /scope limits: ERR_PATCH_SCOPE: the patch changes 9 files/ },
      { work: { filesChanged: 6 }, gate: 'scope', detail: /changes 6 file\(s\).*at most 5/ },
    ];
    for (const { work, gate, detail } of cases) {
      const world = newWorld();
      world.work = work;
      await withSentryFix(env, world, async (handle) => {
        const final = await handle.result();
        assert.equal(final.outcome, 'not-proven');
        assert.equal(final.gates.at(-1)?.gate, gate);
        assert.match(final.outcomeDetail ?? '', detail);
      });
      assert.equal(world.published.length, 0);
      assert.deepEqual(world.reports.map((report) => report.kind), ['not-proven']);
    }
  });

  test('dry-run (per project, and global): analysis and patch on Sentry, no branch, no change', async () => {
    for (const global of [false, true]) {
      const world = newWorld({ dryRun: !global });
      world.settings.globalDryRun = global;
      await withSentryFix(env, world, async (handle) => {
        const final = await handle.result();
        assert.equal(final.outcome, 'dry-run');
        assert.equal(final.dryRun, true);
        assert.equal(final.change, undefined);
      });
      assert.deepEqual(world.modelCalls.map((call) => call.role), ['analyst', 'implementer']);
      assert.equal(world.calls.includes('publishWork'), false);
      const report = world.reports[0];
      assert.ok(report?.kind === 'dry-run');
      assert.deepEqual([report.analysisClaim.key.startsWith('agent-analyst.'), report.workClaim?.key.startsWith('agent-implementer.')], [true, true]);
    }
  });

  test('the issue settled in Sentry during the fix: the agent job is cancelled, nothing is published, said on Sentry', async () => {
    const world = newWorld();
    world.hang = 'implementer';
    await withSentryFix(env, world, async (handle) => {
      await until('the fix runs', () => world.modelCalls.some((call) => call.role === 'implementer'));
      await handle.signal(sentryIssueSettledSignal, { status: 'resolved', by: 'erin' });
      const final = await handle.result();
      assert.equal(final.outcome, 'settled');
      assert.equal(final.outcomeDetail, 'the issue was resolved in Sentry by erin');
    });
    assert.deepEqual(world.cancelled, ['implementer']);
    assert.deepEqual([world.published, world.closed, world.deleted], [[], [], []]);
    assert.deepEqual(world.reports, [{ kind: 'finished', outcome: 'settled', detail: 'the issue was resolved in Sentry by erin' }]);
  });

  test('a settled signal Sentry does not confirm (a replayed delivery; the issue is unresolved) changes nothing', async () => {
    const world = newWorld();
    world.sentryStatus = 'unresolved';
    world.pipeline = 'running';
    await withSentryFix(env, world, async (handle) => {
      await until('the pipeline wait', async () => (await handle.query(sentryFixStatusQuery)).phase === 'pipeline');
      await handle.signal(sentryIssueSettledSignal, { status: 'resolved', by: 'mallory' });
      await until('the signal checked with Sentry', async () => (await handle.query(sentryFixStatusQuery)).settlesIgnored === 1);
      assert.equal((await handle.query(sentryFixStatusQuery)).phase, 'pipeline', 'still waiting for the pipeline');
      assert.deepEqual([world.closed, world.deleted], [[], []]);
      await handle.signal(cancelSentryFixSignal, { by: 'ops' });
      assert.equal((await handle.result()).outcome, 'cancelled');
    });
  });

  test('an operator cancels while the pipeline runs: the change is closed and its branch deleted', async () => {
    const world = newWorld();
    world.pipeline = 'running';
    await withSentryFix(env, world, async (handle) => {
      await until('the pipeline runs', async () => (await status(handle)).phase === 'pipeline');
      await handle.signal(cancelSentryFixSignal, { by: 'oncall', reason: 'model outage' });
      const final = await handle.result();
      assert.equal(final.outcome, 'cancelled');
      assert.equal(final.outcomeDetail, 'cancelled by oncall: model outage');
    });
    assert.deepEqual([world.closed, world.deleted], [[1], [`forgebot/sentry-${world.issue.shortId}`]]);
    assert.deepEqual(world.reports.map((report) => report.kind), ['change-opened', 'finished']);
  });

  test('a failure after the push is compensated; a cleanup that fails is said on Sentry (what is left, and why)', async () => {
    const world = newWorld();
    world.failing.set('readPipeline', permanent('ERR_FORGE_UNAUTHORIZED', 'the token may not read pipelines'));
    world.failing.set('deleteWorkBranch', permanent('ERR_FORGE_PROTECTED', 'the branch is protected'));
    await withSentryFix(env, world, async (handle) => {
      const final = await handle.result();
      assert.equal(final.outcome, 'failed');
      assert.match(final.lastError ?? '', /ERR_FORGE_UNAUTHORIZED: the token may not read pipelines/);
    });
    assert.deepEqual(world.closed, [1]);
    const report = world.reports.at(-1);
    assert.ok(report?.kind === 'failed');
    assert.match(report.detail, /ERR_FORGE_UNAUTHORIZED/);
    assert.match(report.leftBehind ?? '', /the branch forgebot\/sentry-API-\d+ is still there: deleting it failed \(ERR_FORGE_PROTECTED: the branch is protected\)/);
  });

  test('no decision: a reminder on the change, then expiry closes it and deletes its branch', async () => {
    const world = newWorld();
    Object.assign(world.settings, { gateReminderMs: 800, gateExpiryMs: 2_500, pollIntervalMs: 300 });
    await withSentryFix(env, world, async (handle) => {
      await atGate(handle);
      const open = (await status(handle)).openGate;
      assert.ok(open && Date.parse(open.expiresAt) - Date.parse(open.since) === 2_500);
      const final = await handle.result();
      assert.equal(final.outcome, 'expired');
      assert.equal(final.outcomeDetail, 'no decision within 2500 ms; the change was closed and its branch deleted');
    });
    assert.equal(world.notes.length, 1);
    assert.match(world.notes[0] ?? '', /forgebot approve sentry-fix:acme:\d+/);
    assert.ok(world.calls.indexOf('postChangeNote') < world.calls.indexOf('closeWorkChange'), 'the reminder came before the expiry');
    assert.deepEqual([world.closed, world.deleted], [[1], [`forgebot/sentry-${world.issue.shortId}`]]);
    assert.equal(world.reports.at(-1)?.kind, 'finished');
  });

  test('the change closed by a person while the gate waits: the workflow ends, leaving the change and branch to them', async () => {
    const world = newWorld();
    await withSentryFix(env, world, async (handle) => {
      await atGate(handle);
      world.changeState = 'closed';
      const final = await handle.result();
      assert.equal(final.outcome, 'closed-by-person');
      assert.equal(final.outcomeDetail, 'the change was closed by a person');
    });
    assert.deepEqual([world.closed, world.deleted, world.ready], [[], [], []]);
  });
});
