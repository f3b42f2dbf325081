// The audit interceptor on a real Temporal dev server: a tiny workflow calls activities by their real names on a
// worker that has the interceptor; the rows land in a PostgreSQL database of the test's own.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type ActivityInterceptorsFactory, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { RunAgentInput } from '../src/activities/agent-activities.js';
import type { StoredAgentRun } from '../src/activities/agent-digest.js';
import type { CommentDecision } from '../src/activities/command-activities.js';
import type { PublishOutcome } from '../src/activities/publish-review.js';
import type { StoredAuditEvent } from '../src/audit/audit-event.js';
import { auditActivityInterceptor } from '../src/audit/audit-interceptor.js';
import { auditForWorker, type WorkerAudit } from '../src/audit/wiring.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import type { AuditStore } from '../src/audit/audit-store.js';
import type { KnownActivities } from '../src/audit/rows/call.js';
import { failedAgentJob } from '../src/audit/rows/index.js';
import type { ChangeRef } from '../src/domain/change-ref.js';
import type { ChangeCommand } from '../src/domain/change-command.js';
import type { ClaimRef } from '../src/domain/claim-ref.js';
import { closeAdmin, createTestDatabase, type TestDatabase } from './helpers/audit-database.js';
import type { ActivityCall, CallEnd } from './helpers/audit-workflows.js';
import { startTemporal, unique } from './helpers/temporal.js';

const ref: ChangeRef = { forge: 'gitlab', projectId: 42, projectPath: 'group/app', number: 7 };
const claim: ClaimRef = { store: 'postgres', key: 'agent-reviewer-abc', sha256: 'a'.repeat(64), bytes: 10 };
const command: ChangeCommand = {
  command: { verb: 'approve', argument: '' },
  noteId: '901',
  noteKind: 'note',
  place: { kind: 'change' },
  author: { id: 5, username: 'maria' },
  noteUrl: 'https://gitlab.example.com/group/app/-/merge_requests/7#note_901',
};
const published: PublishOutcome = { published: true, currentHeadSha: 'b'.repeat(40), summaryCreated: true, inlinePosted: 2, inlineAlreadyPresent: 1, unanchored: 0, threadsResolved: 1 };
const agentInput: RunAgentInput = {
  timeoutMs: 60_000,
  assignment: {
    role: 'reviewer',
    request: { ref, headSha: 'b'.repeat(40), title: 'Fix', author: 'dev', sourceBranch: 'fix', targetBranch: 'main', webUrl: '', draft: false },
    change: { state: 'opened', draft: false, headSha: 'b'.repeat(40), baseSha: 'c'.repeat(40), cloneUrl: 'https://gitlab.example.com/group/app.git', changedPaths: ['src/a.ts'] },
  },
};
const agentRun: StoredAgentRun = {
  claim,
  digest: { role: 'reviewer', headSha: 'b'.repeat(40), findings: 3, usage: { inputTokens: 1200, outputTokens: 300, cacheReadTokens: 50, cacheWriteTokens: 0, turns: 4 }, costUsd: 0.012, notReviewed: 0 },
};
const decision: CommentDecision = { decision: 'approve', by: { name: 'maria', source: 'comment', accessLevel: 'maintainer', userId: 5, noteUrl: command.noteUrl ?? '' } };

/** What each fake activity does on its n-th attempt (1-based); by default it succeeds. */
type Script = Partial<Record<keyof KnownActivities, (attempt: number) => void>>;

