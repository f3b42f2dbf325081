// The Temporal WorkflowStarter and the operator CLI's look-ups on a real Temporal dev server. No worker polls these
// task queues: signal-with-start creates the workflow and records its signals whether or not a worker runs it, so the
// history and visibility show exactly what the starter asked for.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { listReviews, listWorkflows, resolveWorkflowId, ReviewsUsageError } from '../src/cli/commands/reviews.js';
import type { ChangeRef } from '../src/domain/change-ref.js';
import type { ReviewRequest } from '../src/domain/review-request.js';
import { changeSubject, subjectKey, SubjectRef } from '../src/domain/subject-ref.js';
import { createTemporalReviewStarter } from '../src/webhooks/temporal-review-starter.js';
import { createTemporalWorkflowStarter } from '../src/webhooks/temporal-workflow-starter.js';
import { defineWorkflowKind, workflowKinds, type WorkflowKinds } from '../src/webhooks/workflow-kinds.js';
import type { WorkflowKind } from '../src/domain/subject-ref.js';
import { signalOf, WorkflowKindError } from '../src/webhooks/workflow-starter.js';
import { changeClosedSignal, newRevisionSignal, searchAttributes } from '../src/workflows/definitions.js';
import { registerSearchAttributes } from '../src/workers/register-search-attributes.js';
import { startTemporal, unique } from './helpers/temporal.js';

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const decode = (payloads: Payload[] | null | undefined): unknown[] => (payloads ?? []).map((payload) => defaultPayloadConverter.fromPayload(payload));

/** What the history says: the workflow type, task queue and input it started with, and the signals it received. */
async function recorded(handle: WorkflowHandle) {
  const events = (await handle.fetchHistory()).events ?? [];
  const started = events[0]?.workflowExecutionStartedEventAttributes;
  return {
    workflowType: started?.workflowType?.name,
    taskQueue: started?.taskQueue?.name,
    input: decode(started?.input?.payloads),
    signals: events.flatMap((event) => {
      const signal = event.workflowExecutionSignaledEventAttributes;
      return signal ? [{ name: signal.signalName, args: decode(signal.input?.payloads) }] : [];
    }),
  };
}

