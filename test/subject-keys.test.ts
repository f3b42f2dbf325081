// Subject keys, workflow ids and dedupe keys for every kind of subject; the workflow-kind registry's checks.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChangeRef } from '../src/domain/change-ref.js';
import { changeSubject, subjectKey, SubjectRef, subjectLabel, workflowIdFor, type WorkflowKind } from '../src/domain/subject-ref.js';
import { deliveryKey, revisionKey } from '../src/webhooks/dedupe-keys.js';
import { defineWorkflowKind, kindSpec, workflowKinds, type WorkflowKinds } from '../src/webhooks/workflow-kinds.js';
import { signalOf, WorkflowKindError } from '../src/webhooks/workflow-starter.js';
import { newRevisionSignal } from '../src/workflows/definitions.js';

const gitlab = (projectId: number | string, number: number, projectPath = 'group/app'): SubjectRef => changeSubject({ forge: 'gitlab', projectId, projectPath, number });
const github = (path: string, number: number): SubjectRef => changeSubject({ forge: 'github', projectId: path, projectPath: path, number });
const sentry = (org: string, issueId: string): SubjectRef => SubjectRef.parse({ kind: 'sentry-issue', org, issueId });
const jira = (key: string): SubjectRef => SubjectRef.parse({ kind: 'jira-ticket', key });

/** Subjects chosen to collide under a naive `a:b:c` join: colons, braces and percent signs in free-form parts. */
const tricky: SubjectRef[] = [
  gitlab(42, 7),
  gitlab('42', 71),
  gitlab(427, 1),
  gitlab('4:2', 7),
  gitlab('4', 27),
  gitlab('group:app', 7),
  gitlab('group:app:7', 8),
  gitlab('group', 7),
  gitlab('group%3Aapp', 7),
  gitlab('x}:delivery:y', 1),
  github('octo/repo', 7),
  github('octo/repo:7', 8),
  github('gitlab', 42),
  sentry('acme', '123'),
  sentry('acme', '1234'),
  sentry('gitlab', '42'),
  sentry('jira', '7'),
  sentry('change', '1'),
  jira('PROJ-7'),
  jira('PROJ-77'),
  jira('ACME-123'),
];
const kinds: WorkflowKind[] = ['review', 'sentry-fix', 'ticket'];

describe('subject keys', () => {
  test('name the subject kind, forge or organization and the id', () => {
    assert.equal(subjectKey(gitlab(42, 7)), 'change:gitlab:42:7');
    assert.equal(subjectKey(github('octo/repo', 7)), 'change:github:octo/repo:7');
    assert.equal(subjectKey(sentry('acme', '123')), 'sentry-issue:acme:123');
    assert.equal(subjectKey(jira('PROJ-7')), 'jira-ticket:PROJ-7');
  });

  test('escape the separator, the hash-tag braces and the escape character in free-form parts', () => {
    assert.equal(subjectKey(gitlab('group:app', 7)), 'change:gitlab:group%3Aapp:7');
    assert.equal(subjectKey(gitlab('group%3Aapp', 7)), 'change:gitlab:group%253Aapp:7');
    assert.equal(subjectKey(gitlab('x}:delivery:y', 1)), 'change:gitlab:x%7D%3Adelivery%3Ay:1');
  });

  test('two different subjects never share a key', () => {
    const keys = tricky.map(subjectKey);
    assert.equal(new Set(keys).size, tricky.length, keys.join('\n'));
  });

  test('a change is keyed by its project id and number, not by its (renamable) path', () => {
    assert.equal(subjectKey(gitlab(42, 7, 'old/path')), subjectKey(gitlab(42, 7, 'new/path')));
  });
});

describe('workflow ids', () => {
  test('of every kind of subject, in the documented forms', () => {
    assert.equal(workflowIdFor('review', gitlab(42, 7)), 'review:gitlab:42:7');
    assert.equal(workflowIdFor('review', github('octo/repo', 7)), 'review:github:octo/repo:7');
    assert.equal(workflowIdFor('sentry-fix', sentry('acme', '123')), 'sentry-fix:acme:123');
    assert.equal(workflowIdFor('ticket', jira('PROJ-7')), 'ticket:jira:PROJ-7');
    assert.equal(workflowIdFor('sentry-fix', gitlab(42, 7)), 'sentry-fix:gitlab:42:7');
  });

  test('differ for two different subjects or two kinds', () => {
    const ids = kinds.flatMap((kind) => tricky.map((subject) => workflowIdFor(kind, subject)));
    assert.equal(new Set(ids).size, ids.length, ids.join('\n'));
  });

  test('subject labels for people', () => {
    assert.deepEqual([gitlab(42, 7), github('octo/repo', 7), sentry('acme', '123'), jira('PROJ-7')].map(subjectLabel), ['group/app!7', 'octo/repo#7', 'sentry acme#123', 'PROJ-7']);
  });
});

