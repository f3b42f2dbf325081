// The mapping table from activities to audit rows, call by call (no server): what each activity leaves outside.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AuditFact } from '../src/audit/audit-event.js';
import { auditedActivityTypes, auditFactsFor } from '../src/audit/rows/index.js';
import type { ChangeRef, RepositoryRef } from '../src/domain/change-ref.js';
import type { ClaimRef } from '../src/domain/claim-ref.js';

const ref: ChangeRef = { forge: 'github', projectId: 'octo/app', projectPath: 'octo/app', number: 12 };
const repo: RepositoryRef = { forge: 'github', projectId: 'octo/app', projectPath: 'octo/app' };
const claim: ClaimRef = { store: 'file', key: 'k', sha256: 'a'.repeat(64), bytes: 1 };
const context = { durationMs: 10, attempt: 1 };
const facts = (type: string, args: unknown[], result: unknown = undefined) => auditFactsFor(type, args, result, context);
const brief = (rows: AuditFact[]) => rows.map((row) => [row.kind, row.target, row.subject ?? row.repository, row.outcome ?? null]);

describe('audit rows by activity', () => {
  test('the table covers the activities that act outside, by their real names', () => {
    assert.deepEqual([...auditedActivityTypes].sort(), [
      'acknowledgeCommand', 'answerCommand', 'closeWorkChange', 'commentOnTicket', 'commitTicketWork', 'deleteWorkBranch', 'describeTicketChange', 'forwardDecision', 'learnFromCommand',
      'markWorkReady', 'mergeWork', 'openPlanChange', 'postAnswer', 'postChangeNote', 'postSentryReport', 'publishReview', 'publishStoredReview', 'publishWork',
      'reportFailure', 'runAgent', 'runReviewAgent', 'transitionTicket',
    ]);
    assert.deepEqual(facts('fetchChange', [ref], {}), []);
    assert.deepEqual(facts('prepareFixDescription', [{}], {}), []);
  });

  test('the write path: merge, close, delete, ready, notes, failure reports; a review not published writes nothing', () => {
    assert.deepEqual(brief(facts('mergeWork', [ref, 'f'.repeat(40)], { mergeSha: 'e'.repeat(40) })), [['change-merged', 'github', 'change:github:octo/app:12', null]]);
    assert.deepEqual(brief(facts('closeWorkChange', [ref])), [['change-closed', 'github', 'change:github:octo/app:12', null]]);
    assert.deepEqual(brief(facts('markWorkReady', [ref])), [['change-marked-ready', 'github', 'change:github:octo/app:12', null]]);
    assert.deepEqual(facts('deleteWorkBranch', [repo, 'forgebot/x'])[0]?.details, { branch: 'forgebot/x' });
    assert.deepEqual(facts('postChangeNote', [ref, 'a body that is never kept'], { id: '77' })[0]?.details, { noteId: '77' });
    assert.deepEqual(brief(facts('reportFailure', [ref, 'abc', 'the reason text'])), [['summary-edited', 'github', 'change:github:octo/app:12', 'failure-reported']]);
    assert.deepEqual(facts('publishReview', [ref, { findings: [] }], { published: false, currentHeadSha: 'x', summaryCreated: false, inlinePosted: 0, inlineAlreadyPresent: 0, unanchored: 0 }), []);
    assert.doesNotMatch(JSON.stringify([facts('postChangeNote', [ref, 'a body that is never kept'], { id: '77' }), facts('reportFailure', [ref, 'abc', 'the reason text'])]), /body|reason text/);
  });

  test('answers in threads: the note posted, for whom, in reply to which note', () => {
    const reply = { noteId: '5', noteKind: 'review-comment', threadId: 't1', place: { kind: 'change' }, author: { id: 9, username: 'sam' }, body: 'why is this here?' };
    const [row] = facts('postAnswer', [ref, { kind: 'reply', reply }, claim], { id: '6', disposition: 'wont-fix' });
    assert.deepEqual([row?.kind, row?.actor, row?.details], ['note-posted', 'sam', { noteId: '6', inReplyTo: '5', verb: 'reply', disposition: 'wont-fix' }]);
  });

  test('Sentry and Jira: the comment posted (its id and kind), the transition made, the plan change opened and described, the work committed', () => {
    assert.deepEqual(brief(facts('postSentryReport', [{ org: 'acme', issueId: '123', report: { kind: 'change-opened', webUrl: 'https://gitlab.example.com/mr/8', changeLabel: '!8', analysisClaim: claim } }], { commentId: 'c1' })), [['sentry-comment-posted', 'sentry', 'sentry-issue:acme:123', 'change-opened']]);
    const [comment] = facts('commentOnTicket', ['PROJ-7', { kind: 'plan', version: 2, planClaim: claim, workflowId: 'ticket:jira:PROJ-7', approvePermission: 'x', changeUrl: 'https://github.com/octo/app/pull/12' }], { id: '1001' });
    assert.deepEqual([comment?.kind, comment?.subject, comment?.outcome, comment?.url, comment?.details], ['jira-comment-posted', 'jira-ticket:PROJ-7', 'plan', 'https://github.com/octo/app/pull/12', { commentId: '1001', planVersion: 2 }]);
    assert.deepEqual(brief(facts('transitionTicket', ['PROJ-7', 'In Review'], true)), [['jira-ticket-transitioned', 'jira', 'jira-ticket:PROJ-7', 'moved']]);
    assert.deepEqual(facts('transitionTicket', ['PROJ-7', 'In Review'], false), [], 'no transition led there: nothing happened');
    const opened = facts('openPlanChange', [{ repo, key: 'PROJ-7', branch: 'forgebot/PROJ-7-x', baseSha: 'b', targetBranch: 'main', title: 't', planClaim: claim, version: 1, labels: [], workflowId: 'w' }], { change: { ref, webUrl: 'https://github.com/octo/app/pull/12' }, branch: 'forgebot/PROJ-7-x', headSha: 'h' });
    assert.deepEqual(brief(opened), [['branch-pushed', 'github', 'change:github:octo/app:12', null], ['change-opened', 'github', 'change:github:octo/app:12', null]]);
    assert.deepEqual(brief(facts('describeTicketChange', [ref, { key: 'PROJ-7', planClaim: claim, version: 3, workClaim: claim, workflowId: 'w' }])), [['change-description-edited', 'github', 'change:github:octo/app:12', 'implementation']]);
    assert.deepEqual(facts('commitTicketWork', [{ repo, branch: 'forgebot/PROJ-7-x', parentSha: 'p', workClaim: claim, message: 'm' }], { sha: 's' })[0]?.details, { branch: 'forgebot/PROJ-7-x', commitSha: 's', parentSha: 'p' });
  });
});