describe('Temporal workflow starter', () => {
  let env: TestWorkflowEnvironment;
  const handles: WorkflowHandle[] = [];
  before(async () => {
    env = await startTemporal();
    await registerSearchAttributes(env.connection, 'default');
  });
  after(async () => {
    for (const handle of handles) await handle.terminate('test over').catch(() => undefined);
    await env?.teardown();
  });

  const ticketKinds: WorkflowKinds = {
    ...workflowKinds,
    ticket: defineWorkflowKind({
      workflowType: 'echoTicketWorkflow',
      subject: 'jira-ticket',
      taskQueue: 'main',
      input: (subject) => [{ ticket: subject.key }],
      describe: (subject, signal) => ({ summary: `Echo ${subject.key}`, details: `first signal: ${signal.name}` }),
      searchAttributes: () => [{ key: searchAttributes.phase, value: 'waiting' }],
    }),
  };

  test('a fake kind registered in one entry: signal-with-start by subject, then signals, until it ends', async () => {
    const taskQueue = unique('tickets');
    const starter = createTemporalWorkflowStarter(env.client, { taskQueues: { main: taskQueue }, kinds: ticketKinds });
    const key = `T${process.pid}-${Date.now() % 1e9}`;
    const ticket = SubjectRef.parse({ kind: 'jira-ticket', key });

    const first = await starter.start('ticket', ticket, { name: 'ready', args: [{ at: 1 }] });
    const second = await starter.start('ticket', ticket, { name: 'ready', args: [{ at: 2 }] });
    assert.deepEqual([first.workflowId, second.workflowId], [`ticket:jira:${key}`, `ticket:jira:${key}`]);
    const handle = env.client.workflow.getHandle(first.workflowId);
    handles.push(handle);
    assert.equal(await starter.signal('ticket', ticket, 'comment', ['hello', 3]), 'signalled');

    assert.deepEqual(await recorded(handle), {
      workflowType: 'echoTicketWorkflow',
      taskQueue,
      input: [{ ticket: key }],
      signals: [{ name: 'ready', args: [{ at: 1 }] }, { name: 'ready', args: [{ at: 2 }] }, { name: 'comment', args: ['hello', 3] }],
    });
    const description = await handle.describe();
    assert.equal(description.typedSearchAttributes.get(searchAttributes.subject), `jira-ticket:${key}`);
    assert.equal(description.typedSearchAttributes.get(searchAttributes.phase), 'waiting');
    assert.equal(await description.staticSummary(), `Echo ${key}`);
    assert.equal(await description.staticDetails(), 'first signal: ready');

    const other = SubjectRef.parse({ kind: 'jira-ticket', key: `${key}0` });
    assert.equal(await starter.signal('ticket', other, 'comment', []), 'not-running');
    await handle.terminate('done');
    assert.equal(await starter.signal('ticket', ticket, 'comment', []), 'not-running');
  });

  test('refuses a kind without an entry and a subject of the wrong kind, before calling Temporal', async () => {
    const withoutTickets: WorkflowKinds = Object.fromEntries(Object.entries(workflowKinds).filter(([kind]) => kind !== 'ticket'));
    const starter = createTemporalWorkflowStarter(env.client, { taskQueues: { main: unique('none') }, kinds: withoutTickets });
    const ticket = SubjectRef.parse({ kind: 'jira-ticket', key: 'PROJ-1' });
    await assert.rejects(starter.start('ticket', ticket, { name: 'ready', args: [] }), WorkflowKindError);
    await assert.rejects(starter.start('review', ticket, { name: 'ready', args: [] }), /a review workflow runs for a change, not a jira-ticket/);
    await assert.rejects(starter.signal('sentry-fix', ticket, 'x', []), WorkflowKindError);
  });

  test('a review: started by subject with its search attributes; the CLI finds it by subject', async () => {
    const ref: ChangeRef = { forge: 'gitlab', projectId: Math.floor(Math.random() * 1e6) + 1, projectPath: 'group/starter-test', number: 7 };
    const subject = changeSubject(ref);
    const request: ReviewRequest = { ref, headSha: 'abc1234', title: 'Add cart', author: 'ada', sourceBranch: 'f', targetBranch: 'main', webUrl: 'http://gitlab/mr/7', draft: false };
    const starter = createTemporalReviewStarter(env.client, unique('reviews'));
    const { workflowId } = await starter.start('review', subject, signalOf(newRevisionSignal, request));
    const handle = env.client.workflow.getHandle(workflowId);
    handles.push(handle);
    assert.equal(workflowId, `review:gitlab:${ref.projectId}:7`);
    const history = await recorded(handle);
    assert.deepEqual([history.workflowType, history.input, history.signals], ['reviewWorkflow', [{ ref }], [{ name: 'newRevision', args: [request] }]]);
    assert.equal(await (await handle.describe()).staticSummary(), 'Review of group/starter-test!7');

    const key = subjectKey(subject);
    const [row] = await until(async () => {
      const rows = await listReviews(env.client, { subject: key });
      return rows.length > 0 ? rows : undefined;
    }, 'listed by subject');
    assert.deepEqual({ ...row, startTime: undefined }, { workflowId, kind: 'review', subject: key, forge: 'gitlab', repository: 'group/starter-test', changeNumber: 7, phase: 'waiting', startTime: undefined });
    assert.equal(await resolveWorkflowId(env.client, 'review', key), workflowId);
    assert.equal(await resolveWorkflowId(env.client, 'review', workflowId), workflowId);

    assert.equal(await starter.signal('review', subject, changeClosedSignal.name, [{ reason: 'merged' }]), 'signalled');
    assert.deepEqual((await recorded(handle)).signals.at(-1), { name: 'changeClosed', args: [{ reason: 'merged' }] });
  });

  test('the CLI refuses an unregistered kind, a workflow id of another kind and an unknown subject', async () => {
    await assert.rejects(listWorkflows(env.client, { kind: 'deploy' as WorkflowKind }), (error: unknown) => error instanceof ReviewsUsageError && /unknown workflow kind "deploy" \(known: review, sentry-fix, ticket\)/.test(error.message));
    await assert.rejects(resolveWorkflowId(env.client, 'review', 'ticket:jira:PROJ-1'), /not a review workflow id nor a subject key/);
    await assert.rejects(resolveWorkflowId(env.client, 'review', 'change:gitlab:999999999:1'), /no review workflow for subject "change:gitlab:999999999:1"/);
    await assert.rejects(listReviews(env.client, { subject: 'change:gitlab:1:1" OR true' }), /not a valid filter value/);
  });
});