describe('dedupe keys', () => {
  test('share the subject key as their Redis Cluster hash tag', () => {
    assert.equal(deliveryKey(gitlab(42, 7), 'uuid-1', 'review:abc1234'), '{change:gitlab:42:7}:delivery:uuid-1:review:abc1234');
    assert.equal(revisionKey(gitlab(42, 7), 'abc1234'), '{change:gitlab:42:7}:revision:abc1234');
    assert.equal(deliveryKey(sentry('acme', '123'), 'd-1', 'created'), '{sentry-issue:acme:123}:delivery:d-1:created');
    assert.equal(revisionKey(jira('PROJ-7'), 'ready'), '{jira-ticket:PROJ-7}:revision:ready');
  });

  test('a name cannot close the hash tag early or forge another subject key', () => {
    const key = deliveryKey(gitlab('x}:delivery:y', 1), 'd', 'closed');
    assert.equal(key.indexOf('}'), key.indexOf('}:delivery:d:closed'));
    const revisions = tricky.map((subject) => revisionKey(subject, 'abc1234'));
    assert.equal(new Set(revisions).size, tricky.length);
  });
});

describe('workflow kinds registry', () => {
  const change: ChangeRef = { forge: 'gitlab', projectId: 42, projectPath: 'group/app', number: 7 };
  const request = { ref: change, headSha: 'abc1234', title: 'Add cart', author: 'ada', sourceBranch: 'f', targetBranch: 'main', webUrl: 'http://gitlab/x/-/merge_requests/7', draft: false };

  test('the review kind: its workflow, input, Web UI summary and search attributes', () => {
    const spec = kindSpec(workflowKinds, 'review', changeSubject(change));
    assert.equal(spec.workflowType, 'reviewWorkflow');
    assert.equal(spec.taskQueue, 'main');
    assert.deepEqual(spec.input(changeSubject(change)), [{ ref: change }]);
    assert.deepEqual(spec.describe(changeSubject(change), signalOf(newRevisionSignal, request)), { summary: 'Review of group/app!7', details: 'Add cart\n\nhttp://gitlab/x/-/merge_requests/7' });
    assert.deepEqual(
      spec.searchAttributes(changeSubject(change)).map(({ key, value }) => [key.name, value]),
      [['ForgebotForge', 'gitlab'], ['ForgebotRepository', 'group/app'], ['ForgebotChangeNumber', 7], ['ForgebotPhase', 'waiting']],
    );
    assert.equal(spec.cancelSignal, 'cancelReview');
  });

  test('refuses a kind without an entry, and a subject of the wrong kind', () => {
    const withoutTickets: WorkflowKinds = Object.fromEntries(Object.entries(workflowKinds).filter(([kind]) => kind !== 'ticket'));
    assert.throws(() => kindSpec(withoutTickets, 'ticket', jira('PROJ-1')), (error: unknown) => error instanceof WorkflowKindError && /no workflow kind "ticket"/.test(error.message));
    assert.throws(() => kindSpec(workflowKinds, 'review', jira('PROJ-7')), /a review workflow runs for a change, not a jira-ticket/);
  });

  test('a new kind is one entry: its methods see the narrowed subject and refuse any other', () => {
    const kinds: WorkflowKinds = {
      ...workflowKinds,
      ticket: defineWorkflowKind({
        workflowType: 'ticketWorkflow',
        subject: 'jira-ticket',
        taskQueue: 'main',
        input: (subject) => [{ key: subject.key }],
        describe: (subject) => ({ summary: `Ticket ${subject.key}` }),
        searchAttributes: () => [],
      }),
    };
    const spec = kindSpec(kinds, 'ticket', jira('PROJ-7'));
    assert.deepEqual(spec.input(jira('PROJ-7')), [{ key: 'PROJ-7' }]);
    assert.deepEqual(spec.describe(jira('PROJ-7'), { name: 'x', args: [] }), { summary: 'Ticket PROJ-7' });
    assert.throws(() => spec.input(sentry('acme', '1')), WorkflowKindError);
    assert.equal(kindSpec(kinds, 'review').workflowType, 'reviewWorkflow');
  });
});
