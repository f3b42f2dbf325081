// GitLab "Note Hook" deliveries → a ChangeCommand signalled (signal-with-start) to the change's review workflow, a
// ThreadReply (a note of a thread without a command) signalled to it only when it runs, or ignored: the real payloads
// of ../shared/fixtures/webhooks/gitlab, re-tokened, with their note text set to a command or a reply.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Redis } from 'ioredis';
import { ThreadReply } from '../src/domain/change-command.js';
import { createTemporalWorkflowStarter } from '../src/webhooks/temporal-workflow-starter.js';
import { threadReplySignal } from '../src/workflows/definitions.js';
import type { WebhookServer } from '../src/webhooks/server.js';
import { fixturesAvailable, loadFixture } from './helpers/fixtures.js';
import { connectRedis } from './helpers/redis.js';
import { startTemporal, unique } from './helpers/temporal.js';
import { droppedSignals, repliesOf } from './helpers/thread-replies.js';
import { commandsOf, OutageStarter, waitFor } from './helpers/webhook-outbox.js';
import { deliver, startTestWebhookServer, TEST_SECRET } from './helpers/webhook-server.js';

const FORGEBOT_ID = 4242;

type NoteJson = {
  user: { id?: number; username: string; bot?: boolean };
  object_attributes: Record<string, unknown> & { note: string; position?: Record<string, unknown> };
  merge_request?: { iid: number; state: string };
};

/** A fixture delivery with the test token, a fresh event UUID (unless given), its note set to `text`, then `mutate`d. */
function noteDelivery(name: string, text: string, options: { uuid?: string; mutate?: (json: NoteJson) => void } = {}) {
  const fixture = loadFixture('gitlab', name);
  const json = structuredClone(fixture.json) as unknown as NoteJson;
  json.object_attributes.note = text;
  options.mutate?.(json);
  return { headers: { ...fixture.headers, 'X-Gitlab-Token': TEST_SECRET, 'X-Gitlab-Event-UUID': options.uuid ?? randomUUID() }, body: JSON.stringify(json) };
}

/**
 * A command taken: `accepted` when its handover answered within the acknowledgement budget, else `queued` (handed
 * over right after the answer) — which one depends on the machine's load, not on the behaviour under test.
 */
function assertTaken(response: { status: number; json: Record<string, unknown> }, what = 'the command'): void {
  assert.equal(response.status, 202, what);
  assert.ok(response.json.status === 'accepted' || response.json.status === 'queued', `${what}: ${JSON.stringify(response.json)}`);
}

/** A note written (and sent) by another user. */
const by = (id: number, username: string, extra: Partial<NoteJson['user']> = {}) => (json: NoteJson) => {
  Object.assign(json.user, { id, username, ...extra });
  json.object_attributes.author_id = id;
};

const DIFF_NOTE = 'note--merge-request-diff-line';
const DISCUSSION = 'e2d22c5e7bc2dda3d55f3ddc6d48b65326e2612b';
const HELLO_WORLD = { kind: 'change', change: { forge: 'gitlab', projectId: 4861503, projectPath: 'gitlab-org/hello-world', number: 1 } } as const;
/** Another note (its own id) of the same diff discussion. */
const noteId = (id: number) => (json: NoteJson) => (json.object_attributes.id = id);