/** Fakes with the real activities' names and signatures (a wrong name or shape is a type error). */
function fakeActivities(script: Script, calls: Map<string, number>) {
  const run = <T>(name: keyof KnownActivities, value: T): T => {
    const attempt = (calls.get(name) ?? 0) + 1;
    calls.set(name, attempt);
    script[name]?.(attempt);
    return value;
  };
  return {
    publishStoredReview: async () => run('publishStoredReview', published),
    acknowledgeCommand: async () => run('acknowledgeCommand', undefined),
    answerCommand: async () => run('answerCommand', { id: '902' }),
    forwardDecision: async () => run('forwardDecision', { kind: 'taken' as const, workflowId: 'ticket:jira:PROJ-7', outcome: { gate: 'plan' as const, decision: 'approve' as const, next: 'implementing plan v2' }, planVersion: 2 }),
    runAgent: async () => run('runAgent', agentRun),
    publishWork: async () => run('publishWork', { branch: 'forgebot/fix-1', commitSha: 'd'.repeat(40), change: { ref: { ...ref, number: 8 }, webUrl: 'https://gitlab.example.com/group/app/-/merge_requests/8?private_token=glpat-AAAAbbbbCCCCddddEEEE' } }),
    readChangeState: async () => run('readChangeState', 'opened' as const),
  } satisfies Partial<KnownActivities>;
}

const call = (name: keyof KnownActivities, ...args: unknown[]): ActivityCall => ({ name, args });

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

before(async () => {
  env = await startTemporal();
  const quiet = { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, log: () => undefined };
  bundle = await bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('./helpers/audit-workflows.ts', import.meta.url)), logger: quiet });
});
after(async () => {
  await env?.teardown();
  await closeAdmin();
});

interface Run {
  ends: CallEnd[];
  rows: StoredAuditEvent[];
  calls: Map<string, number>;
  workflowId: string;
}

/** Runs the calls in the tiny workflow on a worker with the audit interceptor (after `outer` ones), in a new database. */
async function scenario(
  calls: ActivityCall[],
  options: { script?: Script; outer?: (store: AuditStore) => ActivityInterceptorsFactory; store?: (database: TestDatabase) => AuditStore; wiring?: (database: TestDatabase) => WorkerAudit } = {},
): Promise<Run> {
  const database = await createTestDatabase();
  const wired = options.wiring?.(database);
  try {
    const store = wired?.store ?? options.store?.(database) ?? database.openStore();
    const audit = wired?.interceptor ?? auditActivityInterceptor({ store, model: 'claude-sonnet-4-6' });
    const counts = new Map<string, number>();
    const taskQueue = unique('audit');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: bundle,
      activities: fakeActivities(options.script ?? {}, counts),
      interceptors: { activity: [...(options.outer ? [options.outer(store)] : []), audit] },
    });
    const workflowId = `review:gitlab:42:${unique('7')}`;
    const ends = await worker.runUntil(env.client.workflow.execute('callActivitiesWorkflow', { taskQueue, workflowId, args: [calls] }) as Promise<CallEnd[]>);
    const rows = await database.openStore().list();
    return { ends, rows: rows.reverse(), calls: counts, workflowId };
  } finally {
    await wired?.close();
    await database.drop();
  }
}

