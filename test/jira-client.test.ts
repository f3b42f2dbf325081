// The Jira REST API v3 client against the fake Jira, over real HTTP: tickets (ADF → Markdown, links, attachments
// listed, acceptance criteria from a field, a section or a checklist), comments (pages, `after`, Markdown → ADF as
// Jira stores it), transitions by target status, another person's permission, myself, and every failure as a typed
// JiraError whose message never holds the token.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { JiraError, type JiraErrorCode } from '../src/activities/jira/jira-api.js';
import { createJiraClient } from '../src/activities/jira/jira-client.js';
import { safeText } from '../src/domain/safe-markdown.js';
import { FakeJira } from '../src/fakes/jira/fake-jira.js';
import type { AdfNode } from '../src/activities/jira/adf.js';
import { adfToMarkdown } from '../src/activities/jira/adf-to-markdown.js';
import { markdownToAdf } from '../src/activities/jira/markdown-to-adf.js';

const EMAIL = 'forgebot@acme.example';
const TOKEN = 'ATATT3xFfGF0-fake-jira-api-token-7d41c2b9e8';
const CREDENTIAL = Buffer.from(`${EMAIL}:${TOKEN}`).toString('base64');

const text = (value: string, ...marks: AdfNode['marks'][]): AdfNode => ({ type: 'text', text: value, ...(marks[0] ? { marks: marks[0] } : {}) });
const p = (...content: AdfNode[]): AdfNode => ({ type: 'paragraph', content });
const h = (level: number, value: string): AdfNode => ({ type: 'heading', attrs: { level }, content: [text(value)] });
const li = (...content: AdfNode[]): AdfNode => ({ type: 'listItem', content });
const bullets = (...items: AdfNode[]): AdfNode => ({ type: 'bulletList', content: items });
const doc = (...content: AdfNode[]) => ({ type: 'doc', version: 1, content });
const task = (value: string, done = false): AdfNode => ({ type: 'taskItem', attrs: { localId: value, state: done ? 'DONE' : 'TODO' }, content: [text(value)] });

const RICH = doc(
  h(2, 'Context'),
  p(text('Checkout fails for '), text('guest', [{ type: 'strong' }]), text(' users, see '), text('the runbook', [{ type: 'link', attrs: { href: 'https://wiki.acme.example/runbook' } }]), text('. Ask '),
    { type: 'mention', attrs: { id: '5b10-alice', text: '@Alice Example' } }, text(' or run '), text('npm test', [{ type: 'code' }]), text('.')),
  bullets(li(p(text('web'))), li(p(text('api')), bullets(li(p(text('payments')))))),
  { type: 'orderedList', attrs: { order: 1 }, content: [li(p(text('open the cart'))), li(p(text('pay as a guest')))] },
  { type: 'codeBlock', attrs: { language: 'ts' }, content: [text('const total = cart.items.reduce((sum, item) => sum + item.amount, 0);')] },
  h(3, 'Acceptance Criteria'),
  bullets(li(p(text('a guest can pay'))), li(p(text('the total is shown')))),
  h(3, 'Notes'),
  p(text('Seen since v2.3.')),
);

const RICH_MARKDOWN = [
  '## Context',
  'Checkout fails for **guest** users, see [the runbook](https://wiki.acme.example/runbook). Ask @Alice Example or run `npm test`.',
  '- web\n- api\n  - payments',
  '1. open the cart\n2. pay as a guest',
  '```ts\nconst total = cart.items.reduce((sum, item) => sum + item.amount, 0);\n```',
  '### Acceptance Criteria',
  '- a guest can pay\n- the total is shown',
  '### Notes',
  'Seen since v2.3.',
].join('\n\n');

