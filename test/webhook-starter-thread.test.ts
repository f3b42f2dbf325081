// The webhook server's Temporal client in a thread of its own (src/webhooks/starter-thread/): the same WorkflowStarter
// as in-process, on a real Temporal dev server — starts, signals, "not running", kind errors refused before crossing
// over, an unreachable server failing as the outbox drainer expects (transient), and a clean close.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createLogger } from '../src/logger.js';
import type { ReviewRequest } from '../src/domain/review-request.js';
import { changeSubject, SubjectRef } from '../src/domain/subject-ref.js';
import { isTransient } from '../src/webhooks/outbox/drainer.js';
import { startThreadStarter, type ThreadStarter } from '../src/webhooks/starter-thread/thread-starter.js';
import { signalOf, WorkflowKindError } from '../src/webhooks/workflow-starter.js';
import { changeClosedSignal, newRevisionSignal, searchAttributes } from '../src/workflows/definitions.js';
import { registerSearchAttributes } from '../src/workers/register-search-attributes.js';
import { startTemporal, unique } from './helpers/temporal.js';

const logger = createLogger('silent');
const temporalAt = (address: string) => ({ TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: 'default', TEMPORAL_TLS: false });

/** A port nothing listens on: a Temporal address that never answers. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('the Temporal starter thread', () => {
  let env: TestWorkflowEnvironment;
  let thread: ThreadStarter;
  const taskQueue = unique('starter-thread');
  before(async () => {
    env = await startTemporal();
    await registerSearchAttributes(env.connection, 'default');
    thread = startThreadStarter({ temporal: temporalAt(env.address), taskQueue }, logger);
  });
  after(async () => {
    await thread?.close();
    await env?.teardown();
  });

  test('starts a review by subject with its search attributes, signals it, and tells a workflow that is not running', async () => {
    const ref = { forge: 'gitlab' as const, projectId: Math.floor(Math.random() * 1e6) + 1, projectPath: 'group/thread', number: 3 };
    const request: ReviewRequest = { ref, headSha: 'abc1234', title: 'Threaded', author: 'ada', sourceBranch: 'f', targetBranch: 'main', webUrl: 'http://gitlab/mr/3', draft: false };
    const { workflowId } = await thread.starter.start('review', changeSubject(ref), signalOf(newRevisionSignal, request));
    const handle = env.client.workflow.getHandle(workflowId);
    const description = await handle.describe();
    assert.equal(description.taskQueue, taskQueue);
    assert.equal(description.typedSearchAttributes.get(searchAttributes.repository), 'group/thread');
    assert.equal(await thread.starter.signal('review', changeSubject(ref), changeClosedSignal.name, [{ reason: 'merged' }]), 'signalled');
    const signals = ((await handle.fetchHistory()).events ?? []).flatMap((event) => event.workflowExecutionSignaledEventAttributes?.signalName ?? []);
    assert.deepEqual(signals, [newRevisionSignal.name, changeClosedSignal.name]);
    await handle.terminate('test over');
    assert.equal(await thread.starter.signal('review', changeSubject(ref), changeClosedSignal.name, [{ reason: 'merged' }]), 'not-running');
    await thread.starter.ping();
  });

  test('a subject of the wrong kind is a WorkflowKindError, refused before the call crosses over', async () => {
    const ticket = SubjectRef.parse({ kind: 'jira-ticket', key: 'PROJ-1' });
    await assert.rejects(thread.starter.start('review', ticket, { name: 'x', args: [] }), WorkflowKindError);
    await assert.rejects(thread.starter.signal('sentry-fix', ticket, 'x', []), WorkflowKindError);
  });

  test('Temporal unreachable: calls fail as transient (the outbox holds and waits), and close ends the thread', async () => {
    const down = startThreadStarter({ temporal: temporalAt(`127.0.0.1:${await deadPort()}`), taskQueue }, logger);
    const ref = { forge: 'github' as const, projectId: 'o/r', projectPath: 'o/r', number: 1 };
    const request: ReviewRequest = { ref, headSha: 'def5678', title: 't', author: 'a', sourceBranch: 'f', targetBranch: 'main', webUrl: 'http://x', draft: false };
    const failure = await down.starter.start('review', changeSubject(ref), signalOf(newRevisionSignal, request)).then(
      () => assert.fail('a start against no server succeeded'),
      (error: unknown) => error,
    );
    assert.ok(failure instanceof Error);
    assert.ok(isTransient(failure), `not transient: ${String(failure)}`);
    await assert.rejects(down.starter.ping());
    await down.close();
    await assert.rejects(down.starter.ping(), /closed/);
  });
});