describe('POST /webhook/gitlab: notes', { skip: fixturesAvailable('gitlab') ? false : 'needs the GitLab payloads in ../shared/fixtures/webhooks/gitlab' }, () => {
  let redis: Redis;
  const servers: WebhookServer[] = [];

  before(async () => {
    redis = await connectRedis();
  });
  after(async () => {
    for (const server of servers) await server.close();
    redis?.disconnect();
  });

  /** A webhook server of its own (fresh Redis prefix, file outbox) with a starter that knows which workflows run. */
  async function world(env: Record<string, string> = {}) {
    const starter = new OutageStarter();
    const server = await startTestWebhookServer(redis, starter, { FORGEBOT_GITLAB_USER_ID: String(FORGEBOT_ID), ...env });
    servers.push(server);
    const send = (d: { headers: Record<string, string>; body: string }) => deliver(server.url, d.headers, d.body);
    return { starter, send, url: server.url, commands: () => commandsOf(starter), replies: () => repliesOf(starter) };
  }

  test('a note on a merge request → its command, signal-with-start of the review workflow (none was running)', async () => {
    const { send, commands } = await world();
    const uuid = randomUUID();
    const response = await send(noteDelivery('note--merge-request', 'Looks close.\n\n/claude review full\n', { uuid }));
    assertTaken(response);
    assert.deepEqual([response.json.workflowId, response.json.command], ['review:gitlab:5:1', 'review']);
    const [call, ...rest] = await waitFor(() => commands().length > 0 && commands(), 'the command handed over');
    assert.equal(rest.length, 0);
    assert.equal(call!.op, 'start');
    assert.deepEqual(call!.subject, { kind: 'change', change: { forge: 'gitlab', projectId: 5, projectPath: 'gitlab-org/gitlab-test', number: 1 } });
    assert.deepEqual(call!.command, {
      command: { verb: 'review', argument: 'full' },
      noteId: '1244',
      noteKind: 'note',
      place: { kind: 'change' },
      author: { id: 1, username: 'root' },
      noteUrl: 'http://example.com/gitlab-org/gitlab-test/merge_requests/1#note_1244',
      createdAt: '2015-05-17 18:21:36 UTC',
      deliveryId: uuid,
    });
  });

  test('a diff note → the file, the line and the discussion; a multi-line note → its range; a removed line → the old side', async () => {
    const { send, commands } = await world();
    assertTaken(await send(noteDelivery('note--merge-request-diff-line', '/claude explain')));
    const range = (json: NoteJson) => {
      json.object_attributes.id = 50772640;
      json.object_attributes.position!.line_range = { start: { line_code: 'a_3_3', type: 'new', old_line: null, new_line: 3 }, end: { line_code: 'a_9_9', type: 'new', old_line: null, new_line: 9 } };
    };
    assertTaken(await send(noteDelivery('note--merge-request-diff-line', '/claude suggest a guard clause', { mutate: range })));
    const removed = (json: NoteJson) => {
      json.object_attributes.id = 50772641;
      Object.assign(json.object_attributes.position!, { new_line: null, old_line: 4, new_path: 'docs/old.md', old_path: 'docs/old.md' });
    };
    assertTaken(await send(noteDelivery('note--merge-request-diff-line', '/claude explain', { mutate: removed })));
    const found = await waitFor(() => commands().length === 3 && commands(), 'three commands');
    const [line, lines, old] = found.map((entry) => entry.command);
    assert.deepEqual(found[0]!.subject, { kind: 'change', change: { forge: 'gitlab', projectId: 4861503, projectPath: 'gitlab-org/hello-world', number: 1 } });
    assert.deepEqual(
      { command: line!.command, noteId: line!.noteId, threadId: line!.threadId, place: line!.place, author: line!.author },
      // The hook's user has no id in this payload: the note's author_id is the author.
      { command: { verb: 'explain', argument: '' }, noteId: '50772639', threadId: 'e2d22c5e7bc2dda3d55f3ddc6d48b65326e2612b', place: { kind: 'diff', path: 'README.md', line: 1 }, author: { id: 51764, username: 'sytses' } },
    );
    assert.deepEqual([lines!.command, lines!.place], [{ verb: 'suggest', argument: 'a guard clause' }, { kind: 'diff', path: 'README.md', line: 9, startLine: 3 }]);
    assert.deepEqual(old!.place, { kind: 'diff', path: 'docs/old.md', line: 4 });
  });

  test('notes on issues, commits and snippets are acknowledged and ignored, command or not', async () => {
    const { send, starter } = await world();
    const snippet = (json: NoteJson) => (json.object_attributes.noteable_type = 'Snippet');
    for (const [name, mutate, noun] of [['note--issue', undefined, 'Issue'], ['note--commit', undefined, 'Commit'], ['note--merge-request', snippet, 'Snippet']] as const) {
      const response = await send(noteDelivery(name, '/claude review', mutate ? { mutate } : {}));
      assert.deepEqual([response.status, response.json.status, response.json.reason], [202, 'ignored', `note on a ${noun} is not handled`], name);
    }
    assert.equal(starter.calls.length, 0);
  });

  test("forgebot's own note (by user id, whatever its name) and a bot's note are ignored; a person named like forgebot is not", async () => {
    const { send, starter, commands } = await world();
    const own = await send(noteDelivery('note--merge-request', '/claude help', { mutate: by(FORGEBOT_ID, 'alice') }));
    assert.deepEqual([own.status, own.json.reason], [202, "forgebot's own note"]);
    const ownDiff = await send(noteDelivery('note--merge-request-diff-line', '/claude help', { mutate: (json) => (json.object_attributes.author_id = FORGEBOT_ID) }));
    assert.deepEqual([ownDiff.status, ownDiff.json.reason], [202, "forgebot's own note"]);
    for (const username of ['project_5_bot_8f2e0c1a9b7d6e5f', 'group_12_bot', 'service_account_group_7_1f2e']) {
      const bot = await send(noteDelivery('note--merge-request', '/claude review', { mutate: by(77, username) }));
      assert.deepEqual([bot.status, bot.json.reason], [202, 'note by a bot (COMMANDS_FROM_BOTS is off)'], username);
    }
    const flagged = await send(noteDelivery('note--merge-request', '/claude review', { mutate: by(78, 'helper', { bot: true }) }));
    assert.equal(flagged.json.reason, 'note by a bot (COMMANDS_FROM_BOTS is off)');
    assert.equal(starter.calls.length, 0);
    const namesake = await send(noteDelivery('note--merge-request', '/claude review', { mutate: by(79, 'forgebot') }));
    assertTaken(namesake, 'the namesake');
    await waitFor(() => commands().length === 1, 'the namesake command');
  });

  test("COMMANDS_FROM_BOTS=true lets other bots command, never forgebot's own notes", async () => {
    const { send, commands } = await world({ COMMANDS_FROM_BOTS: 'true' });
    const bot = await send(noteDelivery('note--merge-request', '/claude review', { mutate: by(77, 'project_5_bot') }));
    assertTaken(bot, 'the bot');
    const own = await send(noteDelivery('note--merge-request', '/claude review', { mutate: by(FORGEBOT_ID, 'project_5_bot1') }));
    assert.equal(own.json.reason, "forgebot's own note");
    await waitFor(() => commands().length === 1, 'the bot command');
  });

  test('an edited note (action update, or a later updated_at without an action) does not act again', async () => {
    const { send, starter } = await world();
    const update = await send(noteDelivery('note--merge-request', '/claude review', { mutate: (json) => (json.object_attributes.action = 'update') }));
    assert.deepEqual([update.status, update.json.reason], [202, 'note edited (only a new note is read for a command)']);
    // The diff note payload predates `action`: an edit shows in updated_at.
    const later = await send(noteDelivery('note--merge-request-diff-line', '/claude review', { mutate: (json) => (json.object_attributes.updated_at = '2017-12-10 17:09:12 UTC') }));
    assert.equal(later.json.reason, 'note edited (only a new note is read for a command)');
    assert.equal(starter.calls.length, 0);
  });

  test('no trigger, or the command only in a code fence, inline code or a quote → ignored, no workflow touched', async () => {
    const { send, starter } = await world();
    for (const text of ['This MR needs work.', 'Try:\n```\n/claude approve\n```', 'Run `/claude review` later', '> /claude approve\n\nquoting the bot docs', 'please /claude review']) {
      const response = await send(noteDelivery('note--merge-request', text));
      assert.deepEqual([response.status, response.json.reason], [202, 'no command in the note'], text);
    }
    assert.equal(starter.calls.length, 0);
  });

  test('a configured COMMAND_TRIGGER replaces /claude', async () => {
    const { send, commands } = await world({ COMMAND_TRIGGER: '@forgebot' });
    assert.equal((await send(noteDelivery('note--merge-request', '/claude review'))).json.reason, 'no command in the note');
    assertTaken(await send(noteDelivery('note--merge-request', '@forgebot pause', { mutate: (json) => (json.object_attributes.id = 1245) })));
    const [only] = await waitFor(() => commands().length === 1 && commands(), 'the @forgebot command');
    assert.equal(only!.command.command.verb, 'pause');
  });

  test('20 concurrent deliveries of one note (each its own event UUID) → one signal; a redelivery is a duplicate', async () => {
    const { send, commands } = await world();
    const uuid = randomUUID();
    const deliveries = Array.from({ length: 20 }, (_, index) => noteDelivery('note--merge-request', '/claude review', index === 0 ? { uuid } : {}));
    const responses = await Promise.all(deliveries.map(send));
    assert.equal(responses.filter((response) => response.status === 202).length, 1, JSON.stringify(responses.map((response) => response.status)));
    assert.equal(responses.filter((response) => response.status === 200 && response.json.status === 'duplicate').length, 19);
    assert.deepEqual((await send(noteDelivery('note--merge-request', '/claude review', { uuid }))).json, { status: 'duplicate' });
    await waitFor(() => commands().length === 1, 'the one signal');
    // Every answer has been given and none but one handed anything over: nothing more can come.
    assert.equal(commands().length, 1);
  });

  test('while the workflow service is down the command is held (202 queued) and handed over when it is back', async () => {
    const { send, starter, commands } = await world();
    starter.down();
    const response = await send(noteDelivery('note--merge-request', '/claude approve'));
    assert.deepEqual([response.status, response.json.status], [202, 'queued']);
    starter.recover();
    const [held] = await waitFor(() => commands().length === 1 && commands(), 'the held command handed over');
    assert.equal(held!.command.command.verb, 'approve');
  });

  test('the project allowlist applies; closed and merged merge requests and system notes are ignored', async () => {
    const { send, starter } = await world({ GITLAB_ALLOWED_PROJECTS: 'other-group/*' });
    assert.deepEqual((await send(noteDelivery('note--merge-request', '/claude review'))).json, { status: 'ignored', reason: 'project not allowed' });
    const open = await world({ GITLAB_ALLOWED_PROJECTS: 'gitlab-org/gitlab-test' });
    for (const state of ['closed', 'merged']) {
      const response = await open.send(noteDelivery('note--merge-request', '/claude review', { mutate: (json) => (json.merge_request!.state = state) }));
      assert.equal(response.json.reason, `merge request is ${state}`);
    }
    const system = await open.send(noteDelivery('note--merge-request', '/claude review', { mutate: (json) => (json.object_attributes.system = true) }));
    assert.equal(system.json.reason, 'system note');
    assert.equal(starter.calls.length + open.starter.calls.length, 0);
  });

  test('a malformed merge request note → 400 naming the field; a header that is not a note hook → 400', async () => {
    const { send } = await world();
    const noIid = await send(noteDelivery('note--merge-request', '/claude review', { mutate: (json) => delete (json.merge_request as Partial<NoteJson['merge_request'] & object>).iid }));
    assert.equal(noIid.status, 400);
    assert.match(String(noIid.json.error), /merge_request\.iid/);
    const d = noteDelivery('note--merge-request', '/claude review');
    const mismatch = await send({ headers: { ...d.headers, 'X-Gitlab-Event': 'Push Hook' }, body: d.body });
    assert.equal(mismatch.status, 400);
  });

  /** The review workflow of gitlab-org/hello-world!1 runs: a command started it (signal-with-start). */
  async function reviewRunning(w: Awaited<ReturnType<typeof world>>): Promise<void> {
    assertTaken(await w.send(noteDelivery(DIFF_NOTE, '/claude help', { mutate: noteId(50770001) })), 'the command that starts the workflow');
    await waitFor(() => w.commands().length === 1, 'the review workflow started');
  }

  test('a diff note without a command → a thread reply, a plain signal to the running workflow: the discussion, the place, the body', async () => {
    const w = await world();
    await reviewRunning(w);
    const uuid = randomUUID();
    const response = await w.send(noteDelivery(DIFF_NOTE, 'Good catch, but `name` is never null here.\n\n> quoted', { uuid }));
    assertTaken(response, 'the reply');
    assert.deepEqual([response.json.workflowId, response.json.thread], ['review:gitlab:4861503:1', DISCUSSION]);
    const [call, ...rest] = await waitFor(() => w.replies().length > 0 && w.replies(), 'the reply handed over');
    assert.equal(rest.length, 0);
    assert.equal(call!.op, 'signal');
    assert.deepEqual(call!.subject, HELLO_WORLD);
    assert.deepEqual(call!.reply, {
      noteId: '50772639',
      noteKind: 'note',
      threadId: DISCUSSION,
      place: { kind: 'diff', path: 'README.md', line: 1 },
      author: { id: 51764, username: 'sytses' },
      noteUrl: 'https://gitlab.com/gitlab-org/hello-world/merge_requests/1#note_50772639',
      createdAt: '2017-12-10 17:05:56 UTC',
      deliveryId: uuid,
      body: 'Good catch, but `name` is never null here.\n\n> quoted',
    });
    // A discussion note off the diff (a reply to a thread on the change) goes too, on the change; a plain note does not.
    const offDiff = (json: NoteJson) => Object.assign(json.object_attributes, { id: 50772650, type: 'DiscussionNote', position: null, discussion_id: 'f00d'.repeat(10) });
    assertTaken(await w.send(noteDelivery(DIFF_NOTE, 'agreed', { mutate: offDiff })), 'the discussion reply');
    const plain = (json: NoteJson) => Object.assign(json.object_attributes, { id: 50772651, type: null, position: null, discussion_id: 'beef'.repeat(10) });
    assert.deepEqual((await w.send(noteDelivery(DIFF_NOTE, 'agreed', { mutate: plain }))).json, { status: 'ignored', reason: 'no command in the note' });
    const [, discussion] = await waitFor(() => w.replies().length === 2 && w.replies(), 'the discussion reply handed over');
    assert.deepEqual([discussion!.op, discussion!.reply.threadId, discussion!.reply.place, discussion!.reply.body], ['signal', 'f00d'.repeat(10), { kind: 'change' }, 'agreed']);
    assert.ok(w.starter.calls.every((c) => c.op === 'signal' || c.signal.name !== 'threadReply'), 'a reply never starts a workflow');
  });

  test("a long reply is capped to ThreadReply's limit, never half an emoji; a blank one is ignored", async () => {
    const w = await world();
    await reviewRunning(w);
    const long = `${'a'.repeat(9_999)}😀 and more`;
    assertTaken(await w.send(noteDelivery(DIFF_NOTE, long)), 'the long reply');
    const [only] = await waitFor(() => w.replies().length === 1 && w.replies(), 'the long reply handed over');
    assert.equal(only!.reply.body, 'a'.repeat(9_999));
    const blank = await w.send(noteDelivery(DIFF_NOTE, ' \n\t', { mutate: noteId(50772652) }));
    assert.deepEqual([blank.status, blank.json.reason], [202, 'empty note']);
  });

  test('a reply on a change without a review workflow → 202, dropped (logged, counted), nothing started; a redelivery is a duplicate', async () => {
    const w = await world();
    const uuid = randomUUID();
    const response = await w.send(noteDelivery(DIFF_NOTE, 'thanks', { uuid }));
    assert.equal(response.status, 202);
    // `ignored` when the signal's answer came within the acknowledgement budget, else `queued` and dropped just after.
    assert.ok(
      JSON.stringify(response.json) === JSON.stringify({ status: 'ignored', reason: 'no review workflow for the change' }) || response.json.status === 'queued',
      JSON.stringify(response.json),
    );
    assert.equal(await waitFor(async () => (await droppedSignals(w.url)) ?? false, 'the dropped reply counted'), 1);
    assert.deepEqual(w.starter.calls, []);
    assert.deepEqual((await w.send(noteDelivery(DIFF_NOTE, 'thanks', { uuid }))).json, { status: 'duplicate' });
    assert.deepEqual((await w.send(noteDelivery(DIFF_NOTE, 'thanks'))).json, { status: 'duplicate' }, 'the same note by another hook');
    assert.equal(await droppedSignals(w.url), 1);
  });

  test("forgebot's own reply, a bot's, an edited one and one on a closed merge request are ignored", async () => {
    const w = await world();
    await reviewRunning(w);
    const own = await w.send(noteDelivery(DIFF_NOTE, 'Fixed in the next revision.', { mutate: (json) => (json.object_attributes.author_id = FORGEBOT_ID) }));
    assert.deepEqual([own.status, own.json.reason], [202, "forgebot's own note"]);
    const bot = await w.send(noteDelivery(DIFF_NOTE, 'beep', { mutate: by(77, 'project_4861503_bot') }));
    assert.deepEqual([bot.status, bot.json.reason], [202, 'note by a bot (COMMANDS_FROM_BOTS is off)']);
    const edited = await w.send(noteDelivery(DIFF_NOTE, 'check spelling!', { mutate: (json) => (json.object_attributes.action = 'update') }));
    assert.deepEqual([edited.status, edited.json.reason], [202, 'note edited (only a new note is read for a command)']);
    const later = await w.send(noteDelivery(DIFF_NOTE, 'check spelling!', { mutate: (json) => (json.object_attributes.updated_at = '2017-12-10 17:09:12 UTC') }));
    assert.equal(later.json.reason, 'note edited (only a new note is read for a command)');
    const closed = await w.send(noteDelivery(DIFF_NOTE, 'ok', { mutate: (json) => (json.merge_request!.state = 'merged') }));
    assert.equal(closed.json.reason, 'merge request is merged');
    assert.deepEqual(w.replies(), []);
  });

  test('a command in a diff thread still goes as a command (signal-with-start, its discussion), not as a reply', async () => {
    const w = await world();
    await reviewRunning(w);
    const response = await w.send(noteDelivery(DIFF_NOTE, 'Hm.\n/claude explain why this line'));
    assertTaken(response);
    assert.equal(response.json.command, 'explain');
    const [, command] = await waitFor(() => w.commands().length === 2 && w.commands(), 'the command');
    assert.deepEqual([command!.op, command!.command.command, command!.command.threadId, command!.command.noteId], ['start', { verb: 'explain', argument: 'why this line' }, DISCUSSION, '50772639']);
    assert.deepEqual(w.replies(), []);
  });

  test('20 concurrent deliveries of one reply (each its own event UUID) → one signal', async () => {
    const w = await world();
    await reviewRunning(w);
    const responses = await Promise.all(Array.from({ length: 20 }, () => w.send(noteDelivery(DIFF_NOTE, 'will do'))));
    assert.equal(responses.filter((r) => r.status === 202).length, 1, JSON.stringify(responses.map((r) => r.status)));
    assert.equal(responses.filter((r) => r.status === 200 && r.json.status === 'duplicate').length, 19);
    await waitFor(() => w.replies().length === 1, 'the one signal');
    assert.equal(w.replies().length, 1);
  });

  test('while the workflow service is down a reply is held (202 queued) and signalled when it is back', async () => {
    const w = await world();
    await reviewRunning(w);
    w.starter.down();
    assert.deepEqual((await w.send(noteDelivery(DIFF_NOTE, 'see above'))).json.status, 'queued');
    w.starter.recover();
    const [held] = await waitFor(() => w.replies().length === 1 && w.replies(), 'the held reply signalled');
    assert.deepEqual([held!.op, held!.reply.body], ['signal', 'see above']);
  });
});

