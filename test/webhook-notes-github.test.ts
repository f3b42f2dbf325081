// GitHub `issue_comment` and `pull_request_review_comment` deliveries → a ChangeCommand signalled (signal-with-start) to
// the pull request's review workflow, a ThreadReply (a review comment replying to another, without a command)
// signalled to it only when it runs, or ignored: the real payloads of ../shared/fixtures/webhooks/github, re-signed,
// with their comment body set to a command or a reply (a reply: the review comment with `in_reply_to_id` set).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { parseGitHubThreadId } from '../src/activities/github/github-thread-id.js';
import type { WebhookServer } from '../src/webhooks/server.js';
import { fixturesAvailable, loadFixture } from './helpers/fixtures.js';
import { deliverGitHub, GITHUB_TEST_SECRET, signedDelivery } from './helpers/github-payloads.js';
import { connectRedis } from './helpers/redis.js';
import { droppedSignals, repliesOf } from './helpers/thread-replies.js';
import { commandsOf, OutageStarter, waitFor } from './helpers/webhook-outbox.js';
import { startTestWebhookServer } from './helpers/webhook-server.js';

const FORGEBOT_ID = 4242;
const APP_ID = 31337;

type User = { id: number; login: string; type: string };
type CommentJson = {
  action: string;
  comment: Record<string, unknown> & { id: number; body: string; user: User };
  issue?: { state: string };
  pull_request?: { state: string };
  sender: User;
};
type Mutate = (json: CommentJson) => void;

const PR_COMMENT = 'issue_comment--created-on-pull-request';
const REVIEW_COMMENT = 'pull_request_review_comment--created';

/** A fixture's event and JSON, its comment body set to `text`, then `mutate`d. */
function commentJson(name: string, text: string, mutate?: Mutate): { event: string; json: CommentJson } {
  const fixture = loadFixture('github', name);
  const json = structuredClone(fixture.json) as unknown as CommentJson;
  json.comment.body = text;
  mutate?.(json);
  return { event: fixture.headers['X-GitHub-Event'] ?? '', json };
}

/** A comment written (and sent) by another user. */
const by = (id: number, login: string, type = 'User'): Mutate => (json) => {
  json.comment.user = { ...json.comment.user, id, login, type };
  json.sender = { ...json.sender, id, login, type };
};

function assertTaken(response: { status: number; json: Record<string, unknown> }, what = 'the command'): void {
  assert.equal(response.status, 202, what);
  // `queued` when the handover did not answer within the acknowledgement budget (load), handed over right after.
  assert.ok(response.json.status === 'accepted' || response.json.status === 'queued', `${what}: ${JSON.stringify(response.json)}`);
}

const ROOT = 284312630;
const HELLO_WORLD = { kind: 'change', change: { forge: 'github', projectId: 'Codertocat/Hello-World', projectPath: 'Codertocat/Hello-World', number: 2 } } as const;
/** The fixture's review comment as a reply (its own id) in the thread it starts, as GitHub sends a reply. */
const replyOf = (id: number, extra: Mutate = () => undefined): Mutate => (json) => {
  Object.assign(json.comment, { id, in_reply_to_id: ROOT, html_url: `https://github.com/Codertocat/Hello-World/pull/2#discussion_r${id}` });
  extra(json);
};

