// The generic agent-job contract: identity of jobs, typed failures, the role check, digests, search-attribute readiness.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import { digestOf } from '../src/activities/agent-digest.js';
import { agentJobName, taskHash } from '../src/activities/agent-job.js';
import { toActivityFailure } from '../src/activities/failures.js';
import { outputForJob, SandboxError } from '../src/activities/sandbox/sandbox.js';
import { AgentTask } from '../src/domain/agent-task.js';
import { createLogger } from '../src/logger.js';
import { ensureRegistered, forgebotSearchAttributes } from '../src/workers/register-search-attributes.js';
import { jobOf, reviewTask } from './helpers/review-task.js';

const usage = { inputTokens: 1, outputTokens: 2, cacheReadTokens: 0, cacheWriteTokens: 0, turns: 1 };

test('job names: the same for a retry of one activity, new for another run (continue-as-new, a reopened change)', () => {
  const first = agentJobName('review:gitlab:42:7', 'run-a', '3');
  assert.equal(agentJobName('review:gitlab:42:7', 'run-a', '3'), first, 'a retry has the same name and adopts');
  assert.notEqual(agentJobName('review:gitlab:42:7', 'run-b', '3'), first, 'another run never reads an old job');
  assert.notEqual(agentJobName('review:gitlab:42:7', 'run-a', '4'), first);
  assert.match(first, /^[a-z0-9-]+$/);
});

test('task hashes: stable for one task, different for any change to it', () => {
  const task = reviewTask('file:///repo', 'a'.repeat(40), 'b'.repeat(40));
  assert.equal(taskHash(task), taskHash(structuredClone(task)));
  assert.notEqual(taskHash(task), taskHash({ ...task, changedPaths: ['x.ts'] }));
  assert.match(taskHash(task), /^[0-9a-f]{64}$/);
});

test('the task union is validated on its own: an unknown role or a missing field is refused', () => {
  const task = reviewTask('file:///repo', 'a'.repeat(40), 'b'.repeat(40));
  assert.ok(AgentTask.safeParse(task).success);
  assert.equal(AgentTask.safeParse({ ...task, role: 'merger' }).success, false);
  assert.equal(AgentTask.safeParse({ ...task, repository: undefined }).success, false);
});

test('a local sandbox timeout is permanent (the single agent slot is not held three times over); an eviction is retried', () => {
  const timeout = toActivityFailure(new SandboxError('ERR_SANDBOX_TIMEOUT', 'ran too long'));
  assert.ok(timeout instanceof ApplicationFailure);
  assert.equal(timeout.type, 'ERR_SANDBOX_TIMEOUT');
  assert.equal(timeout.nonRetryable, true);
  const evicted = toActivityFailure(new SandboxError('ERR_SANDBOX_EVICTED', 'node drained'));
  assert.ok(evicted instanceof ApplicationFailure);
  assert.equal(evicted.nonRetryable, false);
});

test('a runner that answers for another role is a broken runner', () => {
  const job = jobOf('j', reviewTask('file:///repo', 'a'.repeat(40), 'b'.repeat(40)), 1_000);
  const work = { summary: 's', commitMessage: 'm', patch: { baseSha: 'b'.repeat(40), patch: '', files: [], filesChanged: 0, linesAdded: 0, linesDeleted: 0 }, commands: [], model: 'x', usage, truncated: false };
  assert.throws(() => outputForJob(job, { role: 'implementer', work }), (error: unknown) => error instanceof SandboxError && error.code === 'ERR_RUNNER_OUTPUT');
  const review = { headSha: 'b'.repeat(40), summary: 'ok', findings: [], model: 'x', usage, truncated: false };
  assert.equal(outputForJob(job, { role: 'reviewer', review }).review.summary, 'ok');
});

test('digests keep what workflows decide on, not the bodies', () => {
  const review = { headSha: 'b'.repeat(40), summary: 'long '.repeat(1_000), findings: [], model: 'x', usage, truncated: false, costUsd: 0.5, filesReviewed: 3, notReviewed: [{ path: 'a.lock', reason: 'lock file' }] };
  assert.deepEqual(digestOf({ role: 'reviewer', review }), { role: 'reviewer', headSha: 'b'.repeat(40), findings: 0, usage, costUsd: 0.5, filesReviewed: 3, notReviewed: 1 });
  const patch = { baseSha: 'b'.repeat(40), patch: 'diff …', files: [], filesChanged: 2, linesAdded: 5, linesDeleted: 1 };
  const commands = [{ name: 'test', command: 'npm test', exitCode: 1, timedOut: false, durationMs: 10, output: 'x'.repeat(10_000), outputTruncated: false }];
  const digest = digestOf({ role: 'implementer', work: { summary: 's', commitMessage: 'm', patch, commands, model: 'x', usage, truncated: false } });
  assert.deepEqual(digest, { role: 'implementer', filesChanged: 2, linesAdded: 5, linesDeleted: 1, paths: [], commands: [{ name: 'test', exitCode: 1, timedOut: false }], usage, truncated: false });
});

test('search attributes: a worker that cannot register missing ones is not ready; existing ones are enough', async () => {
  const logger = createLogger('silent');
  const names = forgebotSearchAttributes.map((key) => key.name);
  const refusing = (present: string[]) => ({
    operatorService: {
      listSearchAttributes: async () => ({ customAttributes: Object.fromEntries(present.map((name) => [name, 1])), systemAttributes: {} }),
      addSearchAttributes: async () => {
        throw new Error('PermissionDenied: Request unauthorized.');
      },
    },
  });
  await assert.rejects(
    ensureRegistered(refusing([]) as unknown as Parameters<typeof ensureRegistered>[0], 'default', logger),
    (error: Error) => names.every((name) => error.message.includes(name)) && /PermissionDenied/.test(error.message),
  );
  assert.deepEqual(await ensureRegistered(refusing(names) as unknown as Parameters<typeof ensureRegistered>[0], 'default', logger), []);
});