function rejectsWith(code: JiraErrorCode, check: (error: JiraError) => void = () => {}) {
  return (error: unknown) => {
    assert.ok(error instanceof JiraError, `expected a JiraError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.equal(error.permanent, code !== 'ERR_JIRA_RATE_LIMITED' && code !== 'ERR_JIRA_UNAVAILABLE');
    assert.ok(!error.message.includes(TOKEN) && !error.message.includes(CREDENTIAL), `the token never appears in a message: ${error.message}`);
    check(error);
    return true;
  };
}

describe('Jira client against the fake Jira', () => {
  const jira = new FakeJira({ forgebot: { email: EMAIL, token: TOKEN }, commentPageLimit: 40 });
  const alice = jira.addUser({ accountId: '5b10-alice', displayName: 'Alice Example' });
  const bob = jira.addUser({ accountId: '5b10-bob', displayName: 'Bob Builder' });
  const carol = jira.addUser({ accountId: '5b10-carol', displayName: 'Carol Outsider' });
  let client: ReturnType<typeof createJiraClient>;
  let odd: Server;
  let oddUrl: string;

  before(async () => {
    await jira.start();
    client = createJiraClient({ baseUrl: `${jira.url}/`, auth: { type: 'basic', email: EMAIL, apiToken: TOKEN }, acceptanceCriteriaField: 'customfield_10050' });
    const forgebot = jira.forgebot?.accountId ?? '';
    jira.addProject({
      key: 'SHOP',
      grants: { BROWSE_PROJECTS: [forgebot, alice.accountId, bob.accountId], ADD_COMMENTS: [forgebot, alice.accountId, bob.accountId], TRANSITION_ISSUES: [alice.accountId], ADMINISTER_PROJECTS: [forgebot] },
    });
    // forgebot may browse OPS and nothing more, and HR not even that.
    jira.addProject({ key: 'OPS', grants: { BROWSE_PROJECTS: [forgebot, alice.accountId], TRANSITION_ISSUES: [alice.accountId] } });
    jira.addProject({ key: 'HR', grants: { BROWSE_PROJECTS: [alice.accountId] } });
    jira.addIssue({ project: 'SHOP', summary: 'Payment API rejects guests' });
    jira.addIssue({ project: 'SHOP', summary: 'Guest sessions expire' });
    jira.addIssue({
      project: 'SHOP', summary: 'Guest checkout fails', description: RICH, status: 'Ready for Dev', issueType: 'Bug', labels: ['checkout', 'forgebot'],
      components: ['web'], reporter: alice.accountId, assignee: bob.accountId, links: [{ type: 'Blocks', outward: 'SHOP-2' }, { type: 'Blocks', inward: 'SHOP-1' }],
      attachments: [{ filename: 'trace.har', size: 48_213, mimeType: 'application/json' }, { filename: 'screen.png', size: 9_120, mimeType: 'image/png' }],
    });
    oddUrl = await new Promise<string>((resolve) => {
      // Redirects, or echoes the credential it was sent in a 400 (as a careless proxy might).
      odd = createServer((req, res) => {
        if (req.url?.startsWith('/redirect')) return void res.writeHead(302, { location: 'https://elsewhere.example/rest/api/3/myself' }).end();
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ errorMessages: [`bad header ${req.headers.authorization ?? ''}`], errors: {} }));
      }).listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(odd.address() as AddressInfo).port}`));
    });
  });
  after(async () => {
    await jira.stop();
    odd.closeAllConnections();
    await new Promise<void>((resolve) => odd.close(() => resolve()));
  });

  test('getTicket reads the fields, the description as Markdown, links worded both ways and attachments listed', async () => {
    const before = jira.requests.length;
    const ticket = await client.getTicket('SHOP-3');
    assert.ok(ticket);
    assert.equal(ticket.key, 'SHOP-3');
    assert.match(ticket.id, /^\d+$/);
    assert.equal(ticket.projectKey, 'SHOP');
    assert.equal(ticket.summary, 'Guest checkout fails');
    assert.equal(ticket.description, RICH_MARKDOWN);
    assert.deepEqual(ticket.status, { id: '10001', name: 'Ready for Dev' });
    assert.equal(ticket.issueType, 'Bug');
    assert.deepEqual(ticket.labels, ['checkout', 'forgebot']);
    assert.deepEqual(ticket.components, ['web']);
    assert.deepEqual(ticket.reporter, { accountId: alice.accountId, displayName: 'Alice Example' });
    assert.deepEqual(ticket.assignee, { accountId: bob.accountId, displayName: 'Bob Builder' });
    assert.deepEqual(ticket.links, [
      { relation: 'blocks', key: 'SHOP-2', summary: 'Guest sessions expire' },
      { relation: 'is blocked by', key: 'SHOP-1', summary: 'Payment API rejects guests' },
    ]);
    assert.deepEqual(ticket.attachments, [{ filename: 'trace.har', size: 48_213, mimeType: 'application/json' }, { filename: 'screen.png', size: 9_120, mimeType: 'image/png' }]);
    assert.equal(ticket.webUrl, `${jira.url}/browse/SHOP-3`);
    assert.deepEqual(ticket.acceptanceCriteria, { text: '- a guest can pay\n- the total is shown', source: 'section' });
    // One request, for the fields it reads; no attachment is downloaded.
    const sent = jira.requests.slice(before);
    assert.equal(sent.length, 1);
    assert.match(sent[0] ?? '', /^GET \/rest\/api\/3\/issue\/SHOP-3\?fields=summary%2Cdescription%2Cstatus%2C.*attachment%2Ccustomfield_10050$/);
  });

  test('getTicket: an issue that does not exist, or that the token may not browse, is undefined', async () => {
    assert.equal(await client.getTicket('SHOP-999'), undefined);
    jira.addIssue({ project: 'HR', summary: 'Salary review' });
    assert.equal(await client.getTicket('HR-1'), undefined);
    await assert.rejects(client.getTicket('not-a-key'), rejectsWith('ERR_JIRA_INVALID'));
  });

  test('acceptance criteria: the custom field first, else a bold-line section, else the checklist, else none', async () => {
    jira.addIssue({
      project: 'SHOP', key: 'SHOP-20', summary: 'field', description: doc(h(2, 'Acceptance criteria'), p(text('from the section'))),
      fields: { customfield_10050: doc(bullets(li(p(text('from the field'))))) },
    });
    jira.addIssue({
      project: 'SHOP', key: 'SHOP-21', summary: 'bold line',
      description: doc(p(text('Intro.')), p(text('Acceptance criteria:', [{ type: 'strong' }])), bullets(li(p(text('one'))), li(p(text('two')))), p(text('Out of scope', [{ type: 'strong' }])), p(text('refunds'))),
    });
    jira.addIssue({
      project: 'SHOP', key: 'SHOP-22', summary: 'checklist',
      description: doc(p(text('Do these:')), { type: 'taskList', attrs: { localId: 'l1' }, content: [task('log the error', true), task('show a message')] }),
    });
    jira.addIssue({ project: 'SHOP', key: 'SHOP-23', summary: 'none', description: doc(p(text('Just make it work.'))) });
    jira.addIssue({ project: 'SHOP', key: 'SHOP-24', summary: 'plain field', fields: { customfield_10050: '  Given a guest\nWhen paying\nThen it works  ' } });
    assert.deepEqual((await client.getTicket('SHOP-20'))?.acceptanceCriteria, { text: '- from the field', source: 'field' });
    assert.deepEqual((await client.getTicket('SHOP-21'))?.acceptanceCriteria, { text: '- one\n- two', source: 'section' });
    assert.deepEqual((await client.getTicket('SHOP-22'))?.acceptanceCriteria, { text: '- [x] log the error\n- [ ] show a message', source: 'checklist' });
    assert.equal((await client.getTicket('SHOP-23'))?.acceptanceCriteria, undefined);
    assert.deepEqual((await client.getTicket('SHOP-24'))?.acceptanceCriteria, { text: 'Given a guest\nWhen paying\nThen it works', source: 'field' });
  });

  test('a Server/DC wiki description stays text, and its "h2. Acceptance Criteria" section is read', async () => {
    const wiki = 'The export times out.\n\nh2. Acceptance Criteria\n* exports finish in 30 s\n* a progress bar\n\nh2. Notes\n{code}SELECT 1{code}';
    jira.addIssue({ project: 'SHOP', key: 'SHOP-30', summary: 'wiki', description: wiki });
    const ticket = await client.getTicket('SHOP-30');
    assert.equal(ticket?.description, wiki);
    assert.deepEqual(ticket?.acceptanceCriteria, { text: '* exports finish in 30 s\n* a progress bar', source: 'section' });
  });

  test('listComments walks every page in creation order; `after` stops at the first page reaching it', async () => {
    const issue = jira.addIssue({ project: 'SHOP', key: 'SHOP-40', summary: 'busy' });
    for (let i = 0; i < 95; i++) jira.addComment('SHOP-40', i % 2 ? alice.accountId : bob.accountId, doc(p(text(`comment ${i}`), ...(i === 94 ? [text(' bold', [{ type: 'strong' }])] : []))), 200 - i);
    // An author Jira no longer names (a deleted account) is nobody's.
    jira.state.comments.push({ id: jira.state.id(), issueId: issue.id, authorId: 'gone', body: 'wiki text from Server', created: Date.now() });
    const before = jira.requests.length;
    const all = await client.listComments('SHOP-40');
    assert.equal(all.length, 96);
    assert.deepEqual(all.slice(0, 2).map((comment) => [comment.body, comment.author.displayName]), [['comment 0', 'Bob Builder'], ['comment 1', 'Alice Example']]);
    assert.equal(all[94]?.body, 'comment 94 **bold**');
    assert.deepEqual(all[95]?.author, { accountId: 'unknown', displayName: 'Unknown user' });
    assert.equal(all[95]?.body, 'wiki text from Server');
    assert.match(all[0]?.created ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    assert.deepEqual(all.map((comment) => BigInt(comment.id)), all.map((comment) => BigInt(comment.id)).sort((a, b) => (a < b ? -1 : 1)));
    // The fake holds 40 a page whatever is asked: three pages.
    const pages = jira.requests.slice(before);
    assert.deepEqual(pages.map((line) => /startAt=(\d+)/.exec(line)?.[1]), ['0', '40', '80']);
    assert.ok(pages.every((line) => line.includes('orderBy=-created') && line.includes('maxResults=100')));

    const seen = all[92]?.id ?? '';
    const mark = jira.requests.length;
    const newer = await client.listComments('SHOP-40', seen);
    assert.deepEqual(newer.map((comment) => comment.body), ['comment 93', 'comment 94 **bold**', 'wiki text from Server']);
    assert.equal(jira.requests.length - mark, 1, 'one page was enough');
    assert.deepEqual(await client.listComments('SHOP-40', String(all[95]?.id)), []);
  });

  test('addComment sends Markdown as ADF: Jira stores the structure, nothing live from quoted text', async () => {
    jira.addIssue({ project: 'SHOP', key: 'SHOP-50', summary: 'comments' });
    const untrusted = '<b>hi</b> [x](https://e.example)';
    const markdown = [
      '## Plan v2',
      `Files: **2**, see [the MR](https://git.acme.example/shop/-/merge_requests/7) and \`src/cart.ts\`.`,
      '- change `total()`\n- add a test\n  - for guests',
      '```ts\nexpect(total([])).toBe(0);\n```',
      '- [ ] approve',
      safeText(untrusted),
      '<adf>\n{"type":"mention","attrs":{"id":"5b10-alice","text":"@Alice Example"}}\n</adf>',
      '[click](javascript:alert(1)) ![pixel](https://tracker.example/p.png)',
    ].join('\n\n');
    const { id } = await client.addComment('SHOP-50', markdown);
    const [stored] = jira.comments('SHOP-50');
    assert.equal(stored?.id, id);
    assert.equal(stored?.authorId, jira.forgebot?.accountId);
    const body = stored?.body as { type: string; version: number; content: AdfNode[] };
    assert.equal(body.type, 'doc');
    assert.equal(body.version, 1);
    const [heading, para, list, code, tasks, quoted, injected] = body.content;
    assert.deepEqual(heading, { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Plan v2' }] });
    assert.deepEqual(para?.content?.map((node) => [node.text, node.marks?.map((mark) => mark.type).join('+') ?? '']), [
      ['Files: ', ''], ['2', 'strong'], [', see ', ''], ['the MR', 'link'], [' and ', ''], ['src/cart.ts', 'code'], ['.', ''],
    ]);
    assert.deepEqual(para?.content?.[3]?.marks, [{ type: 'link', attrs: { href: 'https://git.acme.example/shop/-/merge_requests/7' } }]);
    assert.equal(list?.type, 'bulletList');
    assert.equal(list?.content?.[1]?.content?.[1]?.type, 'bulletList', 'the nested list stays nested');
    assert.deepEqual(code, { type: 'codeBlock', attrs: { language: 'ts' }, content: [{ type: 'text', text: 'expect(total([])).toBe(0);' }] });
    assert.equal(tasks?.type, 'taskList');
    assert.equal(tasks?.content?.[0]?.attrs?.state, 'TODO');
    // safe-markdown's entities read as the characters they stand for; the quoted link is no link.
    assert.equal(quoted?.content?.map((node) => node.text).join(''), '<b>hi</b> x (https://e.example)');
    assert.ok(quoted?.content?.every((node) => !node.marks?.some((mark) => mark.type === 'link')));
    // The raw-ADF tag is text, never a mention; a javascript: link loses its mark; an image becomes a link.
    const all = JSON.stringify(body);
    assert.ok(!all.includes('"type":"mention"'), 'no mention node');
    assert.match(injected?.content?.map((node) => node.text).join('') ?? '', /^<adf>/);
    assert.ok(!all.includes('javascript:'));
    assert.ok(!all.includes('"mediaSingle"') && !all.includes('"media"'));
    const pixel = body.content.flatMap((node) => node.content ?? []).find((node) => node.text === 'pixel');
    assert.deepEqual(pixel?.marks, [{ type: 'link', attrs: { href: 'https://tracker.example/p.png' } }]);
    assert.ok(body.content.flatMap((node) => node.content ?? []).some((node) => node.text === 'click' && node.marks === undefined));
    // Read back, it is the same Markdown in substance.
    const [read] = await client.listComments('SHOP-50');
    assert.match(read?.body ?? '', /^## Plan v2\n\nFiles: \*\*2\*\*, see \[the MR\]\(https:\/\/git\.acme\.example/);
  });

  test('transitionTo picks the transition by its target status, case-insensitively; false when none leads there', async () => {
    jira.addIssue({ project: 'SHOP', key: 'SHOP-60', summary: 'flow', status: 'Ready for Dev' });
    // forgebot needs Transition issues on SHOP for this test only.
    jira.grant('SHOP', jira.forgebot?.accountId ?? '', 'TRANSITION_ISSUES');
    assert.equal(await client.transitionTo('SHOP-60', 'in progress'), true);
    assert.equal(jira.statusOf('SHOP-60'), 'In Progress');
    assert.equal(await client.transitionTo('SHOP-60', 'Done'), false, 'no transition from In Progress to Done');
    assert.equal(jira.statusOf('SHOP-60'), 'In Progress');
    assert.equal(await client.transitionTo('SHOP-60', 'IN REVIEW '), true);
    const posts = jira.requests.filter((line) => line.startsWith('POST /rest/api/3/issue/SHOP-60/transitions')).length;
    // Already there (a retried attempt): true, and nothing is posted.
    assert.equal(await client.transitionTo('SHOP-60', 'In Review'), true);
    assert.equal(jira.requests.filter((line) => line.startsWith('POST /rest/api/3/issue/SHOP-60/transitions')).length, posts);
    assert.deepEqual(jira.state.transitions.filter((record) => record.key === 'SHOP-60').map((record) => `${record.from} → ${record.to}`), ['Ready for Dev → In Progress', 'In Progress → In Review']);
    // Without Transition issues Jira lists no transitions: false.
    jira.addIssue({ project: 'OPS', key: 'OPS-1', summary: 'ops' });
    assert.equal(await client.transitionTo('OPS-1', 'In Progress'), false);
    jira.revoke('SHOP', jira.forgebot?.accountId ?? '', 'TRANSITION_ISSUES');
  });

  test("userHasPermission asks Jira about that person on that issue's project", async () => {
    assert.equal(await client.userHasPermission('SHOP-3', alice, 'TRANSITION_ISSUES'), true);
    assert.equal(await client.userHasPermission('SHOP-3', bob, 'TRANSITION_ISSUES'), false);
    assert.equal(await client.userHasPermission('SHOP-3', bob, 'ADD_COMMENTS'), true);
    assert.equal(await client.userHasPermission('SHOP-3', carol, 'BROWSE_PROJECTS'), false);
    assert.equal(await client.userHasPermission('SHOP-3', { accountId: 'no-such-account' }, 'BROWSE_PROJECTS'), false);
    const last = jira.requests.at(-1) ?? '';
    assert.match(last, /^GET \/rest\/api\/3\/user\/permission\/search\?/);
    const query = new URL(last.slice(4), 'http://x').searchParams;
    assert.deepEqual([query.get('permissions'), query.get('issueKey'), query.get('accountId')], ['BROWSE_PROJECTS', 'SHOP-3', 'no-such-account']);
    // forgebot cannot administer OPS, so Jira will not say who holds what there.
    await assert.rejects(client.userHasPermission('OPS-1', alice, 'TRANSITION_ISSUES'), rejectsWith('ERR_JIRA_FORBIDDEN'));
    await assert.rejects(client.userHasPermission('SHOP-3', alice, 'TRANSITION ISSUES'), rejectsWith('ERR_JIRA_INVALID'));
    await assert.rejects(client.userHasPermission('SHOP-3', alice, 'NOT_A_PERMISSION'), rejectsWith('ERR_JIRA_INVALID', (error) => assert.match(error.message, /NOT_A_PERMISSION/)));
  });

  test('myself is the account of the token, over Basic and over a bearer token', async () => {
    assert.deepEqual(await client.myself(), { accountId: jira.forgebot?.accountId, displayName: 'forgebot' });
    const bearer = createJiraClient({ baseUrl: jira.url, auth: { type: 'bearer', token: TOKEN } });
    assert.deepEqual(await bearer.myself(), { accountId: jira.forgebot?.accountId, displayName: 'forgebot' });
  });

  test('each failure is its JiraError; 429 and 503 carry Retry-After; the token is in no message', async () => {
    const wrong = createJiraClient({ baseUrl: jira.url, auth: { type: 'basic', email: EMAIL, apiToken: `${TOKEN}-revoked` } });
    await assert.rejects(wrong.myself(), rejectsWith('ERR_JIRA_UNAUTHORIZED', (error) => {
      assert.match(error.message, /reading the Jira account forgebot acts as: Jira answered 401 \(Client must be authenticated/);
      assert.ok(!error.message.includes(`${TOKEN}-revoked`));
    }));
    jira.addIssue({ project: 'OPS', key: 'OPS-2', summary: 'no comments for forgebot' });
    await assert.rejects(client.addComment('OPS-2', 'hello'), rejectsWith('ERR_JIRA_FORBIDDEN', (error) => assert.match(error.message, /permission to comment/)));
    await assert.rejects(client.listComments('SHOP-999'), rejectsWith('ERR_JIRA_NOT_FOUND', (error) => assert.match(error.message, /Issue does not exist/)));
    await assert.rejects(client.addComment('SHOP-3', '   '), rejectsWith('ERR_JIRA_INVALID', (error) => assert.match(error.message, /comment: Comment body can not be empty!/)));

    jira.rateLimitNext({ seconds: 7, times: 2, pathPattern: /\/myself$/ });
    for (let i = 0; i < 2; i++) await assert.rejects(client.myself(), rejectsWith('ERR_JIRA_RATE_LIMITED', (error) => assert.equal(error.retryAfterMs, 7_000)));
    assert.ok(await client.myself(), 'the third request goes through');

    jira.failNext({ status: 500 });
    await assert.rejects(client.getTicket('SHOP-3'), rejectsWith('ERR_JIRA_UNAVAILABLE', (error) => assert.equal(error.retryAfterMs, undefined)));
    jira.failNext({ status: 503, retryAfterSeconds: 30 });
    await assert.rejects(client.getTicket('SHOP-3'), rejectsWith('ERR_JIRA_UNAVAILABLE', (error) => assert.equal(error.retryAfterMs, 30_000)));

    jira.failNext({ stall: true });
    const impatient = createJiraClient({ baseUrl: jira.url, auth: { type: 'basic', email: EMAIL, apiToken: TOKEN }, timeoutMs: 300 });
    await assert.rejects(impatient.myself(), rejectsWith('ERR_JIRA_UNAVAILABLE', (error) => assert.match(error.message, /did not answer in time/)));

    const closed = createJiraClient({ baseUrl: 'http://127.0.0.1:9', auth: { type: 'basic', email: EMAIL, apiToken: TOKEN } });
    await assert.rejects(closed.myself(), rejectsWith('ERR_JIRA_UNAVAILABLE'));

    const redirected = createJiraClient({ baseUrl: `${oddUrl}/redirect`, auth: { type: 'bearer', token: TOKEN } });
    await assert.rejects(redirected.myself(), rejectsWith('ERR_JIRA_INVALID', (error) => assert.match(error.message, /redirected \(302\)/)));
    // A body that echoes the credential has it redacted, for Basic and bearer alike.
    for (const auth of [{ type: 'basic', email: EMAIL, apiToken: TOKEN }, { type: 'bearer', token: TOKEN }] as const) {
      const echoing = createJiraClient({ baseUrl: oddUrl, auth });
      await assert.rejects(echoing.myself(), rejectsWith('ERR_JIRA_INVALID', (error) => assert.match(error.message, /bad header .*\[redacted\]/)));
    }
  });
});

describe('ADF conversions', () => {
  test('ADF → Markdown: tables, panels, expands, task lists, inline atoms, media, code holding backticks', () => {
    const cell = (type: string, value: string): AdfNode => ({ type, content: [p(text(value))] });
    const markdown = adfToMarkdown(doc(
      { type: 'table', content: [{ type: 'tableRow', content: [cell('tableHeader', 'Field'), cell('tableHeader', 'Rule')] }, { type: 'tableRow', content: [cell('tableCell', 'total'), cell('tableCell', 'a | b')] }] },
      { type: 'panel', attrs: { panelType: 'warning' }, content: [p(text('Careful'))] },
      { type: 'expand', attrs: { title: 'Logs' }, content: [p(text('stack'))] },
      { type: 'taskList', attrs: { localId: 't' }, content: [task('first', true), { type: 'taskList', attrs: { localId: 'n' }, content: [task('nested')] }] },
      p({ type: 'emoji', attrs: { shortName: ':smile:', text: '😄' } }, text(' '), { type: 'status', attrs: { text: 'BLOCKED' } }, text(' '), { type: 'date', attrs: { timestamp: '1704067200000' } },
        text(' '), { type: 'inlineCard', attrs: { url: 'https://acme.atlassian.net/browse/SHOP-2' } }, { type: 'hardBreak' }, text('struck', [{ type: 'strike' }]), text(' '), text('both', [{ type: 'strong' }, { type: 'em' }])),
      { type: 'mediaSingle', content: [{ type: 'media', attrs: { type: 'file', id: 'abc', alt: 'screen.png' } }] },
      { type: 'codeBlock', content: [text('a ``` b')] },
      { type: 'blockquote', content: [p(text('quoted')), p(text('twice'))] },
      { type: 'rule' },
      { type: 'someFutureNode', content: [p(text('still read'))] },
    ));
    assert.equal(markdown, [
      '| Field | Rule |\n| --- | --- |\n| total | a \\| b |',
      '> **Warning:** Careful',
      '**Logs**\n\nstack',
      '- [x] first\n  - [ ] nested',
      '😄 [BLOCKED] 2024-01-01 <https://acme.atlassian.net/browse/SHOP-2>\n~~struck~~ ***both***',
      '[attachment: screen.png]',
      '````\na ``` b\n````',
      '> quoted\n>\n> twice',
      '---',
      'still read',
    ].join('\n\n'));
  });

  test('ADF → Markdown: malformed nodes are skipped and a crafted depth is read as plain text', () => {
    assert.equal(adfToMarkdown(doc(p(text('ok')), { type: 'paragraph', content: 'nope' } as unknown as AdfNode, null as unknown as AdfNode, { type: 'heading', attrs: { level: 99 }, content: [text('deep')] })), 'ok\n\n###### deep');
    let node: AdfNode = p(text('bottom'));
    for (let i = 0; i < 5_000; i++) node = { type: 'blockquote', content: [node] };
    assert.match(adfToMarkdown(doc(node)), /bottom$/);
  });

  test('Markdown → ADF: raw-ADF tags stay text wherever they are; code keeps what it shows', () => {
    const mention = '{"type":"mention","attrs":{"id":"x","text":"@all"}}';
    for (const markdown of [`<adf>\n${mention}\n</adf>`, `> <adf>\n> ${mention}\n> </adf>`, `- item\n\n  <ADF>\n  ${mention}\n  </ADF>`, `<adf>${mention}</adf>`]) {
      assert.ok(!JSON.stringify(markdownToAdf(markdown)).includes('"type":"mention"'), markdown);
    }
    const code = markdownToAdf('`<adf>` and\n\n```\n<adf>{}</adf> &lt;b&gt;\n```');
    assert.deepEqual(code.content[0]?.content?.[0], { type: 'text', text: '<adf>', marks: [{ type: 'code' }] });
    assert.deepEqual(code.content[1]?.content, [{ type: 'text', text: '<adf>{}</adf> &lt;b&gt;' }]);
    assert.deepEqual(markdownToAdf('').content, []);
  });
});
