// The ticket workflow's Jira-side activities against the fake Jira through the real client: the ticket read for work
// (mapped, unmapped, gone; its requirements behind a claim), comments and what they ask (approve, revise, answers;
// forgebot's own and quoted words never count), a person's permission, what forgebot posts (hostile model output
// made inert in the ADF Jira stores), transitions, and Jira's failures as typed activity failures.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { createFileClaimStore } from '../src/activities/claim-check/index.js';
import type { ClaimCheckStore } from '../src/activities/claim-check/claim-check-store.js';
import { createJiraClient } from '../src/activities/jira/jira-client.js';
import { MAX_REQUIREMENTS_CHARS } from '../src/activities/jira/requirements.js';
import { createTicketActivities } from '../src/activities/jira/ticket-activities.js';
import type { TicketActivities } from '../src/activities/jira/ticket-contracts.js';
import { JiraRepositoryMapping } from '../src/domain/jira/ticket-mapping.js';
import { FakeJira } from '../src/fakes/jira/fake-jira.js';
import { doc, HOSTILE, nodesOf, p, plan, says, store, text } from './helpers/ticket-outputs.js';

const EMAIL = 'forgebot@acme.example';
const TOKEN = 'ATATT3xFfGF0-ticket-activities-token-51b2';
const mapping = (entry: Record<string, unknown>) => JiraRepositoryMapping.parse(entry);
const MAPPINGS = [
  mapping({ jiraProject: 'SHOP', forge: 'gitlab', projectId: 42, projectPath: 'group/app' }),
  mapping({ jiraProject: 'WEB', label: 'frontend', component: 'ui', forge: 'github', projectId: 'acme/web', projectPath: 'acme/web' }),
  mapping({ jiraProject: 'API', forge: 'github', projectId: 'acme/api', projectPath: 'acme/api' }),
];
/** The forges the worker has: GitLab only (so API's mapping names a forge without a connection). */
const forges = { gitlab: {} as never };

function failsWith(type: string, retryable: boolean) {
  return (error: unknown) => {
    assert.ok(error instanceof ApplicationFailure, String(error));
    assert.equal(error.type, type, error.message);
    assert.equal(error.nonRetryable, !retryable);
    assert.ok(!error.message.includes(TOKEN), 'the token never appears in a failure');
    return true;
  };
}

