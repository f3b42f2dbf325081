// Commands in comments on GitLab, end to end: a real Note Hook payload (re-tokened, pointed at a note the fake GitLab
// holds) → webhook server → real Temporal → main and agent workers → the local sandbox running the real runner (real
// git clone, the Anthropic SDK against the scripted model) → reactions and answers in the note's thread on the fake
// GitLab, through gitbeaker.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { SUMMARY_MARKER } from '../src/domain/render.js';
import type { FakeAnthropic } from '../src/fakes/anthropic/fake-anthropic.js';
import type { FakeGitLab } from '../src/fakes/gitlab/fake-gitlab.js';
import type { FakeNote } from '../src/fakes/gitlab/state.js';
import { statusQuery } from '../src/workflows/definitions.js';
import { answererRequests, answerReply, appFinding, briefOf, gitlabNoteDelivery, HOSTILE_PROSE, reviewReply } from './helpers/command-e2e.js';
import { startFixtureWorld, type World } from './helpers/e2e-world.js';
import { fixturesAvailable, loadFixture } from './helpers/fixtures.js';
import { eventually, type Stack } from './helpers/forgebot-stack.js';
import { APP_FEATURE, TestRepo, createFixtureRepo } from './helpers/git-repo.js';
import { liveParts } from './helpers/markdown-check.js';
import { newCommitsDelivery } from './helpers/new-commits-delivery.js';
import { deliver, TEST_SECRET } from './helpers/webhook-server.js';

/** The fake GitLab's token user (forgebot): FakeGitLab gives it this id. */
const FORGEBOT_ID = 99;
const FINDING = 'Subtraction in add()';
/** The real "open" delivery: MR !1 of project 1, gitlabhq/gitlab-test. */
const open = loadFixture('gitlab', 'merge_request--open');

type Person = { id: number; username: string };
type Answered = { status: number; json: Record<string, unknown> };

/** A command or reply taken: handed to the workflow before the answer (`accepted`), or just after it (`queued`, load). */
function assertTaken(response: Answered, what: string): void {
  assert.equal(response.status, 202, what);
  assert.ok(response.json.status === 'accepted' || response.json.status === 'queued', `${what}: ${JSON.stringify(response.json)}`);
}

