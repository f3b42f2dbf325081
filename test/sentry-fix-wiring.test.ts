// The main worker's Sentry wiring from the configuration: the settings the sentry-fix workflow reads, the agent
// timeout that leaves room for the runner's fix proof, and the Sentry activities of a deployment without a token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import { DefaultLogger } from '@temporalio/worker';
import { createAgentActivities, fixProofMs, MAX_FIX_PROOF_MS } from '../src/activities/agent-activities.js';
import { createFileClaimStore } from '../src/activities/claim-check/file-claim-store.js';
import type { AgentJob, Sandbox } from '../src/activities/sandbox/sandbox.js';
import { loadConfig } from '../src/config.js';
import { sentryApiActivities, sentryFixSettings } from '../src/workers/sentry-fix-wiring.js';
import { analyzeTask } from './helpers/analyst-script.js';
import { fixTask } from './helpers/buggy-project.js';

const mapping = { org: 'acme', project: 'cart', forge: 'gitlab', projectId: 7, projectPath: 'shop/cart' };

test('the sentry-fix settings come from the configuration, in the workflow’s units', () => {
  const config = loadConfig({
    SENTRY_PROJECTS: JSON.stringify([mapping]), SENTRY_DRY_RUN: 'true', SENTRY_URL: 'https://sentry.example.com/', SENTRY_GATE_EXPIRY_DAYS: '2',
    SENTRY_GATE_REMINDER_HOURS: '6', SENTRY_POLL_INTERVAL_SECONDS: '30', AGENT_TASK_QUEUE: 'agents', AGENT_TIMEOUT_SECONDS: '600', AGENT_HEARTBEAT_TIMEOUT_SECONDS: '45',
  });
  const { mappings, ...settings } = sentryFixSettings(config);
  assert.deepEqual(mappings.map((entry) => `${entry.org}/${entry.project} → ${entry.projectPath}`), ['acme/cart → shop/cart']);
  assert.deepEqual(settings, {
    globalDryRun: true, sentryUrl: 'https://sentry.example.com', gateExpiryMs: 2 * 86_400_000, gateReminderMs: 6 * 3_600_000, pollIntervalMs: 30_000,
    agentTaskQueue: 'agents', agentTimeoutMs: 600_000 + MAX_FIX_PROOF_MS, agentHeartbeatTimeoutMs: 45_000,
  });
  assert.deepEqual(sentryFixSettings(loadConfig({})).mappings, [], 'no SENTRY_PROJECTS: nothing is mapped');
});

test('a fix job gets the agent’s time plus its proof (the test command twice); other jobs the agent’s only', async () => {
  const task = fixTask('file:///repo', 'a'.repeat(40));
  const commandMs = task.settings.changes.command_timeout_seconds * 1_000;
  assert.equal(fixProofMs(task), 2 * commandMs + 60_000);
  assert.equal(fixProofMs({ ...task, verify: undefined }), 0, 'no proof asked for');
  assert.equal(fixProofMs(analyzeTask('file:///repo', 'a'.repeat(40))), 0);
  assert.ok(MAX_FIX_PROOF_MS >= 2 * 1_800_000, 'the longest proof a .forgebot.yml can ask for');

  const timeouts: number[] = [];
  const sandbox: Sandbox = {
    run: async (job: AgentJob) => {
      timeouts.push(job.timeoutMs);
      throw new Error('stop here');
    },
  };
  const claimsDir = await mkdtemp(join(tmpdir(), 'forgebot-claims-'));
  try {
    const settings = { model: 'claude-test', timeoutMs: 300_000, maxTurns: 8, maxOutputTokens: 1024, tokenBudget: 100_000, heartbeatEveryMs: 1_000 };
    const agent = createAgentActivities({ sandbox, secrets: {}, settings, claims: createFileClaimStore(claimsDir) });
    const { role, subject, forge, repositoryPath, repository, goal, settings: repoSettings, verify } = task;
    const quiet = new DefaultLogger('ERROR', () => undefined);
    const env = new MockActivityEnvironment({ workflowExecution: { workflowId: 'sentry-fix:acme:1', runId: 'run-1' }, activityId: '7' }, { logger: quiet });
    const asked = 300_000 + MAX_FIX_PROOF_MS;
    await assert.rejects(env.run(agent.runAgent, { assignment: { role, subject, forge, repositoryPath, repository, goal, settings: repoSettings, ...(verify ? { verify } : {}) }, timeoutMs: asked }));
    await assert.rejects(env.run(agent.runAgent, { assignment: { role, subject, forge, repositoryPath, repository, goal, settings: repoSettings }, timeoutMs: asked }));
    assert.deepEqual(timeouts, [300_000 + 2 * commandMs + 60_000, 300_000], 'the agent-worker’s own bound, and the proof on top of it');
    assert.ok(timeouts.every((timeout) => timeout <= asked), 'within the activity timeout the workflow asked for');
  } finally {
    await rm(claimsDir, { recursive: true, force: true });
  }
});

test('without SENTRY_TOKEN the Sentry activities are there and fail for good, saying why', async () => {
  const claimsDir = await mkdtemp(join(tmpdir(), 'forgebot-claims-'));
  try {
    const activities = sentryApiActivities(loadConfig({}), createFileClaimStore(claimsDir));
    for (const call of [
      () => activities.fetchSentryEvidence({ org: 'acme', issueId: '1', mapping: sentryFixSettings(loadConfig({ SENTRY_PROJECTS: JSON.stringify([mapping]) })).mappings[0]! }),
      () => activities.postSentryReport({ org: 'acme', issueId: '1', report: { kind: 'failed', detail: 'x' } }),
    ]) {
      await assert.rejects(call(), (error: unknown) => {
        assert.ok(error instanceof ApplicationFailure);
        assert.equal(error.type, 'ERR_SENTRY_NOT_CONFIGURED');
        assert.equal(error.nonRetryable, true);
        assert.match(error.message, /SENTRY_TOKEN/);
        return true;
      });
    }
  } finally {
    await rm(claimsDir, { recursive: true, force: true });
  }
});
