// What a write-capable agent reads from its context claim: text as the workflow stored it, or an approved plan (the
// planner's stored output) rendered as steps and files — never the output's JSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createAgentActivities, outputClaimKind } from '../src/activities/agent-activities.js';
import type { ClaimCheckStore } from '../src/activities/claim-check/claim-check-store.js';
import { putJson } from '../src/activities/claim-check/index.js';
import { createFileClaimStore } from '../src/activities/claim-check/file-claim-store.js';
import type { AgentJob, Sandbox } from '../src/activities/sandbox/sandbox.js';
import type { AgentTask, PlanResult } from '../src/domain/agent-task.js';
import type { ClaimRef } from '../src/domain/claim-ref.js';
import { fixTask } from './helpers/buggy-project.js';

const plan: PlanResult = {
  summary: 'Round totals to cents',
  steps: ['Add roundCents to src/money.ts', 'Use it in the cart total'],
  files: [{ path: 'src/money.ts', change: 'modify', why: 'the rounding helper' }],
  tests: [{ path: 'test/money.test.ts', what: '0.1 + 0.2 rounds to 0.30' }],
  risks: ['totals shown elsewhere'],
  size: { files: 2, lines: 30 },
  questions: [],
  model: 'claude-test',
  usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, turns: 1 },
  truncated: false,
};

async function contextOf(store: (claims: ClaimCheckStore) => Promise<ClaimRef>): Promise<string> {
  const seen: AgentTask[] = [];
  const sandbox: Sandbox = {
    run: async (job: AgentJob) => {
      seen.push(job.task);
      throw new Error('stop here');
    },
  };
  const claimsDir = await mkdtemp(join(tmpdir(), 'forgebot-context-'));
  try {
    const claims = createFileClaimStore(claimsDir);
    const settings = { model: 'claude-test', timeoutMs: 60_000, maxTurns: 8, maxOutputTokens: 1024, tokenBudget: 100_000, heartbeatEveryMs: 1_000 };
    const agent = createAgentActivities({ sandbox, secrets: {}, settings, claims });
    const { role, subject, forge, repositoryPath, repository, goal, settings: repoSettings } = fixTask('file:///repo', 'a'.repeat(40));
    const env = new MockActivityEnvironment({ workflowExecution: { workflowId: 'ticket:jira:SHOP-1', runId: 'run-1' }, activityId: '3' }, { logger: new DefaultLogger('ERROR', () => undefined) });
    const contextClaim = await store(claims);
    await assert.rejects(env.run(agent.runAgent, { assignment: { role, subject, forge, repositoryPath, repository, goal, settings: repoSettings, contextClaim }, timeoutMs: 60_000 }));
    const task = seen[0];
    assert.ok(task?.role === 'implementer', 'the job was asked for');
    return task.goal.context;
  } finally {
    await rm(claimsDir, { recursive: true, force: true });
  }
}

test('an approved plan reaches the implementer as its steps, files and tests, not as JSON', async () => {
  const context = await contextOf((claims) => putJson(claims, outputClaimKind('planner'), { role: 'planner', plan }));
  assert.match(context, /^The approved plan/);
  assert.match(context, /1\. Add roundCents to src\/money\.ts/);
  assert.match(context, /- modify src\/money\.ts: the rounding helper/);
  assert.match(context, /- test\/money\.test\.ts: 0\.1 \+ 0\.2 rounds to 0\.30/);
  assert.ok(!context.includes('"role"') && !context.includes('{'), context);
});

test('a text context claim (a Sentry event, ticket requirements) is passed as stored', async () => {
  const text = 'TypeError: cannot read properties of undefined (reading "total")\n  at cart.ts:12';
  const context = await contextOf((claims) => claims.put('sentry-evidence', new TextEncoder().encode(text)));
  assert.equal(context, text);
});

test('a claim named as a plan that holds another role’s output is refused, not passed on', async () => {
  const seen: unknown[] = [];
  await assert.rejects(
    contextOf(async (claims) => {
      const ref = await putJson(claims, outputClaimKind('planner'), { role: 'analyst', analysis: { rootCause: 'x', evidence: [], reproduction: '', fixable: false, confidence: 0, reason: 'no', model: 'm', usage: plan.usage, truncated: false } });
      seen.push(ref);
      return ref;
    }),
  );
  assert.equal(seen.length, 1);
});