describe('audit interceptor (real Temporal dev server, real PostgreSQL)', () => {
  test('a review, a command and a fix write exactly their rows: counts and ids, no bodies; reads write none', async () => {
    const { ends, rows, workflowId } = await scenario([
      call('readChangeState', ref),
      call('runAgent', agentInput),
      call('publishStoredReview', ref, claim),
      call('acknowledgeCommand', ref, command),
      call('answerCommand', ref, command, { kind: 'help' }),
      call('publishWork', { repo: { forge: 'gitlab', projectId: 42, projectPath: 'group/app' }, claim, branch: 'forgebot/fix-1', baseSha: 'c'.repeat(40), targetBranch: 'main', title: 'Fix', intro: 'intro' }),
    ]);
    assert.ok(ends.every((end) => end.ok));
    assert.deepEqual(rows.map((row) => `${row.source}:${row.kind}`), [
      'runAgent:agent-job',
      'publishStoredReview:summary-created',
      'publishStoredReview:inline-comments-posted',
      'publishStoredReview:threads-resolved',
      'acknowledgeCommand:reaction-added',
      'answerCommand:note-posted',
      'publishWork:branch-pushed',
      'publishWork:change-opened',
    ]);
    const [job, , inline, resolved, reaction, answer, , opened] = rows;
    assert.equal(job?.category, 'agent-job');
    assert.deepEqual({ ...job?.details, durationMs: 0 }, { role: 'reviewer', model: 'claude-sonnet-4-6', durationMs: 0, attempt: 1, inputTokens: 1200, outputTokens: 300, cacheReadTokens: 50, cacheWriteTokens: 0, turns: 4, costUsd: 0.012, findings: 3, notReviewed: 0, headSha: 'b'.repeat(40) });
    assert.equal(job?.outcome, 'succeeded');
    assert.equal(inline?.details.count, 2);
    assert.equal(resolved?.details.count, 1);
    assert.deepEqual([reaction?.actor, reaction?.details.emoji, answer?.details.noteId, answer?.details.inReplyTo], ['maria', 'eyes', '902', '901']);
    assert.equal(opened?.subject, 'change:gitlab:42:8');
    assert.equal(opened?.url, 'https://gitlab.example.com/group/app/-/merge_requests/8?private_token=[redacted]');
    for (const row of rows) {
      assert.equal(row.workflowId, workflowId);
      assert.equal(row.workflowType, 'callActivitiesWorkflow');
      assert.equal(row.repository, 'group/app');
    }
  });

  test('a retried activity (its first completion lost after the rows were written) adds no row', async () => {
    const seenAfterFirstAttempt: number[] = [];
    const loseFirstCompletion = (store: AuditStore): ActivityInterceptorsFactory => (ctx) => ({
      inbound: {
        async execute(input, next) {
          const result = await next(input);
          if (ctx.info.activityType === 'publishStoredReview' && ctx.info.attempt === 1) {
            seenAfterFirstAttempt.push((await store.list()).length);
            throw ApplicationFailure.retryable('the completion never reached the server', 'LOST_COMPLETION');
          }
          return result;
        },
      },
    });
    const { ends, rows, calls } = await scenario([call('publishStoredReview', ref, claim)], { outer: loseFirstCompletion });
    assert.deepEqual(ends, [{ ok: true }]);
    assert.equal(calls.get('publishStoredReview'), 2, 'the activity ran twice');
    assert.deepEqual(seenAfterFirstAttempt, [3], 'the first attempt wrote its rows');
    assert.deepEqual(rows.map((row) => row.kind), ['summary-created', 'inline-comments-posted', 'threads-resolved']);
  });

  test('a failing runAgent records each failed attempt with its error type (never its message), then the job that succeeded', async () => {
    const { ends, rows } = await scenario([call('runAgent', agentInput), call('runAgent', agentInput)], {
      script: {
        runAgent: (attempt) => {
          if (attempt === 1) throw ApplicationFailure.create({ type: 'ERR_SANDBOX_TIMEOUT', message: 'the job ran out of time with sk-ant-secretsecret in it' });
          if (attempt === 3) throw ApplicationFailure.create({ type: 'ERR_MODEL_UNAUTHORIZED', message: 'bad key', nonRetryable: true });
        },
      },
    });
    assert.deepEqual(ends, [{ ok: true }, { ok: false, type: 'ERR_MODEL_UNAUTHORIZED' }]);
    assert.deepEqual(rows.map((row) => [row.kind, row.outcome, row.ordinal, row.details.errorType ?? null, row.details.attempt]), [
      ['agent-job-failed', 'failed', 1, 'ERR_SANDBOX_TIMEOUT', 1],
      ['agent-job', 'succeeded', 0, null, 2],
      ['agent-job-failed', 'failed', 1, 'ERR_MODEL_UNAUTHORIZED', 1],
    ]);
    assert.equal(rows[2]?.details.nonRetryable, true);
    assert.equal(rows[0]?.details.role, 'reviewer');
    assert.equal(rows[0]?.subject, 'change:gitlab:42:7');
    assert.doesNotMatch(JSON.stringify(rows), /ran out of time|sk-ant/);
  });

  test("a person's decision forwarded from a comment names them: who, access level, the note, the gate, the plan version", async () => {
    const { rows } = await scenario([call('forwardDecision', ref, decision, '901')]);
    assert.equal(rows.length, 1);
    const [row] = rows;
    assert.deepEqual(
      [row?.category, row?.actor, row?.accessLevel, row?.url, row?.outcome, row?.details.gate, row?.details.planVersion, row?.details.decidedWorkflowId, row?.details.source],
      ['decision', 'maria', 'maintainer', command.noteUrl, 'approved', 'plan', 2, 'ticket:jira:PROJ-7', 'comment'],
    );
  });

  test('a trail that cannot be written never fails the activity: it ran once and the workflow went on', async () => {
    const broken = (database: TestDatabase): AuditStore => ({ ...database.openStore(), record: async () => Promise.reject(new Error('database down')) });
    const { ends, calls, rows } = await scenario([call('acknowledgeCommand', ref, command)], { store: broken });
    assert.deepEqual(ends, [{ ok: true }]);
    assert.equal(calls.get('acknowledgeCommand'), 1);
    assert.equal(rows.length, 0);
  });
});