// The same path through the real Temporal WorkflowStarter on a real dev server. No worker polls the task queue: the
// history shows exactly what the webhook sent (a signal, and no new run), and a change without a workflow gets none.
describe('POST /webhook/gitlab: thread replies on Temporal', { skip: fixturesAvailable('gitlab') ? false : 'needs the GitLab payloads in ../shared/fixtures/webhooks/gitlab' }, () => {
  let env: TestWorkflowEnvironment;
  let redis: Redis;
  const servers: WebhookServer[] = [];
  const handles: WorkflowHandle[] = [];
  before(async () => {
    env = await startTemporal();
    redis = await connectRedis();
  });
  after(async () => {
    for (const server of servers) await server.close();
    for (const handle of handles) await handle.terminate('test over').catch(() => undefined);
    redis?.disconnect();
    await env?.teardown();
  });

  test('a reply → one threadReply signal in the running review workflow, no new run; no workflow → 202, none started, dropped', async () => {
    const taskQueue = unique('thread-replies');
    const server = await startTestWebhookServer(redis, createTemporalWorkflowStarter(env.client, { taskQueues: { main: taskQueue } }), { FORGEBOT_GITLAB_USER_ID: String(FORGEBOT_ID) });
    servers.push(server);
    const send = (d: { headers: Record<string, string>; body: string }) => deliver(server.url, d.headers, d.body);
    const running = await env.client.workflow.start('reviewWorkflow', { workflowId: 'review:gitlab:4861503:1', taskQueue, args: [{ ref: HELLO_WORLD.change }] });
    handles.push(running);

    const uuid = randomUUID();
    const response = await send(noteDelivery(DIFF_NOTE, 'It is spelled right: see the style guide.', { uuid }));
    assert.equal(response.status, 202);
    const signalled = async () => {
      const events = (await running.fetchHistory()).events ?? [];
      return events.flatMap((event) => (event.workflowExecutionSignaledEventAttributes ? [event.workflowExecutionSignaledEventAttributes] : []));
    };
    const [signal, ...more] = await waitFor(async () => ((await signalled()).length > 0 ? signalled() : false), 'the threadReply signal in the history');
    assert.equal(more.length, 0);
    assert.equal(signal!.signalName, threadReplySignal.name);
    const [sent] = (signal!.input?.payloads ?? []).map((payload) => ThreadReply.parse(defaultPayloadConverter.fromPayload(payload)));
    assert.deepEqual([sent!.threadId, sent!.place, sent!.body, sent!.noteId, sent!.deliveryId], [DISCUSSION, { kind: 'diff', path: 'README.md', line: 1 }, 'It is spelled right: see the style guide.', '50772639', uuid]);
    const described = await running.describe();
    assert.deepEqual([described.runId, described.status.name], [running.firstExecutionRunId, 'RUNNING']);

    const elsewhere = (json: NoteJson) => {
      json.merge_request!.iid = 2;
      json.object_attributes.id = 50772700;
    };
    const dropped = await send(noteDelivery(DIFF_NOTE, 'thanks', { mutate: elsewhere }));
    assert.equal(dropped.status, 202);
    assert.equal(await waitFor(async () => (await droppedSignals(server.url)) ?? false, 'the dropped reply counted'), 1);
    await assert.rejects(env.client.workflow.getHandle('review:gitlab:4861503:2').describe(), WorkflowNotFoundError);
  });
});
