// The sentry-fix workflow's gates before any model call, on a real Temporal dev server (the daily cap counts through
// its visibility), each stopping the run with a report and no agent job; the branch names; `forgebot approve|reject`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createAttemptCountActivities } from '../src/activities/sentry/attempt-count-activities.js';
import { parseRepoSettings } from '../src/domain/review-settings.js';
import type { SentryProjectMapping } from '../src/domain/sentry/project-mapping.js';
import { registerSearchAttributes } from '../src/workers/register-search-attributes.js';
import { isFixBranchOf, nextFixBranch } from '../src/workflows/sentry-fix/branch-names.js';
import { sentryFixStatusQuery, type SentryGateName } from '../src/workflows/sentry-fix-definitions.js';
import { startTemporal, unique } from './helpers/temporal.js';
import { SentryWorld, until, withSentryFix } from './replay/sentry-world.js';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../bin/forgebot.js', import.meta.url));
let issues = 0;

function newWorld(overrides: Partial<SentryProjectMapping> = {}, path = `group/${unique('gates')}`): SentryWorld {
  issues += 1;
  return new SentryWorld(SentryWorld.mapping(path, overrides), { issueId: String(7000 + issues), shortId: `GATE-${issues}`, agentTaskQueue: unique('sentry-gates') });
}