describe('ticket activities: Jira', () => {
  const jira = new FakeJira({ forgebot: { email: EMAIL, token: TOKEN } });
  const alice = jira.addUser({ accountId: '5b10-alice', displayName: 'Alice Example' });
  const bob = jira.addUser({ accountId: '5b10-bob', displayName: 'Bob Builder' });
  let claims: ClaimCheckStore;
  let claimsDir = '';
  let activities: TicketActivities;
  const forgebotId = () => jira.forgebot?.accountId ?? '';

  before(async () => {
    await jira.start();
    claimsDir = await mkdtemp(join(tmpdir(), 'forgebot-ticket-claims-'));
    claims = createFileClaimStore(claimsDir);
    const client = createJiraClient({ baseUrl: jira.url, auth: { type: 'basic', email: EMAIL, apiToken: TOKEN } });
    activities = createTicketActivities({ jira: client, forges, claims, mappings: MAPPINGS, readyStatus: 'ready for dev', jiraUrl: jira.url });
    for (const key of ['SHOP', 'WEB', 'OPS', 'API']) jira.addProject({ key });
    jira.grant('SHOP', alice.accountId, 'BROWSE_PROJECTS', 'ADD_COMMENTS', 'TRANSITION_ISSUES');
    jira.grant('SHOP', bob.accountId, 'BROWSE_PROJECTS', 'ADD_COMMENTS');
    jira.addIssue({ project: 'SHOP', summary: 'Payment API rejects guests' });
    jira.addIssue({
      project: 'SHOP', summary: 'Guest checkout fails', status: 'Ready for Dev', labels: ['checkout'], components: ['web'],
      description: doc(p(text('Guests cannot pay.')), { type: 'heading', attrs: { level: 3 }, content: [text('Acceptance criteria')] }, { type: 'bulletList', content: [{ type: 'listItem', content: [p(text('a guest can pay'))] }] }),
      links: [{ type: 'Blocks', inward: 'SHOP-1' }],
      attachments: [{ filename: 'trace.har', size: 48_213, mimeType: 'application/json' }],
    });
  });
  after(async () => {
    await jira.stop();
    await rm(claimsDir, { recursive: true, force: true });
  });

  test('readTicketForWork: a mapped ticket in the ready status, its requirements for the planner behind a claim', async () => {
    const reading = await activities.readTicketForWork('SHOP-2');
    assert.equal(reading.kind, 'found');
    assert.ok(reading.kind === 'found');
    assert.deepEqual(reading.ticket, {
      key: 'SHOP-2', projectKey: 'SHOP', summary: 'Guest checkout fails', status: { id: '10001', name: 'Ready for Dev' }, inReady: true,
      webUrl: `${jira.url}/browse/SHOP-2`, labels: ['checkout'], components: ['web'],
    });
    assert.equal(reading.mapping?.projectPath, 'group/app');
    assert.equal(reading.unmappedReason, undefined);
    assert.equal(reading.acceptanceCriteria, 'section');
    const requirements = Buffer.from(await claims.get(reading.requirementsClaim)).toString('utf8');
    assert.match(requirements, /^# SHOP-2: Guest checkout fails\n/);
    assert.match(requirements, /## Description\n\nGuests cannot pay\./);
    assert.match(requirements, /## Acceptance criteria \(from the description's acceptance criteria section\)\n\n- a guest can pay/);
    assert.match(requirements, /## Linked issues\n\n- is blocked by SHOP-1: Payment API rejects guests/);
    assert.match(requirements, /- trace\.har \(47 KB, application\/json\)/);
    assert.ok(!jira.requests.some((line) => /attachment\/content|secure\/attachment/.test(line)), 'attachments are listed, never downloaded');
  });

  test('readTicketForWork: unmapped tickets say what JIRA_REPOSITORIES lacks; a deleted or unknown one is gone', async () => {
    jira.addIssue({ project: 'OPS', summary: 'Rotate keys' });
    jira.addIssue({ project: 'WEB', summary: 'Dark mode', labels: ['frontend'], components: ['api'] });
    jira.addIssue({ project: 'API', summary: 'Rate limits' });
    const ops = await activities.readTicketForWork('OPS-1');
    assert.ok(ops.kind === 'found' && ops.mapping === undefined);
    assert.equal(ops.ticket.inReady, false, 'To Do is not the ready status');
    assert.equal(ops.unmappedReason, 'no entry of the JIRA_REPOSITORIES setting maps the Jira project OPS to a repository.');
    assert.equal(ops.acceptanceCriteria, 'none');
    const web = await activities.readTicketForWork('WEB-1');
    assert.ok(web.kind === 'found' && web.mapping === undefined);
    assert.match(web.unmappedReason ?? '', /maps the Jira project WEB only for tickets with label "frontend" and component "ui"; this ticket has the labels "frontend" and the components "api"/);
    const api = await activities.readTicketForWork('API-1');
    assert.ok(api.kind === 'found' && api.mapping === undefined);
    assert.match(api.unmappedReason ?? '', /acme\/api on GitHub, but forgebot has no connection to that forge/);

    assert.deepEqual(await activities.readTicketForWork('SHOP-404'), { kind: 'gone' });
    jira.addIssue({ project: 'OPS', summary: 'Short-lived' });
    jira.deleteIssue('OPS-2');
    assert.deepEqual(await activities.readTicketForWork('OPS-2'), { kind: 'gone' });
  });

  test('readTicketForWork: a huge description is cut so that the requirements fit the planner’s context, criteria kept', async () => {
    jira.addIssue({ project: 'SHOP', summary: 'Huge', description: `${'lorem ipsum '.repeat(15_000)}\n\nAcceptance criteria:\n- [ ] it is small again` });
    const reading = await activities.readTicketForWork('SHOP-3');
    assert.ok(reading.kind === 'found');
    const requirements = Buffer.from(await claims.get(reading.requirementsClaim)).toString('utf8');
    assert.ok(requirements.length <= MAX_REQUIREMENTS_CHARS, `${requirements.length} characters`);
    assert.match(requirements, /more characters of the description cut/);
    assert.match(requirements, /## Acceptance criteria \(from the description's/);
  });

  test('readTicketComments: approvals, revisions and answers; forgebot’s own, quoted and code lines never approve', async () => {
    const say = (author: string, body: unknown) => jira.addComment('SHOP-2', author, body).id;
    const ids = {
      approve: say(alice.accountId, says('approve')),
      approved: say(bob.accountId, says('Approved')),
      command: say(alice.accountId, says('Looks right.', '/CLAUDE approve')),
      quoted: say(bob.accountId, doc({ type: 'blockquote', content: [p(text('approve'))] }, p(text('Not yet: who said that?')))),
      code: say(bob.accountId, doc({ type: 'codeBlock', content: [text('approve')] }, p({ ...text('approve'), marks: [{ type: 'code' }] }))),
      revise: say(alice.accountId, says('revise: also cover refunds', 'and keep the old path')),
      reject: say(alice.accountId, says('/claude reject too big, split it')),
      answer: say(bob.accountId, says('Guests have no e-mail; use the order id.')),
      own: say(forgebotId(), says('approve')),
    };
    const myselfCalls = () => jira.requests.filter((line) => line.startsWith('GET /rest/api/3/myself')).length;
    const before = myselfCalls();
    const read = await activities.readTicketComments('SHOP-2');
    const byId = new Map(read.map((comment) => [comment.id, comment]));
    const intent = (id: string) => byId.get(id)?.intent;
    assert.deepEqual(read.map((comment) => comment.id), Object.values(ids), 'oldest first');
    assert.equal(intent(ids.approve), 'approve');
    assert.equal(intent(ids.approved), 'approve');
    assert.equal(intent(ids.command), 'approve');
    assert.equal(intent(ids.quoted), 'answer', 'a quoted approve is someone else’s words');
    assert.equal(intent(ids.code), 'answer', 'approve in code is not said');
    assert.deepEqual([intent(ids.revise), byId.get(ids.revise)?.text], ['revise', 'also cover refunds\nand keep the old path']);
    assert.deepEqual([intent(ids.reject), byId.get(ids.reject)?.text], ['revise', 'too big, split it']);
    assert.deepEqual([intent(ids.answer), byId.get(ids.answer)?.text], ['answer', 'Guests have no e-mail; use the order id.']);
    assert.deepEqual([byId.get(ids.own)?.byForgebot, intent(ids.own)], [true, 'answer'], 'forgebot’s own comment never approves');
    assert.ok(read.filter((comment) => comment.id !== ids.own).every((comment) => !comment.byForgebot));
    assert.deepEqual(byId.get(ids.approve)?.author, { accountId: alice.accountId, displayName: 'Alice Example' });

    const later = await activities.readTicketComments('SHOP-2', ids.answer);
    assert.deepEqual(later.map((comment) => comment.id), [ids.own], 'only those after the id given');
    assert.equal(myselfCalls() - before, 1, 'forgebot’s account is asked once per worker');
  });

  test('checkTicketPermission: as Jira says now; forgebot and unknown authors hold none', async () => {
    assert.equal(await activities.checkTicketPermission('SHOP-2', alice.accountId, 'TRANSITION_ISSUES'), true);
    assert.equal(await activities.checkTicketPermission('SHOP-2', bob.accountId, 'TRANSITION_ISSUES'), false);
    jira.revoke('SHOP', alice.accountId, 'TRANSITION_ISSUES');
    assert.equal(await activities.checkTicketPermission('SHOP-2', alice.accountId, 'TRANSITION_ISSUES'), false, 'revoked since');
    jira.grant('SHOP', alice.accountId, 'TRANSITION_ISSUES');
    assert.equal(await activities.checkTicketPermission('SHOP-2', forgebotId(), 'TRANSITION_ISSUES'), false);
    assert.equal(await activities.checkTicketPermission('SHOP-2', 'unknown', 'TRANSITION_ISSUES'), false);
  });

  test('commentOnTicket: a hostile plan is posted inert (no link elsewhere, image, mention or raw ADF), with how to approve', async () => {
    const planClaim = await store(claims, { role: 'planner', plan: plan({ summary: HOSTILE, steps: [HOSTILE, '@channel `` ` `` ship it'], risks: [HOSTILE], files: [{ path: 'src/`x`.ts', change: 'modify', why: HOSTILE }] }) });
    const changeUrl = 'https://gitlab.example/group/app/-/merge_requests/3';
    const { id } = await activities.commentOnTicket('SHOP-2', { kind: 'plan', version: 2, planClaim, changeUrl, workflowId: 'ticket:jira:SHOP-2', approvePermission: 'TRANSITION_ISSUES' });
    const posted = jira.comments('SHOP-2').find((comment) => comment.id === id);
    assert.ok(posted);
    const nodes = nodesOf(posted.body);
    assert.ok(!nodes.some((node) => ['mention', 'media', 'mediaSingle', 'inlineCard', 'emoji'].includes(node.type)), JSON.stringify(nodes.map((node) => node.type)));
    const hrefs = nodes.flatMap((node) => (node.marks ?? []).filter((mark) => mark.type === 'link').map((mark) => String(mark.attrs?.href)));
    assert.deepEqual(hrefs, [changeUrl, changeUrl], 'the only links are to the change forgebot opened');
    const words = nodes.map((node) => node.text ?? '').join('');
    assert.match(words, /version 2/);
    assert.match(words, /forgebot approve ticket:jira:SHOP-2/);
    assert.match(words, /TRANSITION_ISSUES/);
    assert.match(words, /\/claude approve/);
    assert.match(words, /revise:/);
    assert.match(words, /src\/`x`\.ts/, 'a path with backticks is shown as written');
    // What the model wrote shows as text; nothing of it became structure, a notification or a line that says approve.
    assert.ok(words.includes('evil.example/steal') && words.includes('<!-- forgebot:marker -->'));
    assert.ok(words.includes('@\u200Badmin') && !/@admin/.test(words), 'the mention is broken');
    const textOf = (node: { content?: unknown[]; text?: string }): string => node.text ?? nodesOf(node).slice(1).map((child) => child.text ?? '').join('');
    assert.ok(!nodes.some((node) => node.type === 'paragraph' && /^\s*approve\s*$/i.test(textOf(node))), 'no paragraph of model text reads as an approval');
  });

  test('commentOnTicket: questions, unmapped and reminders say how the work goes on', async () => {
    const planClaim = await store(claims, { role: 'planner', plan: plan({ steps: [], files: [], questions: ['Which currency? @bob', 'Refunds too?'] }) });
    const text = async (id: string) => nodesOf(jira.comments('SHOP-2').find((comment) => comment.id === id)?.body).map((node) => node.text ?? '').join('');
    const questions = await text((await activities.commentOnTicket('SHOP-2', { kind: 'questions', planClaim })).id);
    assert.match(questions, /Which currency\? @\u200Bbob/);
    assert.match(questions, /Refunds too\?/);
    assert.match(questions, /ready for dev again/);
    const unmapped = await text((await activities.commentOnTicket('SHOP-2', { kind: 'unmapped', reason: 'no entry of the JIRA_REPOSITORIES setting maps the Jira project SHOP to a repository.' })).id);
    assert.match(unmapped, /cannot work on this ticket: no entry of the JIRA_REPOSITORIES setting/);
    const reminder = await text((await activities.commentOnTicket('SHOP-2', { kind: 'reminder', gate: 'plan', expiresAt: '2026-12-18T20:00:00Z', workflowId: 'ticket:jira:SHOP-2' })).id);
    assert.match(reminder, /still waiting for a decision on its plan.*forgebot approve ticket:jira:SHOP-2.*2026-12-18T20:00:00Z/s);
  });

  test('transitionTicket: by the target status’s name; false when no transition leads there', async () => {
    assert.equal(await activities.transitionTicket('SHOP-2', 'in progress'), true);
    assert.equal(jira.statusOf('SHOP-2'), 'In Progress');
    assert.equal(await activities.transitionTicket('SHOP-2', 'Done'), false);
    assert.equal(jira.statusOf('SHOP-2'), 'In Progress');
  });

  test('Jira’s failures are typed: a bad token and a missing issue are permanent, an outage is retried', async () => {
    const wrong = createTicketActivities({
      jira: createJiraClient({ baseUrl: jira.url, auth: { type: 'basic', email: EMAIL, apiToken: `${TOKEN}-revoked` } }), forges, claims, mappings: MAPPINGS, readyStatus: 'Ready for Dev',
    });
    await assert.rejects(wrong.readTicketForWork('SHOP-2'), failsWith('ERR_JIRA_UNAUTHORIZED', false));
    await assert.rejects(activities.commentOnTicket('SHOP-404', { kind: 'unmapped', reason: 'x' }), failsWith('ERR_JIRA_NOT_FOUND', false));
    jira.failNext({ status: 503, pathPattern: /\/issue\/SHOP-2$/ });
    await assert.rejects(activities.readTicketForWork('SHOP-2'), failsWith('ERR_JIRA_UNAVAILABLE', true));
    jira.rateLimitNext({ seconds: 7, pathPattern: /\/comment$/ });
    await assert.rejects(activities.readTicketComments('SHOP-2'), (error: unknown) => {
      assert.ok(error instanceof ApplicationFailure && error.type === 'ERR_JIRA_RATE_LIMITED' && !error.nonRetryable);
      assert.equal(error.nextRetryDelay, 7_000, 'Jira’s Retry-After');
      return true;
    });
  });
});
