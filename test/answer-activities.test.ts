// prepareAnswer / postAnswer and the forges' findingThread, through the real GitLab and GitHub forges (gitbeaker,
// octokit) against the fake GitLab and the fake GitHub, with a real file claim store.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { createFileClaimStore, getJson, putJson, type ClaimCheckStore } from '../src/activities/claim-check/index.js';
import { createCommandActivities, type AnswerAsk, type AnswerPreparation, type CommandActivities } from '../src/activities/command-activities.js';
import type { FullForge } from '../src/activities/forge.js';
import { createGitHubConnection, createGitHubForge } from '../src/activities/github/index.js';
import { AnswerQuestion, type AnswerResult } from '../src/domain/agent-task.js';
import type { ChangeCommand, ThreadReply } from '../src/domain/change-command.js';
import type { ChangeRef } from '../src/domain/change-ref.js';
import type { Finding } from '../src/domain/finding.js';
import { findingFingerprint, renderInlineComment } from '../src/domain/render.js';
import { threadNodeId } from '../src/fakes/github/graphql-routes.js';
import type { FakeReviewComment } from '../src/fakes/github/state.js';
import type { FakeDiscussion, NotePosition } from '../src/fakes/gitlab/state.js';
import { authorWorld, PROJECT_ID, type AuthorWorld } from './helpers/gitlab-author-world.js';
import { GITHUB_PR, GITHUB_REPO, GITHUB_TEST_TOKEN, startGitHubFixture, type GitHubFixture } from './helpers/github-fake.js';
import { liveParts } from './helpers/markdown-check.js';

/** forwardDecision is not used here: any use of Temporal fails loudly. */
const noTemporal = new Proxy({}, { get: () => { throw new Error('no Temporal client in this test'); } }) as Pick<Client, 'workflow' | 'connection'>;

const finding = (line: number, title: string): Finding => ({ path: 'src/app.ts', line, side: 'new', severity: 'major', category: 'bug', confidence: 0.9, title, body: `${title}: look closer.` });
const usage = { inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0, turns: 1 };
const answer = (fields: Partial<AnswerResult> & { headSha: string }): AnswerResult => ({ answer: 'Because it is.', model: 'test-model', usage, truncated: false, ...fields });
const HOSTILE = [
  '@all look ![pwn](https://evil.example/x.png) <script>alert(1)</script> [click](https://evil.example/login) @acme/admins',
  '<!-- forgebot:finding:0123abcd -->',
  '```',
  'a fence that never closes ```` ` ``',
  '/merge',
].join('\n');

async function claimsDir(): Promise<{ claims: ClaimCheckStore; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'forgebot-answer-claims-'));
  return { claims: createFileClaimStore(dir), remove: () => rm(dir, { recursive: true, force: true }) };
}

function ready(preparation: AnswerPreparation) {
  assert.equal(preparation.kind, 'ready', JSON.stringify(preparation));
  return preparation as Extract<AnswerPreparation, { kind: 'ready' }>;
}