describe('POST /webhook/github: comments', { skip: fixturesAvailable('github') ? false : 'needs the GitHub payloads in ../shared/fixtures/webhooks/github' }, () => {
  let redis: Redis;
  const servers: WebhookServer[] = [];

  before(async () => {
    redis = await connectRedis();
  });
  after(async () => {
    for (const server of servers) await server.close();
    redis?.disconnect();
  });

  async function world(env: Record<string, string> = {}) {
    const starter = new OutageStarter();
    const server = await startTestWebhookServer(redis, starter, { GITHUB_WEBHOOK_SECRET: GITHUB_TEST_SECRET, FORGEBOT_GITHUB_USER_ID: String(FORGEBOT_ID), ...env });
    servers.push(server);
    const send = async (name: string, text: string, options: { mutate?: Mutate; delivery?: string } = {}) => {
      const { event, json } = commentJson(name, text, options.mutate);
      return deliverGitHub(server.url, await signedDelivery(event, json, options.delivery === undefined ? {} : { delivery: options.delivery }));
    };
    return { starter, send, url: server.url, commands: () => commandsOf(starter), replies: () => repliesOf(starter) };
  }

  test('a comment on a pull request → its command, signal-with-start of the review workflow (none was running)', async () => {
    const { send, commands } = await world();
    const delivery = randomUUID();
    const response = await send(PR_COMMENT, 'Thanks!\r\n\r\n/claude review', { delivery });
    assertTaken(response);
    assert.deepEqual([response.json.workflowId, response.json.command], ['review:github:abc/def-ci-webhook-test:2', 'review']);
    const [call, ...rest] = await waitFor(() => commands().length > 0 && commands(), 'the command handed over');
    assert.equal(rest.length, 0);
    assert.equal(call!.op, 'start');
    assert.deepEqual(call!.subject, { kind: 'change', change: { forge: 'github', projectId: 'abc/def-ci-webhook-test', projectPath: 'abc/def-ci-webhook-test', number: 2 } });
    assert.deepEqual(call!.command, {
      command: { verb: 'review', argument: '' },
      noteId: '751955664',
      noteKind: 'issue-comment',
      place: { kind: 'change' },
      author: { id: 10278482, username: 'lts-def' },
      noteUrl: 'https://github.com/abc/def-ci-webhook-test/pull/2#issuecomment-751955664',
      createdAt: '2020-12-29T05:49:14Z',
      deliveryId: delivery,
    });
  });

  test('a review comment → its file, line and thread; a range → its first line; a reply → the thread of its first comment', async () => {
    const { send, commands } = await world();
    assertTaken(await send(REVIEW_COMMENT, '/claude explain'));
    const range: Mutate = (json) => Object.assign(json.comment, { id: 284312631, start_line: 260, line: 265 });
    assertTaken(await send(REVIEW_COMMENT, '/claude suggest fewer emoji', { mutate: range }));
    const reply: Mutate = (json) => Object.assign(json.comment, { id: 284312632, in_reply_to_id: 284312630, line: null });
    assertTaken(await send(REVIEW_COMMENT, '/claude explain', { mutate: reply }));
    const found = await waitFor(() => commands().length === 3 && commands(), 'three commands');
    const [line, lines, inThread] = found.map((entry) => entry.command);
    assert.deepEqual(found[0]!.subject, { kind: 'change', change: { forge: 'github', projectId: 'Codertocat/Hello-World', projectPath: 'Codertocat/Hello-World', number: 2 } });
    assert.deepEqual(
      { noteId: line!.noteId, noteKind: line!.noteKind, threadId: line!.threadId, place: line!.place, author: line!.author, noteUrl: line!.noteUrl },
      {
        noteId: '284312630',
        noteKind: 'review-comment',
        threadId: '284312630',
        place: { kind: 'diff', path: 'README.md', line: 265 },
        author: { id: 21031067, username: 'Codertocat' },
        noteUrl: 'https://github.com/Codertocat/Hello-World/pull/2#discussion_r284312630',
      },
    );
    assert.deepEqual([lines!.command, lines!.place, lines!.threadId], [{ verb: 'suggest', argument: 'fewer emoji' }, { kind: 'diff', path: 'README.md', line: 265, startLine: 260 }, '284312631']);
    // An outdated line is null: the file only.
    assert.deepEqual([inThread!.threadId, inThread!.place], ['284312630', { kind: 'diff', path: 'README.md' }]);
  });

  test('comments on plain issues are acknowledged and ignored, command or not', async () => {
    const { send, starter } = await world();
    for (const name of ['issue_comment--created-on-issue', 'issue_comment--created-on-issue-with-organization']) {
      const response = await send(name, '/claude review');
      assert.deepEqual([response.status, response.json.reason], [202, 'comment on an issue, not a pull request'], name);
    }
    assert.equal(starter.calls.length, 0);
  });

  test('edited and deleted comments are ignored', async () => {
    const { send, starter } = await world();
    for (const action of ['edited', 'deleted']) {
      for (const name of [PR_COMMENT, REVIEW_COMMENT]) {
        const response = await send(name, '/claude review', { mutate: (json) => (json.action = action) });
        assert.deepEqual([response.status, response.json.reason], [202, `comment action "${action}" is not a new comment`], `${name} ${action}`);
      }
    }
    assert.equal(starter.calls.length, 0);
  });

  test("forgebot's own comment (by user id or App id, whatever its login) and a bot's are ignored; a person named like forgebot is not", async () => {
    const { send, starter, commands } = await world({ GITHUB_APP_ID: String(APP_ID), GITHUB_APP_PRIVATE_KEY: 'unused-in-this-test' });
    const own = await send(PR_COMMENT, '/claude help', { mutate: by(FORGEBOT_ID, 'alice') });
    assert.deepEqual([own.status, own.json.reason], [202, "forgebot's own comment"]);
    const viaApp = await send(PR_COMMENT, '/claude help', { mutate: (json) => (json.comment.performed_via_github_app = { id: APP_ID, slug: 'forgebot' }) });
    assert.equal(viaApp.json.reason, "forgebot's own comment");
    const bot = await send(REVIEW_COMMENT, '/claude review', { mutate: by(49699333, 'dependabot[bot]', 'Bot') });
    assert.deepEqual([bot.status, bot.json.reason], [202, 'comment by a bot (COMMANDS_FROM_BOTS is off)']);
    assert.equal(starter.calls.length, 0);
    assertTaken(await send(PR_COMMENT, '/claude review', { mutate: by(79, 'forgebot') }), 'the namesake');
    await waitFor(() => commands().length === 1, 'the namesake command');
  });

  test("COMMANDS_FROM_BOTS=true lets other bots command, never forgebot's own comments", async () => {
    const { send, commands } = await world({ COMMANDS_FROM_BOTS: 'true' });
    assertTaken(await send(PR_COMMENT, '/claude review', { mutate: by(49699333, 'renovate[bot]', 'Bot') }), 'the bot');
    const own = await send(REVIEW_COMMENT, '/claude review', { mutate: by(FORGEBOT_ID, 'forgebot[bot]', 'Bot') });
    assert.equal(own.json.reason, "forgebot's own comment");
    await waitFor(() => commands().length === 1, 'the bot command');
  });

  test('no trigger (the payloads as they are), or the command only in a code fence or a quote → ignored, no workflow touched', async () => {
    const { send, starter } = await world();
    for (const [name, text] of [[PR_COMMENT, 'trigger abc'], [REVIEW_COMMENT, 'Maybe you should use more emoji on this line.'], [PR_COMMENT, '~~~\n/claude approve\n~~~'], [REVIEW_COMMENT, '> /claude approve'], [PR_COMMENT, 'see `/claude review`']] as const) {
      const response = await send(name, text);
      assert.deepEqual([response.status, response.json.reason], [202, 'no command in the comment'], text);
    }
    assert.equal(starter.calls.length, 0);
  });

  test('20 concurrent deliveries of one comment (each its own delivery id) → one signal; a redelivery is a duplicate', async () => {
    const { send, commands } = await world();
    const delivery = randomUUID();
    const responses = await Promise.all(Array.from({ length: 20 }, (_, index) => send(REVIEW_COMMENT, '/claude review', index === 0 ? { delivery } : {})));
    assert.equal(responses.filter((response) => response.status === 202).length, 1, JSON.stringify(responses.map((response) => response.status)));
    assert.equal(responses.filter((response) => response.status === 200 && response.json.status === 'duplicate').length, 19);
    assert.deepEqual((await send(REVIEW_COMMENT, '/claude review', { delivery })).json, { status: 'duplicate' });
    await waitFor(() => commands().length === 1, 'the one signal');
    assert.equal(commands().length, 1);
  });

  test('while the workflow service is down the command is held (202 queued) and handed over when it is back', async () => {
    const { send, starter, commands } = await world();
    starter.down();
    const response = await send(PR_COMMENT, '/claude reject the tests do not cover the retry');
    assert.deepEqual([response.status, response.json.status], [202, 'queued']);
    starter.recover();
    const [held] = await waitFor(() => commands().length === 1 && commands(), 'the held command handed over');
    assert.deepEqual(held!.command.command, { verb: 'reject', argument: 'the tests do not cover the retry' });
  });

  test('the repository allowlist applies; a closed pull request is ignored; a malformed comment → 400', async () => {
    const { send, starter } = await world({ GITHUB_ALLOWED_REPOSITORIES: 'someone-else/*' });
    assert.deepEqual((await send(PR_COMMENT, '/claude review')).json, { status: 'ignored', reason: 'project not allowed' });
    const open = await world({ GITHUB_ALLOWED_REPOSITORIES: 'abc/*,Codertocat/Hello-World' });
    const closedIssue = await open.send(PR_COMMENT, '/claude review', { mutate: (json) => (json.issue!.state = 'closed') });
    assert.equal(closedIssue.json.reason, 'pull request is closed');
    const closedPull = await open.send(REVIEW_COMMENT, '/claude review', { mutate: (json) => (json.pull_request!.state = 'closed') });
    assert.equal(closedPull.json.reason, 'pull request is closed');
    const noPath = await open.send(REVIEW_COMMENT, '/claude review', { mutate: (json) => delete json.comment.path });
    assert.equal(noPath.status, 400);
    assert.match(String(noPath.json.error), /comment\.path/);
    assert.equal(starter.calls.length + open.starter.calls.length, 0);
  });
  /** The review workflow of Codertocat/Hello-World#2 runs: a command in the fixture's review comment started it. */
  async function reviewRunning(w: Awaited<ReturnType<typeof world>>): Promise<void> {
    assertTaken(await w.send(REVIEW_COMMENT, '/claude help'), 'the command that starts the workflow');
    await waitFor(() => w.commands().length === 1, 'the review workflow started');
  }

  test('a reply review comment without a command → a thread reply, a plain signal: the root comment as the thread, the place, the body', async () => {
    const w = await world();
    await reviewRunning(w);
    const delivery = randomUUID();
    const response = await w.send(REVIEW_COMMENT, 'The emoji are on purpose.\r\n\r\nSee the style guide.', { mutate: replyOf(284312640), delivery });
    assertTaken(response, 'the reply');
    assert.deepEqual([response.json.workflowId, response.json.thread], ['review:github:Codertocat/Hello-World:2', `review-comment:${ROOT}`]);
    const [call, ...rest] = await waitFor(() => w.replies().length > 0 && w.replies(), 'the reply handed over');
    assert.equal(rest.length, 0);
    assert.equal(call!.op, 'signal');
    assert.deepEqual(call!.subject, HELLO_WORLD);
    assert.deepEqual(call!.reply, {
      noteId: '284312640',
      noteKind: 'review-comment',
      threadId: `review-comment:${ROOT}`,
      place: { kind: 'diff', path: 'README.md', line: 265 },
      author: { id: 21031067, username: 'Codertocat' },
      noteUrl: 'https://github.com/Codertocat/Hello-World/pull/2#discussion_r284312640',
      createdAt: '2019-05-15T15:20:37Z',
      deliveryId: delivery,
      body: 'The emoji are on purpose.\r\n\r\nSee the style guide.',
    });
    // The thread id is one the forge layer reads as the thread's root review comment.
    assert.deepEqual(parseGitHubThreadId(call!.reply.threadId), { kind: 'review-comment', id: ROOT });
  });

  test('without a command, a review comment that starts a thread and a pull request comment are ignored, a workflow running or not', async () => {
    const w = await world();
    await reviewRunning(w);
    const root = await w.send(REVIEW_COMMENT, 'Maybe you should use more emoji on this line.', { mutate: (json) => (json.comment.id = 284312641) });
    assert.deepEqual([root.status, root.json.reason], [202, 'no command in the comment']);
    const conversation = await w.send(PR_COMMENT, 'Thanks, merging soon.');
    assert.deepEqual([conversation.status, conversation.json.reason], [202, 'no command in the comment']);
    const blank = await w.send(REVIEW_COMMENT, '  ', { mutate: replyOf(284312642) });
    assert.deepEqual([blank.status, blank.json.reason], [202, 'empty comment']);
    assert.deepEqual(w.replies(), []);
  });

  test('a reply on a pull request without a review workflow → 202, dropped (logged, counted), nothing started; a redelivery is a duplicate', async () => {
    const w = await world();
    const delivery = randomUUID();
    const response = await w.send(REVIEW_COMMENT, 'ok', { mutate: replyOf(284312643), delivery });
    assert.equal(response.status, 202);
    // `ignored` when the signal's answer came within the acknowledgement budget, else `queued` and dropped just after.
    assert.ok(response.json.reason === 'no review workflow for the change' || response.json.status === 'queued', JSON.stringify(response.json));
    assert.equal(await waitFor(async () => (await droppedSignals(w.url)) ?? false, 'the dropped reply counted'), 1);
    assert.deepEqual(w.starter.calls, []);
    assert.deepEqual((await w.send(REVIEW_COMMENT, 'ok', { mutate: replyOf(284312643), delivery })).json, { status: 'duplicate' });
  });

  test("forgebot's own reply (user id or App), a bot's, an edited or deleted one and one on a closed pull request are ignored", async () => {
    const w = await world({ GITHUB_APP_ID: String(APP_ID), GITHUB_APP_PRIVATE_KEY: 'unused-in-this-test' });
    await reviewRunning(w);
    const own = await w.send(REVIEW_COMMENT, 'Fixed.', { mutate: replyOf(284312644, by(FORGEBOT_ID, 'alice')) });
    assert.deepEqual([own.status, own.json.reason], [202, "forgebot's own comment"]);
    const viaApp = await w.send(REVIEW_COMMENT, 'Fixed.', { mutate: replyOf(284312645, (json) => (json.comment.performed_via_github_app = { id: APP_ID, slug: 'forgebot' })) });
    assert.equal(viaApp.json.reason, "forgebot's own comment");
    const bot = await w.send(REVIEW_COMMENT, 'beep', { mutate: replyOf(284312646, by(49699333, 'dependabot[bot]', 'Bot')) });
    assert.equal(bot.json.reason, 'comment by a bot (COMMANDS_FROM_BOTS is off)');
    for (const action of ['edited', 'deleted']) {
      const changed = await w.send(REVIEW_COMMENT, 'ok!', { mutate: replyOf(284312647, (json) => (json.action = action)) });
      assert.equal(changed.json.reason, `comment action "${action}" is not a new comment`);
    }
    const closed = await w.send(REVIEW_COMMENT, 'ok', { mutate: replyOf(284312648, (json) => (json.pull_request!.state = 'closed')) });
    assert.equal(closed.json.reason, 'pull request is closed');
    assert.deepEqual(w.replies(), []);
  });

  test('a command in a reply still goes as a command, in the thread of its root', async () => {
    const w = await world();
    await reviewRunning(w);
    assertTaken(await w.send(REVIEW_COMMENT, '/claude suggest a shorter line', { mutate: replyOf(284312649) }));
    const [, command] = await waitFor(() => w.commands().length === 2 && w.commands(), 'the command');
    assert.deepEqual([command!.op, command!.command.command.verb, command!.command.threadId], ['start', 'suggest', String(ROOT)]);
    assert.deepEqual(w.replies(), []);
  });

  test('20 concurrent deliveries of one reply (each its own delivery id) → one signal', async () => {
    const w = await world();
    await reviewRunning(w);
    const responses = await Promise.all(Array.from({ length: 20 }, () => w.send(REVIEW_COMMENT, 'will do', { mutate: replyOf(284312650) })));
    assert.equal(responses.filter((r) => r.status === 202).length, 1, JSON.stringify(responses.map((r) => r.status)));
    assert.equal(responses.filter((r) => r.status === 200 && r.json.status === 'duplicate').length, 19);
    await waitFor(() => w.replies().length === 1, 'the one signal');
    assert.equal(w.replies().length, 1);
  });
});