describe('the wiring: auditForWorker', () => {
  test('from the configuration: PostgreSQL with DATABASE_URL, agent jobs with ANTHROPIC_MODEL, secrets redacted', async () => {
    const { rows } = await scenario([call('runAgent', agentInput), call('publishWork', { repo: { forge: 'gitlab', projectId: 42, projectPath: 'group/app' }, claim, branch: 'forgebot/fix-1', baseSha: 'c'.repeat(40), targetBranch: 'main', title: 'Fix', intro: 'intro' })], {
      wiring: (database) => auditForWorker(loadConfig({ DATABASE_URL: database.url, ANTHROPIC_MODEL: 'claude-opus-4-1', GITLAB_URL: 'https://gitlab.example.com', GITLAB_TOKEN: 'glpat-AAAAbbbbCCCCddddEEEE' }), createLogger('silent')),
    });
    assert.equal(rows[0]?.details.model, 'claude-opus-4-1');
    assert.deepEqual(rows.map((row) => row.kind), ['agent-job', 'branch-pushed', 'change-opened']);
    assert.doesNotMatch(JSON.stringify(rows), /glpat-AAAA/);
  });

  test('an embedded store another process holds: a warning, and the worker runs without a trail', async () => {
    const root = mkdtempSync(join(tmpdir(), 'forgebot-audit-wiring-'));
    try {
      writeFileSync(join(root, 'audit.lock'), String(process.ppid));
      const warnings: string[] = [];
      const logger = createLogger('silent');
      logger.warn = ((_meta: unknown, message?: string) => void warnings.push(message ?? '')) as typeof logger.warn;
      const audit = auditForWorker(loadConfig({ AUDIT_STORE: 'pglite', AUDIT_STORE_DIR: join(root, 'audit') }), logger);
      assert.equal(audit.store.kind, 'off');
      assert.match(warnings[0] ?? '', /^no audit trail in this process: the embedded audit store .* is open in another forgebot process/);
      await audit.close();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('audit rows of a failed agent job (no server)', () => {
  test('a cancelled job is recorded as cancelled; an activity that is not an agent job records no failure', () => {
    const context = { durationMs: 1234.5, attempt: 2, model: 'claude-sonnet-4-6' };
    const row = failedAgentJob('runAgent', [agentInput], new CancelledFailure('stopped'), context);
    assert.deepEqual([row?.kind, row?.outcome, row?.ordinal, row?.details?.errorType, row?.details?.durationMs], ['agent-job-failed', 'cancelled', 2, 'CancelledFailure', 1235]);
    assert.equal(failedAgentJob('publishWork', [], new Error('x'), context), undefined);
    assert.equal(failedAgentJob('runAgent', [{}], new TypeError('bad'), context)?.details?.role, 'unknown');
  });
});