const gates: Array<{ gate: SentryGateName; detail: RegExp; mapping?: Partial<SentryProjectMapping>; arrange?: (world: SentryWorld) => void }> = [
  { gate: 'mapping', detail: /the Sentry project api is not mapped/, arrange: (world) => (world.settings.mappings = []) },
  { gate: 'error-type', detail: /ConnectionError is not in the project's error-type allowlist/, arrange: (world) => (world.issue.errorType = 'ConnectionError') },
  { gate: 'error-type', detail: /TimeoutError is not in the project's error-type allowlist \(KeyError\)/, mapping: { errorTypes: ['KeyError'] }, arrange: (world) => world.evidence.exceptions[0] && (world.evidence.exceptions[0].type = 'TimeoutError') },
  { gate: 'in-app-frame', detail: /the event has no in-app frame/, arrange: (world) => world.evidence.exceptions[0]?.frames.forEach((frame) => (frame.inApp = false)) },
  { gate: 'frame-in-repository', detail: /none of api\/views\.py exists at main/, arrange: (world) => (world.existing = []) },
  { gate: 'event-count', detail: /12 event\(s\) so far; the project asks for at least 50/, mapping: { minEvents: 50 } },
  { gate: 'user-count', detail: /3 affected user\(s\); the project asks for at least 10/, mapping: { minUsers: 10 } },
  {
    gate: 'open-fix-change',
    detail: /a fix change for GATE-\d+ is open already: https:\/\/forge\.test\/mr\/5/,
    arrange: (world) => (world.lookup = { open: { ref: { forge: 'gitlab', projectId: 4242, projectPath: world.mapping.projectPath, number: 5 }, webUrl: 'https://forge.test/mr/5', branch: `forgebot/sentry-${world.issue.shortId}-2` }, branches: [] }),
  },
  { gate: 'test-command', detail: /declares no `test` command/, arrange: (world) => (world.repoSettings = parseRepoSettings('commands:\n  lint: ruff .\n')) },
  { gate: 'daily-cap', detail: /0 fix attempt\(s\) for group\/gates-[^ ]+ today; the cap is 0 a day/, mapping: { dailyAttempts: 0 } },
];

describe('sentry-fix workflow: gates before any model call', () => {
  let env: TestWorkflowEnvironment;
  before(async () => {
    env = await startTemporal();
    await registerSearchAttributes(env.connection, 'default');
  });
  after(async () => {
    await env?.teardown();
  });

  for (const { gate, detail, mapping, arrange } of gates) {
    test(`${gate}: ${detail.source.replace(/\\/g, '').slice(0, 60)} → gated, no agent job, the reason on Sentry`, async () => {
      const world = newWorld(mapping);
      arrange?.(world);
      await withSentryFix(env, world, async (handle) => {
        const final = await handle.result();
        assert.equal(final.outcome, 'gated');
        const last = final.gates.at(-1);
        assert.equal(last?.gate, gate);
        assert.equal(last?.passed, false);
        assert.match(last?.detail ?? '', detail);
        assert.ok(final.gates.slice(0, -1).every((earlier) => earlier.passed), 'only the last gate failed');
      });
      assert.deepEqual(world.modelCalls, []);
      assert.equal(world.reports.length, 1);
      const report = world.reports[0];
      assert.ok(report?.kind === 'gated');
      assert.equal(report.gate, gate);
      assert.match(report.detail, detail);
    });
  }

  test('the error type on the trigger already fails: Sentry is not even asked for the event', async () => {
    const world = newWorld();
    await withSentryFix(env, world, async (handle) => assert.equal((await handle.result()).outcome, 'gated'), world.trigger('created', { errorType: 'OSError' }));
    assert.equal(world.calls.includes('fetchSentryEvidence'), false);
  });

  test('the daily cap counts the attempts that reached the model today (visibility), per repository', async () => {
    const path = `group/${unique('capped')}`;
    const first = newWorld({ dailyAttempts: 1 }, path);
    first.analysis = { fixable: false, confidence: 0.2 };
    await withSentryFix(env, first, async (handle) => assert.equal((await handle.result()).outcome, 'unfixable'));
    const counter = createAttemptCountActivities({ client: env.client });
    await until('visibility counts the first attempt', async () => (await counter.countFixAttemptsToday(path)) === 1);
    assert.equal(await counter.countFixAttemptsToday(`group/${unique('other')}`), 0);
    const second = newWorld({ dailyAttempts: 1 }, path);
    await withSentryFix(env, second, async (handle) => {
      const final = await handle.result();
      assert.equal(final.outcome, 'gated');
      assert.match(final.outcomeDetail ?? '', /daily-cap: 1 fix attempt\(s\) for group\/capped-.* today; the cap is 1 a day/);
    });
    assert.deepEqual(second.modelCalls, []);
  });

  test('fix branches: the first free name; another issue whose short id starts the same is not this one', () => {
    assert.equal(nextFixBranch('API-1', []), 'forgebot/sentry-API-1');
    assert.equal(nextFixBranch('API-1', ['forgebot/sentry-API-1', 'forgebot/sentry-API-1-2', 'forgebot/sentry-API-12']), 'forgebot/sentry-API-1-3');
    assert.equal(isFixBranchOf('API-1', 'forgebot/sentry-API-1-2'), true);
    assert.equal(isFixBranchOf('API-1', 'forgebot/sentry-API-12'), false);
    assert.equal(isFixBranchOf('API-1', 'forgebot/sentry-API-1-x'), false);
  });

  test('forgebot approve|reject: a refusal is its reason on stderr, exit code 1; an approval prints what comes next', async () => {
    const world = newWorld();
    world.pipeline = 'running';
    const forgebot = (args: string[]) => run(process.execPath, [bin, ...args], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', TEMPORAL_ADDRESS: env.address, LOG_LEVEL: 'warn' }, timeout: 60_000 });
    await withSentryFix(env, world, async (handle) => {
      await until('the pipeline runs', async () => (await handle.query(sentryFixStatusQuery)).phase === 'pipeline');
      await assert.rejects(forgebot(['approve', handle.workflowId]), (error: { code?: number; stderr?: string }) => {
        assert.equal(error.code, 1);
        assert.match(error.stderr ?? '', /^forgebot approve: refused: sentry-fix:acme:\d+ waits at no gate \(phase: pipeline\)$/m);
        return true;
      });
      await assert.rejects(forgebot(['reject', handle.workflowId]), (error: { code?: number; stderr?: string }) => error.code === 1 && /--reason/.test(error.stderr ?? ''));
      world.pipeline = 'success';
      await until('the merge gate is open', async () => (await handle.query(sentryFixStatusQuery)).openGate !== undefined);
      const { stdout } = await forgebot(['approve', handle.workflowId, '--as', 'frank', '--reason', 'looks right']);
      assert.match(stdout, /^sentry-fix:acme:\d+: approved at the merge gate; marking the change ready for review$/m);
      const final = await handle.result();
      assert.equal(final.outcome, 'ready');
      assert.deepEqual(final.decisions.map(({ by, reason }) => [by.name, by.source, reason]), [['frank', 'cli', 'looks right']]);
    });
  });
});