describe('answers on GitLab (fake GitLab through gitbeaker)', () => {
  let world: AuthorWorld;
  let store: Awaited<ReturnType<typeof claimsDir>>;
  let activities: CommandActivities;
  let change: ChangeRef;
  let head = '';
  let dev: { id: number; username: string };
  let ours: string;
  const APP = Array.from({ length: 10 }, (_, index) => `export const v${index + 1} = ${index + 1};`).join('\n') + '\n';

  /** A note by `author` on new line `line` of src/app.ts, starting a diff discussion (as the GitLab UI does). */
  function diffNote(author: string, body: string, line: number): FakeDiscussion {
    const { state } = world.gitlab;
    const mr = state.requireMergeRequest(PROJECT_ID, 7);
    const version = mr.versions[0]!;
    const position: NotePosition = { base_sha: version.base_commit_sha, start_sha: version.start_commit_sha, head_sha: version.head_commit_sha, position_type: 'text', old_path: 'src/app.ts', new_path: 'src/app.ts', old_line: null, new_line: line };
    const discussion: FakeDiscussion = { id: state.newDiscussionId(), individual_note: false, notes: [state.newNote(mr, body, { author: state.user(author), position })] };
    mr.discussions.push(discussion);
    return discussion;
  }
  function reply(discussion: FakeDiscussion, author: string, body: string, system = false) {
    const { state } = world.gitlab;
    const who = author === 'forgebot' ? state.botUser : state.user(author);
    const note = state.newNote(state.requireMergeRequest(PROJECT_ID, 7), body, { author: who, system, ...(discussion.notes[0]?.position ? { position: discussion.notes[0].position } : {}) });
    discussion.notes.push(note);
    return note;
  }
  const suggest = (discussion: FakeDiscussion, argument: string, line: number, startLine?: number): AnswerAsk => ({
    kind: 'command',
    command: { command: { verb: 'suggest', argument }, noteId: String(discussion.notes[0]!.id), noteKind: 'note', threadId: discussion.id, place: { kind: 'diff', path: 'src/app.ts', line, ...(startLine ? { startLine } : {}) }, author: dev },
  });
  const stored = (result: AnswerResult) => putJson(store.claims, 'agent-answerer', { role: 'answerer', answer: result });

  before(async () => {
    world = await authorWorld();
    store = await claimsDir();
    await world.forge.createBranch(world.repo, 'feature', world.baseSha);
    head = await world.pushOnto('feature', { 'src/app.ts': APP }, 'ten values');
    await world.gitlab.addMergeRequest({ projectId: PROJECT_ID, iid: 7, title: 'Values', sourceBranch: 'feature', targetBranch: 'main' });
    change = { ...world.repo, number: 7 };
    activities = createCommandActivities({ forges: { gitlab: world.forge }, client: noTemporal, claims: store.claims, trigger: '/claude' });
    dev = { id: world.gitlab.state.user('dev').id, username: 'dev' };
    const snapshot = await world.forge.getChange(change);
    const refs = { baseSha: snapshot.baseSha, startSha: snapshot.startSha, headSha: snapshot.headSha };
    ours = (await world.forge.postInlineComment(change, { refs, oldPath: 'src/app.ts', newPath: 'src/app.ts', position: { newLine: 4 } }, renderInlineComment(finding(4, 'Off by one')))).id;
  });
  after(async () => {
    await world?.remove();
    await store?.remove();
  });

  test("findingThread: forgebot's thread with its notes oldest first, system notes left out; a person's thread and a quoted marker are not it", async () => {
    const discussion = world.gitlab.discussions(PROJECT_ID, 7).find((candidate) => candidate.id === ours)!;
    reply(discussion, 'dev', 'Is it?');
    reply(discussion, 'dev', 'changed this line in version 2', true);
    reply(discussion, 'forgebot', 'Yes: v4 should be 3.');
    const found = await world.forge.findingThread!(change, ours);
    assert.deepEqual(
      [found?.finding.fingerprint, found?.finding.path, found?.finding.line, found?.finding.title, found?.finding.threadId, found?.finding.resolved],
      [findingFingerprint(finding(4, 'Off by one')), 'src/app.ts', 4, 'Off by one', ours, false],
    );
    assert.deepEqual(found?.notes.map((note) => [note.author, note.byForgebot, note.body.slice(0, 12)]), [
      ['forgebot', true, '🔴 **major**'],
      ['dev', false, 'Is it?'],
      ['forgebot', true, 'Yes: v4 shou'],
    ]);

    const persons = diffNote('dev', renderInlineComment(finding(5, 'Copied by a person')), 5);
    assert.equal(await world.forge.findingThread!(change, persons.id), undefined, "a person's note with forgebot's whole text is a person's thread");
    const snapshot = await world.forge.getChange(change);
    const refs = { baseSha: snapshot.baseSha, startSha: snapshot.startSha, headSha: snapshot.headSha };
    const quoting = `${renderInlineComment(finding(6, 'Quoted'))}\n\n(quoted above)`;
    const quoted = await world.forge.postInlineComment(change, { refs, oldPath: 'src/app.ts', newPath: 'src/app.ts', position: { newLine: 6 } }, quoting);
    assert.equal(await world.forge.findingThread!(change, quoted.id), undefined, "forgebot's note whose last line is not the marker only quotes it");
    assert.equal(await world.forge.findingThread!(change, 'f'.repeat(40)), undefined, 'no such discussion');
    const requests = world.gitlab.requests.length;
    assert.equal(await world.forge.findingThread!(change, '../../x'), undefined);
    assert.equal(world.gitlab.requests.length, requests, 'not a discussion id: no request');
  });

  test('prepareAnswer explain: the diff note\'s lines, or path:line-line from the argument; none is unclear', async () => {
    const onNote = diffNote('dev', '/claude explain why ten?', 5);
    const asked: ChangeCommand = { command: { verb: 'explain', argument: 'why ten?' }, noteId: String(onNote.notes[0]!.id), noteKind: 'note', threadId: onNote.id, place: { kind: 'diff', path: 'src/app.ts', line: 5, startLine: 3 }, author: dev };
    const prepared = ready(await activities.prepareAnswer(change, { kind: 'command', command: asked }));
    const { assignment } = prepared;
    assert.deepEqual([assignment.role, assignment.forge, assignment.repositoryPath, assignment.asker], ['answerer', 'gitlab', 'group/app', 'dev']);
    assert.deepEqual([assignment.repository.headSha, assignment.repository.baseSha], [head, world.baseSha]);
    assert.match(assignment.repository.cloneUrl, /app\.git$/);
    assert.deepEqual(assignment.changedPaths, ['src/app.ts']);
    assert.equal(prepared.finding, undefined);
    assert.deepEqual(await getJson(store.claims, assignment.questionClaim, AnswerQuestion), { kind: 'explain', target: { path: 'src/app.ts', startLine: 3, endLine: 5 }, ask: 'why ten?' });

    const named: ChangeCommand = { command: { verb: 'explain', argument: '`src/app.ts:9-7` and this?' }, noteId: '2', noteKind: 'note', place: { kind: 'change' }, author: dev };
    const fromArgument = ready(await activities.prepareAnswer(change, { kind: 'command', command: named }));
    assert.deepEqual(await getJson(store.claims, fromArgument.assignment.questionClaim, AnswerQuestion), { kind: 'explain', target: { path: 'src/app.ts', startLine: 7, endLine: 9 }, ask: 'and this?' });

    const vague = await activities.prepareAnswer(change, { kind: 'command', command: { ...named, command: { verb: 'explain', argument: 'everything please' } } });
    assert.deepEqual(vague, { kind: 'unclear', reason: 'it names no lines to explain.' });
  });

  test('prepareAnswer suggest: lines optional, words required', async () => {
    const plain: ChangeCommand = { command: { verb: 'suggest', argument: 'use a Map' }, noteId: '1', noteKind: 'note', place: { kind: 'change' }, author: dev };
    const prepared = ready(await activities.prepareAnswer(change, { kind: 'command', command: plain }));
    assert.deepEqual(await getJson(store.claims, prepared.assignment.questionClaim, AnswerQuestion), { kind: 'suggest', ask: 'use a Map' });
    assert.deepEqual(await activities.prepareAnswer(change, { kind: 'command', command: { ...plain, command: { verb: 'suggest', argument: 'src/app.ts:3' } } }), { kind: 'unclear', reason: 'it does not say what to change.' });
  });

  test("prepareAnswer reply: forgebot's finding without its marker, the thread capped with the reply last; a person's thread is not-ours", async () => {
    const discussion = world.gitlab.discussions(PROJECT_ID, 7).find((candidate) => candidate.id === ours)!;
    for (let index = 0; index < 60; index++) reply(discussion, 'dev', index === 59 ? 'x'.repeat(6_000) : `note ${index}`);
    const unlisted: ThreadReply = { noteId: '999999', noteKind: 'note', threadId: ours, place: { kind: 'diff', path: 'src/app.ts', line: 4 }, author: dev, body: "This is intended: won't fix." };
    const prepared = ready(await activities.prepareAnswer(change, { kind: 'reply', reply: unlisted }));
    assert.deepEqual(prepared.finding, { fingerprint: findingFingerprint(finding(4, 'Off by one')), title: 'Off by one' });
    const question = await getJson(store.claims, prepared.assignment.questionClaim, AnswerQuestion);
    assert.equal(question.kind, 'reply');
    if (question.kind !== 'reply') return;
    assert.deepEqual([question.finding.severity, question.finding.category, question.finding.line], ['major', 'bug', 4]);
    assert.match(question.finding.body, /\*\*Off by one\*\*\n\nOff by one: look closer\.$/);
    assert.doesNotMatch(question.finding.body, /forgebot:finding/);
    assert.equal(question.thread.length, 50);
    assert.deepEqual(question.thread.at(-1), { author: 'dev', byForgebot: false, body: "This is intended: won't fix." });
    assert.equal(question.thread.at(-2)?.body.length, 5_000, 'a long note is cut');
    assert.equal(question.thread.at(-3)?.body, 'note 58');

    const listed = discussion.notes.find((note) => note.body === 'note 10')!;
    const again = ready(await activities.prepareAnswer(change, { kind: 'reply', reply: { ...unlisted, noteId: String(listed.id), body: 'webhook copy' } }));
    const thread = await getJson(store.claims, again.assignment.questionClaim, AnswerQuestion);
    assert.equal(thread.kind === 'reply' && thread.thread.at(-1)?.body, listed.body, "the forge's own copy, moved last");

    const persons = diffNote('dev', 'a question of mine', 8);
    reply(persons, 'mia', 'an answer');
    assert.deepEqual(await activities.prepareAnswer(change, { kind: 'reply', reply: { ...unlisted, threadId: persons.id } }), { kind: 'not-ours' });
  });

  test('postAnswer: a one-click suggestion:-A+B around the note\'s line; hostile answer text inert', async () => {
    const discussion = diffNote('dev', '/claude suggest sum them', 5);
    const ask = suggest(discussion, 'sum them', 5, 4);
    const claim = await stored(answer({ headSha: head, answer: HOSTILE, suggestion: { path: 'src/app.ts', startLine: 3, endLine: 6, replacement: 'export const v3to6 = 18;\n' } }));
    const posted = await activities.postAnswer(change, ask, claim);
    const note = discussion.notes.at(-1)!;
    assert.equal(String(note.id), posted.id);
    assert.equal(posted.disposition, undefined, 'a command has no disposition');
    assert.match(note.body, /\n```suggestion:-2\+1\nexport const v3to6 = 18;\n```$/);
    const live = liveParts(note.body);
    assert.deepEqual([live.mentions, live.images, live.links, live.html], [[], [], [], []]);
    assert.ok(live.fences.every((info) => info === 'text' || info === 'suggestion:-2+1'), live.fences.join());
    assert.ok(note.body.split('\n').every((line) => !/^\s*\/merge/.test(line)), 'no quick action');
    assert.doesNotMatch(note.body, /<script>|<!-- forgebot/);
  });

  test('postAnswer: out of reach or after a push, the suggestion is a diff block with the reason', async () => {
    const discussion = diffNote('dev', '/claude suggest rename', 9);
    const far = await stored(answer({ headSha: head, suggestion: { path: 'src/app.ts', startLine: 10, endLine: 10, replacement: 'export const ten = 10;\n' } }));
    await activities.postAnswer(change, suggest(discussion, 'rename', 9), far);
    const body = discussion.notes.at(-1)!.body;
    assert.match(body, /not offered as a one-click suggestion: it changes line 10, and a suggestion here must include this thread's line 9/);
    assert.match(body, /```diff\n--- a\/src\/app\.ts\n\+\+\+ b\/src\/app\.ts\n@@ -10,1 \+10,1 @@\n-export const v10 = 10;\n\+export const ten = 10;\n```/);

    const answeredAt = await stored(answer({ headSha: head, suggestion: { path: 'src/app.ts', startLine: 9, endLine: 9, replacement: 'export const nine = 9;\n' } }));
    const moved = await world.pushOnto('feature', { 'README.md': '# app, moved\n' }, 'moves on');
    await world.gitlab.refreshMergeRequest(PROJECT_ID, 7);
    await activities.postAnswer(change, suggest(discussion, 'rename', 9), answeredAt);
    const after = discussion.notes.at(-1)!.body;
    assert.match(after, new RegExp(`the merge request moved on after the answer was written \\(it read ${head.slice(0, 12)}; the head is now ${moved.slice(0, 12)}\\)`));
    assert.match(after, /-export const v9 = 9;\n\+export const nine = 9;/);
    assert.doesNotMatch(after, /```suggestion/);
  });
});

describe('answers on GitHub (fake GitHub through octokit)', () => {
  let fixture: GitHubFixture;
  let store: Awaited<ReturnType<typeof claimsDir>>;
  let forge: FullForge;
  let activities: CommandActivities;
  let root: FakeReviewComment;
  let late: FakeReviewComment;
  let head = '';
  const ref: ChangeRef = { forge: 'github', projectId: GITHUB_REPO, projectPath: GITHUB_REPO, number: GITHUB_PR };
  const alice = { id: 5001, username: 'alice' };
  let seconds = 0;
  const at = () => new Date(Date.UTC(2030, 0, 1, 0, 0, ++seconds)).toISOString();

  before(async () => {
    fixture = await startGitHubFixture();
    store = await claimsDir();
    forge = createGitHubForge(createGitHubConnection({ kind: 'token', token: GITHUB_TEST_TOKEN }, { baseUrl: fixture.github.url, timeoutMs: 10_000 }));
    activities = createCommandActivities({ forges: { github: forge }, client: noTemporal, claims: store.claims, trigger: '@forgebot' });
    const snapshot = await forge.getChange(ref);
    head = snapshot.headSha;
    const refs = { baseSha: snapshot.baseSha, startSha: snapshot.startSha, headSha: snapshot.headSha };
    await forge.postInlineComment(ref, { refs, oldPath: 'src/app.ts', newPath: 'src/app.ts', position: { newLine: 3 } }, renderInlineComment(finding(3, 'Subtraction in add()')));
    const { state } = fixture.github;
    root = state.reviewComments.find((comment) => comment.user.login === 'forgebot')!;
    root.createdAt = at();
    const person = fixture.github.addUser({ login: alice.username, id: alice.id });
    const early = { ...root, id: state.id(), user: person, body: 'Is it wrong?', inReplyToId: root.id, createdAt: at() };
    // More than a page of other comments before the last reply: the thread is read across pages.
    for (let index = 0; index < 120; index++) state.reviewComments.push({ ...root, id: state.id(), user: person, body: `elsewhere ${index}`, line: 6, createdAt: at() });
    late = { ...root, id: state.id(), user: person, body: 'Intended: it subtracts.', inReplyToId: root.id, createdAt: at() };
    state.reviewComments.push(early, late);
  });
  after(async () => {
    await fixture?.stop();
    await store?.remove();
  });

  test('findingThread: by the root, by any reply, by the node id; root and replies oldest first; others\' threads are not it', async () => {
    for (const threadId of [`review-comment:${root.id}`, String(late.id), threadNodeId(root)]) {
      const found = await forge.findingThread!(ref, threadId);
      assert.deepEqual([found?.finding.threadId, found?.finding.title, found?.finding.line, found?.finding.resolved], [threadNodeId(root), 'Subtraction in add()', 3, false], threadId);
      assert.deepEqual(found?.notes.map((note) => [note.author, note.byForgebot, note.body.slice(0, 10)]), [['forgebot', true, '🔴 **major'], ['alice', false, 'Is it wron'], ['alice', false, 'Intended: ']]);
    }
    const { state } = fixture.github;
    const persons = { ...root, id: state.id(), user: late.user, body: renderInlineComment(finding(6, 'Mine')), createdAt: at() };
    const quoting = { ...root, id: state.id(), body: `${renderInlineComment(finding(6, 'Quoted'))}\n\nquoted`, createdAt: at() };
    state.reviewComments.push(persons, quoting);
    assert.equal(await forge.findingThread!(ref, String(persons.id)), undefined, "a person's root");
    assert.equal(await forge.findingThread!(ref, String(quoting.id)), undefined, 'the marker not as the last line');
    assert.equal(await forge.findingThread!(ref, 'review-comment:99999999'), undefined, 'no such comment');
    assert.equal(await forge.findingThread!(ref, `issue-comment:${root.id}`), undefined, 'a conversation comment has no thread');
  });

  test('prepareAnswer reply on GitHub: the finding and the thread with the reply last', async () => {
    const asked: ThreadReply = { noteId: `review-comment:${late.id}`, noteKind: 'review-comment', threadId: String(late.id), place: { kind: 'diff', path: 'src/app.ts', line: 3 }, author: alice, body: 'copy' };
    const prepared = ready(await activities.prepareAnswer(ref, { kind: 'reply', reply: asked }));
    const question = await getJson(store.claims, prepared.assignment.questionClaim, AnswerQuestion);
    assert.deepEqual(question.kind === 'reply' && question.thread.map((note) => note.body), ['Is it wrong?', 'Intended: it subtracts.']);
    assert.deepEqual(prepared.assignment.repository.headSha, head);
  });

  const replyAsk = (): AnswerAsk => ({ kind: 'reply', reply: { noteId: String(late.id), noteKind: 'review-comment', threadId: String(late.id), place: { kind: 'diff', path: 'src/app.ts', line: 3 }, author: alice, body: late.body } });
  const newReplies = (since: number) => fixture.github.state.reviewComments.slice(since).filter((comment) => comment.inReplyToId === root.id);

  test("postAnswer on GitHub: the thread's exact line is a one-click suggestion; a false positive is not raised again", async () => {
    const since = fixture.github.state.reviewComments.length;
    const claim = await putJson(store.claims, 'agent-answerer', { role: 'answerer', answer: answer({ headSha: head, disposition: 'false-positive', suggestion: { path: 'src/app.ts', startLine: 3, endLine: 3, replacement: '  return x - y; // intended\n' } }) });
    const posted = await activities.postAnswer(ref, replyAsk(), claim);
    assert.equal(posted.disposition, 'false-positive');
    const [note] = newReplies(since);
    assert.equal(String(note?.id), posted.id);
    assert.match(note?.body ?? '', /\n```suggestion\n {2}return x - y; \/\/ intended\n```\n\nNoted as a false positive: forgebot will not raise this finding again on this pull request\.$/);
  });

  test('postAnswer on GitHub: lines beyond the thread\'s are a diff block; a patch too; hostile text inert', async () => {
    const since = fixture.github.state.reviewComments.length;
    const patch = '--- a/src/app.ts\n+++ b/src/app.ts\n@@ -3 +3 @@\n-  return x - y;\n+  return x + y; // ```` @all\n/merge\n';
    const claim = await putJson(store.claims, 'agent-answerer', { role: 'answerer', answer: answer({ headSha: head, answer: HOSTILE, disposition: 'disputed', patch, suggestion: { path: 'src/app.ts', startLine: 3, endLine: 4, replacement: '  return x + y;\n}\n' } }) });
    const posted = await activities.postAnswer(ref, replyAsk(), claim);
    assert.equal(posted.disposition, 'disputed');
    const body = newReplies(since)[0]?.body ?? '';
    assert.match(body, /not offered as a one-click suggestion: it changes lines 3–4, and a suggestion here can only replace this thread's line 3\./);
    assert.match(body, /```diff\n--- a\/src\/app\.ts\n\+\+\+ b\/src\/app\.ts\n@@ -3,2 \+3,2 @@\n- {2}return x - y;\n-}\n\+ {2}return x \+ y;\n\+}\n```/);
    assert.match(body, /`````diff\n[^]*```` @\u200Ball[^]*\n`````/, "the patch's fence is longer than its backtick run; its mention is inert");
    assert.doesNotMatch(body, /```suggestion|will not raise/);
    const live = liveParts(body);
    assert.deepEqual([live.mentions, live.images, live.links, live.html], [[], [], [], []]);
    assert.ok(live.fences.every((info) => info === 'text' || info === 'diff'), live.fences.join());
    assert.ok(body.split('\n').every((line) => !line.startsWith('/')), 'no line reads as a command');
  });
});
