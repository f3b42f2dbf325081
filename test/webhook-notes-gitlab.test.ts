// GitLab "Note Hook" deliveries → a ChangeCommand signalled (signal-with-start) to the change's review workflow, or
// ignored: the real payloads of ../shared/fixtures/webhooks/gitlab, re-tokened, with their note text set to a command.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { WebhookServer } from '../src/webhooks/server.js';
import { fixturesAvailable, loadFixture } from './helpers/fixtures.js';
import { connectRedis } from './helpers/redis.js';
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
    return { starter, send, commands: () => commandsOf(starter) };
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
});
