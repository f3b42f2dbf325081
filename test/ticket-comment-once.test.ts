// commentOnTicket posts each comment once: the comment carries its activity's mark as a comment property (set on
// creation), and a retried attempt looks for it (the issue's comments newest first, page by page, then by id with
// their properties) before posting. Against the fake Jira through the real client, in a mock activity context.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import { DefaultLogger } from '@temporalio/worker';
import { MockActivityEnvironment } from '@temporalio/testing';
import { COMMENT_MARK_PROPERTY } from '../src/activities/jira/jira-api.js';
import { createJiraClient } from '../src/activities/jira/jira-client.js';
import { createTicketActivities } from '../src/activities/jira/ticket-activities.js';
import type { TicketActivities, TicketNote } from '../src/activities/jira/ticket-contracts.js';
import { JiraRepositoryMapping } from '../src/domain/jira/ticket-mapping.js';
import { FakeJira } from '../src/fakes/jira/fake-jira.js';

const EMAIL = 'forgebot@acme.example';
const TOKEN = 'ATATT3xFfGF0-comment-once-token-77c1';
const WORKFLOW_ID = 'ticket:jira:SHOP-1';
const NOTE: TicketNote = { kind: 'not-pushed', reason: 'the implementation changed no test file' };
const quiet = new DefaultLogger('ERROR', () => undefined);

/** An attempt of the activity `activityId` of the run. */
function attempt(activityId: string, number: number): MockActivityEnvironment {
  return new MockActivityEnvironment({ workflowExecution: { workflowId: WORKFLOW_ID, runId: 'run-1' }, activityId, attempt: number }, { logger: quiet });
}

describe('commentOnTicket: once per activity, whatever its retries', () => {
  // Two comments a page: finding the mark walks pages.
  const jira = new FakeJira({ forgebot: { email: EMAIL, token: TOKEN }, commentPageLimit: 2 });
  const alice = jira.addUser({ accountId: '5b10-alice', displayName: 'Alice Example' });
  let activities: TicketActivities;
  const post = (env: MockActivityEnvironment, key: string, note: TicketNote = NOTE) => env.run(activities.commentOnTicket, key, note) as Promise<{ id: string }>;
  const botComments = (key: string) => jira.comments(key).filter((comment) => comment.authorId === jira.forgebot?.accountId);
  const posts = (key: string) => jira.requests.filter((line) => line === `POST /rest/api/3/issue/${key}/comment`).length;

  before(async () => {
    await jira.start();
    const client = createJiraClient({ baseUrl: jira.url, auth: { type: 'basic', email: EMAIL, apiToken: TOKEN } });
    const mappings = [JiraRepositoryMapping.parse({ jiraProject: 'SHOP', forge: 'gitlab', projectId: 42, projectPath: 'group/app' })];
    activities = createTicketActivities({ jira: client, forges: { gitlab: {} as never }, claims: {} as never, mappings, readyStatus: 'Ready for Dev' });
    jira.addProject({ key: 'SHOP' });
    jira.grant('SHOP', alice.accountId, 'BROWSE_PROJECTS', 'ADD_COMMENTS', 'EDIT_OWN_COMMENTS');
    for (let n = 0; n < 4; n++) jira.addIssue({ project: 'SHOP', summary: `ticket ${n + 1}` });
  });
  after(async () => {
    await jira.stop();
  });

  test('the POST reached Jira but its answer was lost: the retry finds the comment (pages of people’s comments later) and posts nothing', async () => {
    jira.loseAnswerNext({ method: 'POST', pathPattern: /^\/rest\/api\/3\/issue\/SHOP-1\/comment$/ });
    await assert.rejects(post(attempt('9', 1), 'SHOP-1'), (error: unknown) => error instanceof ApplicationFailure && error.type === 'ERR_JIRA_UNAVAILABLE' && !error.nonRetryable);
    const [posted, ...more] = botComments('SHOP-1');
    assert.ok(posted, 'the first attempt’s comment is on Jira');
    assert.equal(more.length, 0);
    assert.deepEqual(posted.properties?.get(COMMENT_MARK_PROPERTY), { mark: `${WORKFLOW_ID}/run-1/9`, intent: 'not-pushed' });
    // People talk meanwhile: forgebot's comment is on the third page of two, newest first.
    for (let n = 0; n < 5; n++) jira.addComment('SHOP-1', alice.accountId, { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: `talk ${n}` }] }] }, -(n + 1));

    const retried = await post(attempt('9', 2), 'SHOP-1');
    assert.equal(retried.id, posted.id, 'the retry answers the comment already there');
    assert.equal(botComments('SHOP-1').length, 1, 'posted once');
    assert.equal(posts('SHOP-1'), 1, 'the retry sent no POST');
    assert.ok(jira.requests.some((line) => line.startsWith('GET /rest/api/3/issue/SHOP-1/comment?startAt=4&')), `the walk reached the third page: ${jira.requests.join(', ')}`);
  });

  test('a retry whose first attempt never reached Jira posts the comment, marked', async () => {
    jira.failNext({ status: 503, pathPattern: /^\/rest\/api\/3\/issue\/SHOP-2\/comment$/ });
    await assert.rejects(post(attempt('4', 1), 'SHOP-2'));
    assert.equal(botComments('SHOP-2').length, 0);
    const { id } = await post(attempt('4', 2), 'SHOP-2');
    const [comment, ...more] = botComments('SHOP-2');
    assert.deepEqual([comment?.id, more.length], [id, 0]);
    assert.deepEqual(comment?.properties?.get(COMMENT_MARK_PROPERTY), { mark: `${WORKFLOW_ID}/run-1/4`, intent: 'not-pushed' });
  });

  test('another activity of the run (the same note said again on purpose) is another comment; a person’s comment with the mark is never taken for forgebot’s', async () => {
    const first = await post(attempt('11', 1), 'SHOP-3');
    const second = await post(attempt('12', 1), 'SHOP-3');
    assert.notEqual(first.id, second.id);
    assert.equal(botComments('SHOP-3').length, 2);

    // Alice copies the mark of an activity that has not posted yet onto her own comment (the properties API).
    const hers = jira.addComment('SHOP-4', alice.accountId, { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'mine' }] }] });
    const auth = `Basic ${Buffer.from(`${EMAIL}:${TOKEN}`).toString('base64')}`;
    jira.addToken('alice-token', alice.accountId);
    const put = await fetch(`${jira.url}/rest/api/3/comment/${hers.id}/properties/${COMMENT_MARK_PROPERTY}`, {
      method: 'PUT', headers: { authorization: 'Bearer alice-token', 'content-type': 'application/json' }, body: JSON.stringify({ mark: `${WORKFLOW_ID}/run-1/20`, intent: 'plan v1' }),
    });
    assert.equal(put.status, 201);
    const { id } = await post(attempt('20', 2), 'SHOP-4', { kind: 'ended', outcome: 'failed', detail: 'x' });
    assert.notEqual(id, hers.id);
    assert.equal(botComments('SHOP-4').length, 1);
    // forgebot's account may not set properties on her comment.
    const refused = await fetch(`${jira.url}/rest/api/3/comment/${hers.id}/properties/other`, { method: 'PUT', headers: { authorization: auth, 'content-type': 'application/json' }, body: '{}' });
    assert.equal(refused.status, 403);
  });

  test('outside an activity (a direct call), the comment is posted as before, unmarked', async () => {
    const { id } = await activities.commentOnTicket('SHOP-2', { kind: 'unmapped', reason: 'no mapping' });
    assert.equal(jira.comments('SHOP-2').find((comment) => comment.id === id)?.properties, undefined);
  });
});