describe('GitLab commands in comments, end to end', { skip: fixturesAvailable('gitlab') ? false : 'needs the GitLab payloads in ../shared/fixtures/webhooks/gitlab' }, () => {
  let world: World;
  let env: TestWorkflowEnvironment;
  let repo: TestRepo;
  let gitlab: FakeGitLab;
  let model: FakeAnthropic;
  let stack: Stack;
  /** A Guest (reads), and a Developer (writes): neither may approve. */
  let reader: Person;
  let developer: Person;
  /** The thread of forgebot's one finding, from the first review. */
  let findingThread: string;

  const handle = () => env.client.workflow.getHandle('review:gitlab:1:1');
  const send = (delivery: { headers: Record<string, string>; body: string }) => deliver(stack.server.url, delivery.headers, delivery.body);
  const summary = () => gitlab.notes(1, 1).find((note) => note.body.startsWith(SUMMARY_MARKER));
  const notesOf = (discussionId: string) => gitlab.discussions(1, 1).find((discussion) => discussion.id === discussionId)?.notes ?? [];
  /** forgebot's notes in a thread after its first note. */
  const answersIn = (discussionId: string) => notesOf(discussionId).slice(1).filter((note) => note.author.id === FORGEBOT_ID);
  const eyesOn = (note: FakeNote) => (gitlab.state.awards.get(note.id) ?? []).filter((award) => award.name === 'eyes' && award.user.id === FORGEBOT_ID);
  const findingThreads = () => gitlab.discussions(1, 1).filter((discussion) => discussion.notes[0]?.type === 'DiffNote' && discussion.notes[0].author.id === FORGEBOT_ID);

  /** A person's plain note on the MR (in a discussion of its own, as GitLab keeps every note). */
  function personNote(body: string, by: Person): { note: FakeNote; discussionId: string } {
    const note = gitlab.addForeignNote(1, 1, { body, author: by.username });
    const discussion = gitlab.discussionOf(1, 1, note.id);
    assert.ok(discussion);
    return { note, discussionId: discussion.id };
  }

  /** Writes `body` as a note by `by`, delivers its hook, and returns forgebot's one answer in its thread. */
  async function ask(body: string, by: Person, what: string): Promise<{ note: FakeNote; discussionId: string; answer: FakeNote }> {
    const written = personNote(body, by);
    assertTaken(await send(gitlabNoteDelivery({ ...written, author: by })), what);
    const [answer] = await eventually(() => (answersIn(written.discussionId).length > 0 ? answersIn(written.discussionId) : undefined), `the answer to ${what}`);
    return { ...written, answer: answer! };
  }

  before(async () => {
    repo = await createFixtureRepo();
    world = await startFixtureWorld(repo.dir, { vars: { FORGEBOT_GITLAB_USER_ID: String(FORGEBOT_ID) } });
    ({ env, gitlab, model, stack } = world);
    assert.equal(gitlab.state.botUser.id, FORGEBOT_ID);
    const member = (username: string, level: 10 | 30): Person => ({ id: gitlab.setMember({ projectId: 1 }, username, level).user.id, username });
    reader = member('rita', 10);
    developer = member('dev', 30);
  });
  after(async () => {
    await world?.stop();
    await repo?.remove();
  });

  test('the MR opened → one review, its finding inline in a thread of forgebot', async () => {
    model.script(reviewReply('add() now subtracts.', [appFinding(FINDING, 3)]));
    assert.equal((await send({ headers: { ...open.headers, 'X-Gitlab-Token': TEST_SECRET }, body: open.body })).status, 202);
    await eventually(() => summary(), 'the summary note');
    const [thread, ...more] = await eventually(() => (findingThreads().length > 0 ? findingThreads() : undefined), "forgebot's finding thread");
    assert.equal(more.length, 0);
    assert.match(thread!.notes[0]!.body, /Subtraction in add\(\)/);
    assert.equal(thread!.notes[0]!.position?.new_line, 3);
    findingThread = thread!.id;
    await eventually(async () => ((await handle().query(statusQuery)).reviewsCompleted === 1) || undefined, 'the review recorded');
  });

  test('/claude help from a reader → 👀 on the note, and the commands listed in its thread', async () => {
    const { note, answer } = await ask('Which commands are there?\n\n/claude help', reader, 'help');
    for (const command of ['/claude review', '/claude pause', '/claude approve', '/claude explain', '/claude suggest', '/claude help']) assert.ok(answer.body.includes(command), command);
    assert.match(answer.body, /Maintainer or more/);
    await eventually(() => eyesOn(note).length === 1 || undefined, 'the 👀 reaction');
  });

  test('/claude approve from a Developer, no workflow owns the MR → refused in the thread with what was needed; nothing else changes', async () => {
    const notesBefore = gitlab.notes(1, 1).length;
    const { note, answer } = await ask('/claude approve', developer, 'approve');
    assert.equal(answer.body, '`/claude approve` needs Maintainer or more on `gitlabhq/gitlab-test`; you have Developer. Nothing was done.');
    const status = await handle().query(statusQuery);
    assert.deepEqual([status.lastCommand?.verb, status.lastCommand?.by, status.lastCommand?.result], ['approve', 'dev', 'refused: needs maintain, has write']);
    assert.equal(gitlab.notes(1, 1).length, notesBefore + 2, 'the note and its answer, nothing more');
    const updates = ((await handle().fetchHistory()).events ?? []).filter((event) => event.workflowExecutionUpdateAcceptedEventAttributes || event.workflowExecutionUpdateAdmittedEventAttributes);
    assert.deepEqual(updates, [], 'no Update reached a workflow');
    await eventually(() => eyesOn(note).length === 1 || undefined, 'the 👀 reaction');
  });

  test("forgebot's own note carrying /claude review → 202 ignored, no reaction, no answer; an edited note → nothing", async () => {
    const requests = model.requests.length;
    const commandBefore = (await handle().query(statusQuery)).lastCommand;
    const own = personNote('/claude review', { id: FORGEBOT_ID, username: 'forgebot' });
    assert.equal(own.note.author.id, FORGEBOT_ID);
    const ownResponse = await send(gitlabNoteDelivery({ ...own, author: { id: FORGEBOT_ID, username: 'forgebot' } }));
    assert.deepEqual([ownResponse.status, ownResponse.json.status, ownResponse.json.reason], [202, 'ignored', "forgebot's own note"]);
    const edited = personNote('LGTM', developer);
    const editResponse = await send(gitlabNoteDelivery({ ...edited, author: developer, body: 'LGTM\n\n/claude review', action: 'update' }));
    assert.deepEqual([editResponse.status, editResponse.json.status, editResponse.json.reason], [202, 'ignored', 'note edited (only a new note is read for a command)']);
    assert.deepEqual([eyesOn(own.note), eyesOn(edited.note), notesOf(own.discussionId).length, notesOf(edited.discussionId).length], [[], [], 1, 1]);
    assert.deepEqual((await handle().query(statusQuery)).lastCommand, commandBefore, 'the workflow took no command');
    assert.equal(model.requests.length, requests);
  });

  test('20 concurrent duplicate deliveries of one /claude help → one answer, one reaction', async () => {
    const written = personNote('/claude help', reader);
    const responses = await Promise.all(Array.from({ length: 20 }, () => send(gitlabNoteDelivery({ ...written, author: reader }))));
    assert.equal(responses.filter((response) => response.status === 202).length, 1, JSON.stringify(responses.map((response) => response.status)));
    assert.equal(responses.filter((response) => response.json.status === 'duplicate').length, 19);
    await eventually(() => answersIn(written.discussionId).length > 0 || undefined, 'the answer');
    await eventually(() => eyesOn(written.note).length > 0 || undefined, 'the reaction');
    // Nineteen were refused at the door: nothing more can come.
    assert.deepEqual([answersIn(written.discussionId).length, eyesOn(written.note).length], [1, 1]);
  });

  test('/claude explain src/app.ts:2-4 → the answerer reads those lines; its answer in the thread, rendered inert', async () => {
    model.script(answerReply({ answer: `add() subtracts at src/app.ts:3. ${HOSTILE_PROSE}` }));
    const { note, answer } = await ask('/claude explain src/app.ts:2-4 why subtract?', developer, 'explain');
    const brief = briefOf(answererRequests(model).at(-1));
    assert.match(brief, /Kind: explain/);
    assert.match(brief, /src\/app\.ts:2-4/);
    assert.match(brief, /function add\(x, y\) \{/);
    assert.match(brief, /return x - y;/);
    assert.match(brief, /why subtract\?/);
    assert.match(answer.body, /add\(\) subtracts at src\/app\.ts:3/);
    const live = liveParts(answer.body);
    assert.deepEqual([live.mentions, live.images, live.links, live.html], [[], [], [], []], answer.body);
    await eventually(() => eyesOn(note).length === 1 || undefined, 'the 👀 reaction');
  });

  test('/claude suggest on a diff note of a line → a one-click suggestion in that thread', async () => {
    model.script(answerReply({ answer: 'Add, as the name says.', suggestion: { path: 'src/app.ts', start_line: 3, end_line: 3, replacement: '  return x + y;' } }));
    const { note, discussionId } = gitlab.addForeignDiffNote(1, 1, { body: '/claude suggest make it add again', author: developer.username, path: 'src/app.ts', newLine: 3 });
    assertTaken(await send(gitlabNoteDelivery({ note, discussionId, author: developer })), 'suggest');
    const [answer] = await eventually(() => (answersIn(discussionId).length > 0 ? answersIn(discussionId) : undefined), 'the suggestion');
    assert.match(answer!.body, /^Add, as the name says\.\n\n```suggestion:-0\+0\n {2}return x \+ y;\n```$/);
    const brief = briefOf(answererRequests(model).at(-1));
    assert.match(brief, /Kind: suggest/);
    assert.match(brief, /make it add again/);
    assert.match(brief, /src\/app\.ts:3-3/);
  });

  test("\"won't fix\" in forgebot's finding thread → answered there; after a push the same finding is not raised again; a person's own thread → nothing", async () => {
    model.script(answerReply({ answer: 'Understood: the subtraction is intended.', disposition: 'wont-fix' }));
    const reply = gitlab.addForeignReply(1, 1, findingThread, { body: "won't fix: this is on purpose", author: developer.username });
    assertTaken(await send(gitlabNoteDelivery({ note: reply, discussionId: findingThread, author: developer })), 'the reply');
    const [answer] = await eventually(() => (answersIn(findingThread).length > 0 ? answersIn(findingThread) : undefined), 'the answer in the finding thread');
    assert.equal(answer!.body, "Understood: the subtraction is intended.\n\nNoted as won't fix: forgebot will not raise this finding again on this merge request.");
    await eventually(() => eyesOn(reply).length === 1 || undefined, 'the 👀 reaction on the reply');
    const brief = briefOf(answererRequests(model).at(-1));
    assert.match(brief, /Kind: reply/);
    assert.match(brief, /won't fix: this is on purpose/);
    assert.match(brief, /title: Subtraction in add\(\)/);
    const feedback = await eventually(async () => (await handle().query(statusQuery)).findingFeedback, 'the feedback recorded');
    assert.deepEqual(feedback.map((entry) => [entry.disposition, entry.by]), [['wont-fix', 'dev']]);

    // A push; the review raises the same finding again.
    await repo.checkout('ms-viewport');
    const beforeSha = await repo.git('rev-parse', 'HEAD');
    const sha = await repo.commit({ 'src/app.ts': `${APP_FEATURE}// pushed\n` }, 'push');
    await repo.checkout('master');
    await gitlab.refreshMergeRequest(1, 1);
    model.script(reviewReply('Second look: still subtracting.', [appFinding(FINDING, 3)]));
    assert.equal((await send(newCommitsDelivery(beforeSha, sha))).status, 202);
    const updated = await eventually(() => (summary()?.body.includes(sha.slice(0, 12)) ? summary() : undefined), 'the summary of the push');
    assert.match(updated!.body, /1 finding already resolved or dismissed by a person was not raised again\./);
    assert.equal(findingThreads().length, 1, 'no second inline comment');
    assert.equal(answersIn(findingThread).length, 1, 'nothing more in the finding thread');

    // A reply in a person's own thread: the workflow reads the thread, finds it is not forgebot's, and says nothing.
    const root = gitlab.addForeignDiffNote(1, 1, { body: 'Is this constant right?', author: reader.username, path: 'src/app.ts', newLine: 6 });
    const own = gitlab.addForeignReply(1, 1, root.discussionId, { body: 'I think so, yes.', author: developer.username });
    // Signalled before the answer (`accepted`, not `queued`), and the workflow takes notes one at a time in the order
    // they came: once a later command is answered, this reply was taken.
    const handed = await send(gitlabNoteDelivery({ note: own, discussionId: root.discussionId, author: developer }));
    assert.deepEqual([handed.status, handed.json.status], [202, 'accepted'], "the reply in a person's thread");
    await ask('/claude help', reader, 'the help after the reply');
    assert.deepEqual([notesOf(root.discussionId).length, eyesOn(own), eyesOn(root.note)], [2, [], []]);
  });

  test('/claude review by a Developer → a review runs now and the answer says what was reviewed', async () => {
    const earlier = await handle().query(statusQuery);
    const requests = model.requests.length;
    model.script(reviewReply('Reviewed on request: fine.', []));
    const { answer } = await ask('/claude review', developer, 'review');
    const head = (earlier.lastReviewedSha ?? '').slice(0, 12);
    assert.ok(head.length === 12, 'a head was reviewed before');
    // Nothing new since the last review: the whole change is reviewed again.
    assert.equal(answer.body, `Reviewed \`${head}\` (the whole merge request): no findings. The summary note has the details.`);
    assert.equal(model.requests.length, requests + 1, 'the reviewer ran');
    const current = await handle().query(statusQuery);
    assert.equal(current.reviewsCompleted, earlier.reviewsCompleted + 1);
    assert.equal(current.lastCommand?.result, `reviewed ${head}`);
    assert.deepEqual(model.errors, []);
  });
});
