// The `sentry-fix` workflow kind through the real Temporal WorkflowStarter, on a real Temporal dev server. No worker
// polls the task queue: signal-with-start creates the workflow and records its signals whether or not a worker runs
// it, so the history and visibility show exactly what the webhook asks for.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { SentryIssueSummary, SentryTrigger } from '../src/domain/sentry/issue.js';
import { subjectKey, workflowIdFor, type SubjectRef } from '../src/domain/subject-ref.js';
import { createTemporalWorkflowStarter } from '../src/webhooks/temporal-workflow-starter.js';
import { kindSpec, workflowKinds } from '../src/webhooks/workflow-kinds.js';
import { signalOf } from '../src/webhooks/workflow-starter.js';
import { searchAttributes } from '../src/workflows/definitions.js';
import { cancelSentryFixSignal, sentryIssueSettledSignal, sentryTriggerSignal } from '../src/workflows/sentry-fix-definitions.js';
import { registerSearchAttributes } from '../src/workers/register-search-attributes.js';
import { startTemporal, unique } from './helpers/temporal.js';

const decode = (payloads: Payload[] | null | undefined): unknown[] => (payloads ?? []).map((payload) => defaultPayloadConverter.fromPayload(payload));

const issue = (issueId: string): SentryIssueSummary => ({
  org: 'acme',
  issueId,
  shortId: 'WEB-7',
  projectSlug: 'web',
  title: 'TypeError: <img src=x onerror=alert(1)> @admin [click](javascript:alert(1))',
  status: 'unresolved',
  count: 3,
  userCount: 2,
  webUrl: `https://sentry.io/organizations/acme/issues/${issueId}/`,
});

describe('the sentry-fix kind on Temporal', () => {
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

  test('the kind: sentryFixWorkflow for a sentry-issue, its input, phase gating, the cancel signal', () => {
    const subject: SubjectRef = { kind: 'sentry-issue', org: 'acme', issueId: '1' };
    const spec = kindSpec(workflowKinds, 'sentry-fix', subject);
    assert.equal(spec.workflowType, 'sentryFixWorkflow');
    assert.deepEqual(spec.input(subject), [{ subject }]);
    assert.deepEqual(spec.searchAttributes(subject).map(({ key, value }) => [key.name, value]), [['ForgebotPhase', 'gating']]);
    assert.equal(spec.cancelSignal, cancelSentryFixSignal.name);
    assert.deepEqual(spec.describe(subject, { name: 'other', args: [] }), { summary: 'Sentry fix of sentry acme#1' });
    assert.throws(() => kindSpec(workflowKinds, 'sentry-fix', { kind: 'jira-ticket', key: 'PROJ-1' }), /runs for a sentry-issue, not a jira-ticket/);
  });

  test('signal-with-start by subject: the workflow id, input, trigger signal, search attributes and an inert summary', async () => {
    const issueId = String(Date.now());
    const subject: SubjectRef = { kind: 'sentry-issue', org: 'acme', issueId };
    const taskQueue = unique('sentry');
    const starter = createTemporalWorkflowStarter(env.client, { taskQueues: { main: taskQueue } });
    const trigger: SentryTrigger = { reason: 'created', issue: issue(issueId), deliveryId: 'd-1' };

    const { workflowId } = await starter.start('sentry-fix', subject, signalOf(sentryTriggerSignal, trigger));
    assert.equal(workflowId, `sentry-fix:acme:${issueId}`);
    assert.equal(workflowId, workflowIdFor('sentry-fix', subject));
    const handle = env.client.workflow.getHandle(workflowId);
    handles.push(handle);
    assert.equal(await starter.signal('sentry-fix', subject, sentryIssueSettledSignal.name, [{ status: 'resolved' }]), 'signalled');

    const events = (await handle.fetchHistory()).events ?? [];
    const started = events[0]?.workflowExecutionStartedEventAttributes;
    assert.equal(started?.workflowType?.name, 'sentryFixWorkflow');
    assert.equal(started?.taskQueue?.name, taskQueue);
    assert.deepEqual(decode(started?.input?.payloads), [{ subject }]);
    const signals = events.flatMap((event) => (event.workflowExecutionSignaledEventAttributes ? [event.workflowExecutionSignaledEventAttributes] : []));
    assert.deepEqual(
      signals.map((signal) => [signal.signalName, decode(signal.input?.payloads)]),
      [
        ['sentryTrigger', [trigger]],
        ['sentryIssueSettled', [{ status: 'resolved' }]],
      ],
    );

    const description = await handle.describe();
    assert.equal(description.typedSearchAttributes.get(searchAttributes.subject), subjectKey(subject));
    assert.equal(description.typedSearchAttributes.get(searchAttributes.phase), 'gating');
    assert.equal(await description.staticSummary(), 'Sentry fix of WEB-7 (created)');
    const details = (await description.staticDetails()) ?? '';
    // The issue title is the monitored application's text: no live HTML, mention or link in the Web UI's Markdown.
    assert.doesNotMatch(details, /<img|\]\(javascript:|(^|\s)@admin/);
    assert.match(details, /\n\nhttps:\/\/sentry\.io\/organizations\/acme\/issues\/\d+\/$/);

    const other: SubjectRef = { kind: 'sentry-issue', org: 'acme', issueId: `${issueId}0` };
    assert.equal(await starter.signal('sentry-fix', other, sentryIssueSettledSignal.name, [{ status: 'resolved' }]), 'not-running');
  });
});
