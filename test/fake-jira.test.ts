// The fake Jira's own rules, over plain HTTP: credentials (Basic email:token, bearer) and Jira's 401; each account's
// project permissions (404 for an issue it may not browse, 403 without Add comments, empty transitions without
// Transition issues, the permission search for project administrators only); ADF bodies checked; comment pages;
// injected 429/5xx; the request log.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeJira } from '../src/fakes/jira/fake-jira.js';

const EMAIL = 'forgebot@acme.example';
const TOKEN = 'ATATT3xFfGF0-fake-jira-token-for-the-fake-tests';
const doc = (text: string) => ({ type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] });

describe('fake Jira', () => {
  const jira = new FakeJira({ forgebot: { email: EMAIL, token: TOKEN }, commentPageLimit: 2 });
  const alice = jira.addUser({ accountId: '5b10-alice', displayName: 'Alice Example', email: 'alice@acme.example' });
  const viewer = jira.addUser({ accountId: '5b10-viewer', displayName: 'Vera Viewer' });
  const outsider = jira.addUser({ accountId: '5b10-outsider', displayName: 'Otto Outsider' });
  const basic = (email: string, token: string) => `Basic ${Buffer.from(`${email}:${token}`).toString('base64')}`;
  const FORGEBOT = basic(EMAIL, TOKEN);

  async function call(path: string, init: { auth?: string; method?: string; body?: unknown } = {}) {
    const response = await fetch(`${jira.url}/rest/api/3${path}`, {
      method: init.method ?? 'GET',
      headers: { ...(init.auth !== undefined ? { authorization: init.auth } : {}), accept: 'application/json', 'content-type': 'application/json' },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
  }

  before(async () => {
    await jira.start();
    jira.addToken('alice-api-token', alice.accountId, ['basic']);
    jira.addToken('viewer-pat', viewer.accountId, ['bearer']);
    jira.addToken('outsider-token', outsider.accountId);
    jira.addProject({ key: 'SHOP' });
    jira.grant('SHOP', alice.accountId, 'BROWSE_PROJECTS', 'ADD_COMMENTS', 'TRANSITION_ISSUES');
    jira.grant('SHOP', viewer.accountId, 'BROWSE_PROJECTS');
    jira.addIssue({ project: 'SHOP', summary: 'Guest checkout fails', description: doc('Steps'), reporter: alice.accountId, fields: { customfield_10050: 'AC' } });
  });
  after(() => jira.stop());

  test('401 with Jira\'s error collection without a credential, with a wrong one, or a token with the wrong email', async () => {
    for (const auth of [undefined, basic(EMAIL, 'wrong'), basic('someone@acme.example', TOKEN), `Bearer wrong`, 'Basic !!!', basic('alice@acme.example', 'viewer-pat')]) {
      const answer = await call('/myself', auth === undefined ? {} : { auth });
      assert.equal(answer.status, 401, String(auth));
      assert.deepEqual(answer.json, { errorMessages: ['Client must be authenticated to access this resource.'], errors: {} });
      assert.equal(answer.headers.get('x-seraph-loginreason'), 'AUTHENTICATED_FAILED');
    }
    // A token is Basic, bearer or both, as it was issued.
    assert.equal((await call('/myself', { auth: 'Bearer alice-api-token' })).status, 401);
    assert.equal((await call('/myself', { auth: basic('vera.viewer@example.com', 'viewer-pat') })).status, 401);
    assert.equal(jira.requests.length, 0, 'refused requests are not logged');
  });

  test('Basic email:token and bearer tokens both sign in, as the account they belong to', async () => {
    const me = await call('/myself', { auth: FORGEBOT });
    assert.equal(me.status, 200);
    assert.equal(me.json?.accountId, jira.forgebot?.accountId);
    assert.equal(me.headers.get('x-aaccountid'), jira.forgebot?.accountId);
    assert.equal((await call('/myself', { auth: `Bearer ${TOKEN}` })).json?.displayName, 'forgebot');
    assert.equal((await call('/myself', { auth: basic('ALICE@acme.example', 'alice-api-token') })).json?.accountId, alice.accountId);
    assert.equal((await call('/myself', { auth: 'Bearer viewer-pat' })).json?.accountId, viewer.accountId);
    assert.deepEqual(jira.requests.slice(-4), Array(4).fill('GET /rest/api/3/myself'));
  });

  test('an issue the account may not browse answers exactly like one that does not exist', async () => {
    const hidden = await call('/issue/SHOP-1', { auth: 'Bearer outsider-token' });
    const absent = await call('/issue/SHOP-404', { auth: FORGEBOT });
    assert.equal(hidden.status, 404);
    assert.deepEqual(hidden.json, absent.json);
    assert.deepEqual(hidden.json, { errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} });
    assert.equal((await call('/issue/SHOP-1/comment', { auth: 'Bearer outsider-token' })).status, 404);
    const seen = await call('/issue/SHOP-1?fields=summary,status,customfield_10050,customfield_99999', { auth: 'Bearer viewer-pat' });
    assert.equal(seen.status, 200);
    const fields = seen.json?.fields as Record<string, unknown>;
    assert.deepEqual(Object.keys(fields).sort(), ['customfield_10050', 'customfield_99999', 'status', 'summary']);
    assert.equal(fields.customfield_99999, null);
    assert.equal((fields.status as { name: string }).name, 'To Do');
    // By id too, as Jira's paths accept either.
    const byId = await call(`/issue/${String(seen.json?.id)}?fields=summary`, { auth: FORGEBOT });
    assert.equal(byId.json?.key, 'SHOP-1');
  });

  test('comments: 403 without Add comments; bodies must be ADF with known nodes; the stored ADF is what was sent', async () => {
    const denied = await call('/issue/SHOP-1/comment', { auth: 'Bearer viewer-pat', method: 'POST', body: { body: doc('hi') } });
    assert.equal(denied.status, 403);
    assert.deepEqual(denied.json, { errorMessages: ['You do not have the permission to comment on this issue.'], errors: {} });
    const asAlice = basic('alice@acme.example', 'alice-api-token');
    const refusals = [
      [{ body: 'wiki text' }, { errorMessages: [], errors: { comment: 'Operation value must be an Atlassian Document (see the Atlassian Document Format)' } }],
      [{}, { errorMessages: [], errors: { comment: 'Comment body can not be empty!' } }],
      [{ body: { type: 'doc', version: 1, content: [] } }, { errorMessages: [], errors: { comment: 'Comment body can not be empty!' } }],
      [{ body: { type: 'doc', version: 1, content: [{ type: 'script', content: [] }] } }, { errorMessages: ['INVALID_INPUT'], errors: {} }],
      [{ body: { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: '' }] }] } }, { errorMessages: ['INVALID_INPUT'], errors: {} }],
    ] as const;
    for (const [body, expected] of refusals) {
      const answer = await call('/issue/SHOP-1/comment', { auth: asAlice, method: 'POST', body });
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.deepEqual(answer.json, expected);
    }
    const created = await call('/issue/SHOP-1/comment', { auth: asAlice, method: 'POST', body: { body: doc('first') } });
    assert.equal(created.status, 201);
    assert.equal((created.json?.author as { accountId: string }).accountId, alice.accountId);
    assert.deepEqual(created.json?.body, doc('first'));
    assert.match(String(created.json?.created), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    assert.deepEqual(jira.comments('SHOP-1').map((comment) => comment.body), [doc('first')]);
  });

  test('comment pages: startAt, maxResults capped by the page limit, total, and orderBy created either way', async () => {
    jira.addIssue({ project: 'SHOP', key: 'SHOP-2', summary: 'pages' });
    for (const [i, text] of ['a', 'b', 'c', 'd', 'e'].entries()) jira.addComment('SHOP-2', alice.accountId, doc(text), 10 - i);
    const texts = (json: Record<string, unknown> | undefined) => (json?.comments as { body: ReturnType<typeof doc> }[]).map((comment) => comment.body.content[0]?.content[0]?.text);
    const first = await call('/issue/SHOP-2/comment?startAt=0&maxResults=100', { auth: FORGEBOT });
    assert.deepEqual([first.json?.startAt, first.json?.maxResults, first.json?.total, texts(first.json)], [0, 2, 5, ['a', 'b']]);
    const last = await call('/issue/SHOP-2/comment?startAt=4&maxResults=2&orderBy=created', { auth: FORGEBOT });
    assert.deepEqual(texts(last.json), ['e']);
    const newest = await call('/issue/SHOP-2/comment?orderBy=-created', { auth: FORGEBOT });
    assert.deepEqual(texts(newest.json), ['e', 'd']);
    assert.equal((await call('/issue/SHOP-2/comment?orderBy=author', { auth: FORGEBOT })).status, 400);
    assert.equal((await call('/issue/SHOP-2/comment?startAt=-1', { auth: FORGEBOT })).status, 400);
  });

  test('transitions follow the workflow; without Transition issues the list is empty and a move is refused', async () => {
    jira.addIssue({ project: 'SHOP', key: 'SHOP-3', summary: 'flow', status: 'Ready for Dev' });
    const asAlice = basic('alice@acme.example', 'alice-api-token');
    const listed = await call('/issue/SHOP-3/transitions', { auth: asAlice });
    const transitions = listed.json?.transitions as { id: string; name: string; to: { name: string } }[];
    assert.deepEqual(transitions.map((transition) => `${transition.name} → ${transition.to.name}`), ['Start progress → In Progress', 'Back to backlog → To Do']);
    assert.deepEqual((await call('/issue/SHOP-3/transitions', { auth: 'Bearer viewer-pat' })).json?.transitions, []);
    assert.equal((await call('/issue/SHOP-3/transitions', { auth: 'Bearer viewer-pat', method: 'POST', body: { transition: { id: '31' } } })).status, 403);
    const invalid = await call('/issue/SHOP-3/transitions', { auth: asAlice, method: 'POST', body: { transition: { id: '51' } } });
    assert.deepEqual([invalid.status, invalid.json], [400, { errorMessages: ["Transition id '51' is not valid for this issue."], errors: {} }]);
    assert.equal((await call('/issue/SHOP-3/transitions', { auth: asAlice, method: 'POST', body: {} })).status, 400);
    const moved = await call('/issue/SHOP-3/transitions', { auth: asAlice, method: 'POST', body: { transition: { id: '31' } } });
    assert.equal(moved.status, 204);
    assert.equal(jira.statusOf('SHOP-3'), 'In Progress');
    assert.deepEqual(jira.state.transitions.at(-1), { key: 'SHOP-3', from: 'Ready for Dev', to: 'In Progress', by: alice.accountId });
  });

  test('find users with permissions: project administrators only; issueKey or projectKey; known keys, old ones too', async () => {
    const search = (query: string, auth = FORGEBOT) => call(`/user/permission/search?${query}`, { auth });
    const ids = (json: unknown) => (json as { accountId: string }[]).map((user) => user.accountId);
    assert.deepEqual(ids((await search(`permissions=TRANSITION_ISSUES&issueKey=SHOP-1&accountId=${alice.accountId}`)).json), [alice.accountId]);
    assert.deepEqual(ids((await search(`permissions=TRANSITION_ISSUES&issueKey=SHOP-1&accountId=${viewer.accountId}`)).json), []);
    assert.deepEqual(ids((await search('permissions=BROWSE_PROJECTS,ADD_COMMENTS&projectKey=SHOP')).json).sort(), [jira.forgebot?.accountId, alice.accountId].sort());
    assert.deepEqual(ids((await search(`permissions=TRANSITION_ISSUE&issueKey=SHOP-1&accountId=${alice.accountId}`)).json), [alice.accountId], 'a deprecated key');
    assert.deepEqual(ids((await search('permissions=BROWSE_PROJECTS&issueKey=SHOP-1&query=ver')).json), [viewer.accountId]);
    const refused = await search(`permissions=TRANSITION_ISSUES&issueKey=SHOP-1&accountId=${alice.accountId}`, basic('alice@acme.example', 'alice-api-token'));
    assert.equal(refused.status, 403, 'Alice may browse and transition, not administer');
    jira.makeAdmin(alice.accountId);
    assert.equal((await search(`permissions=TRANSITION_ISSUES&issueKey=SHOP-1&accountId=${alice.accountId}`, basic('alice@acme.example', 'alice-api-token'))).status, 200, 'a Jira administrator may');
    assert.equal((await search('permissions=TRANSITION_ISSUES')).status, 400);
    assert.equal((await search('issueKey=SHOP-1')).status, 400);
    assert.match(JSON.stringify((await search('permissions=FLY&issueKey=SHOP-1')).json), /'FLY' is not valid/);
    assert.equal((await search('permissions=BROWSE_PROJECTS&issueKey=SHOP-1', 'Bearer outsider-token')).status, 404);
  });

  test('mypermissions answers for the caller only', async () => {
    const mine = await call('/mypermissions?permissions=TRANSITION_ISSUES,ADD_COMMENTS&issueKey=SHOP-1', { auth: 'Bearer viewer-pat' });
    const permissions = mine.json?.permissions as Record<string, { havePermission: boolean }>;
    assert.deepEqual([permissions.TRANSITION_ISSUES?.havePermission, permissions.ADD_COMMENTS?.havePermission], [false, false]);
    assert.equal((await call('/mypermissions', { auth: 'Bearer viewer-pat' })).status, 400);
  });

  test('injected failures: 429 with Retry-After for the next N matching requests, 5xx, then normal answers', async () => {
    jira.rateLimitNext({ seconds: 12, times: 2, method: 'get', pathPattern: /\/myself$/ });
    for (let i = 0; i < 2; i++) {
      const limited = await call('/myself', { auth: FORGEBOT });
      assert.equal(limited.status, 429);
      assert.equal(limited.headers.get('retry-after'), '12');
      assert.deepEqual(limited.json, { errorMessages: ['Rate limit exceeded.'], errors: {} });
    }
    assert.equal((await call('/issue/SHOP-1?fields=summary', { auth: FORGEBOT })).status, 200, 'another path is not limited');
    assert.equal((await call('/myself', { auth: FORGEBOT })).status, 200);
    jira.failNext({ status: 502, times: 1, retryAfterSeconds: 5 });
    const down = await call('/myself', { auth: FORGEBOT });
    assert.deepEqual([down.status, down.headers.get('retry-after')], [502, '5']);
    assert.equal((await call('/myself', { auth: FORGEBOT })).status, 200);
    // Limited and failed requests are logged too: they passed authentication.
    const myself = 'GET /rest/api/3/myself';
    assert.deepEqual(jira.requests.slice(-6).map((line) => line.split('?')[0]), [myself, myself, 'GET /rest/api/3/issue/SHOP-1', myself, myself, myself]);
  });

  test('a path no resource serves answers 404 in Jersey\'s shape', async () => {
    const answer = await call('/nothing/here', { auth: FORGEBOT });
    assert.equal(answer.status, 404);
    assert.equal(answer.json?.['status-code'], 404);
  });
});
