// The command activities (acknowledge, access, answer, describe) through the real GitLab and GitHub forges against the
// fake GitLab and the fake GitHub; and the pure parts: answers and help as Markdown, the owner's visibility query.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '@temporalio/client';
import { createCommandActivities, type CommandActivities } from '../src/activities/command-activities.js';
import { renderCommandAnswer } from '../src/activities/commands/command-answer.js';
import { ownerQuery } from '../src/activities/commands/forward-decision.js';
import { createGitHubConnection, createGitHubForge } from '../src/activities/github/index.js';
import type { ChangeCommand } from '../src/domain/change-command.js';
import type { ChangeRef } from '../src/domain/change-ref.js';
import type { FakeReviewComment } from '../src/fakes/github/state.js';
import { memoryClaimStore } from './replay/generic-activities.js';
import { authorWorld, PROJECT_ID, type AuthorWorld } from './helpers/gitlab-author-world.js';
import { GITHUB_PR, GITHUB_REPO, GITHUB_TEST_TOKEN, startGitHubFixture, type GitHubFixture } from './helpers/github-fake.js';

/** forwardDecision is not called here (test/change-commands-workflow.test.ts sends real Updates): any use fails loudly. */
const noTemporal = new Proxy({}, { get: () => { throw new Error('no Temporal client in this test'); } }) as Pick<Client, 'workflow' | 'connection'>;

function command(verb: ChangeCommand['command']['verb'], author: { id: number; username: string }, note: Partial<ChangeCommand> = {}): ChangeCommand {
  return { command: { verb, argument: '' }, noteId: '1', noteKind: 'note', place: { kind: 'change' }, author, ...note };
}

describe('command activities on GitLab (fake GitLab through gitbeaker)', () => {
  let world: AuthorWorld;
  let change: ChangeRef;
  let activities: CommandActivities;
  let dev: { id: number; username: string };
  let maintainer: { id: number; username: string };

  before(async () => {
    world = await authorWorld();
    await world.forge.createBranch(world.repo, 'feature', world.baseSha);
    await world.pushOnto('feature', { 'src/feature.ts': 'export const feature = 1;\n' }, 'feature');
    await world.gitlab.addMergeRequest({ projectId: PROJECT_ID, iid: 7, title: 'Feature', sourceBranch: 'feature', targetBranch: 'main' });
    change = { ...world.repo, number: 7 };
    activities = createCommandActivities({ forges: { gitlab: world.forge }, client: noTemporal, claims: memoryClaimStore(), trigger: '/claude' });
    world.gitlab.setMember({ projectId: PROJECT_ID }, 'dev', 30);
    world.gitlab.setMember({ group: 'group' }, 'mia', 40);
    dev = { id: world.gitlab.state.user('dev').id, username: 'dev' };
    maintainer = { id: world.gitlab.state.user('mia').id, username: 'mia' };
  });
  after(async () => world?.remove());

  test('acknowledge: an eyes award on the note, by forgebot; twice is still one', async () => {
    const note = world.gitlab.addForeignNote(PROJECT_ID, 7, { body: '/claude review', author: 'dev' });
    const cmd = command('review', dev, { noteId: String(note.id) });
    await activities.acknowledgeCommand(change, cmd);
    await activities.acknowledgeCommand(change, cmd);
    assert.deepEqual(world.gitlab.state.awards.get(note.id)?.map((award) => [award.name, award.user.username]), [['eyes', 'forgebot']]);
  });

  test('access through members/all: a developer may review, not approve; a group maintainer may approve; a stranger nothing', async () => {
    assert.deepEqual(await activities.checkCommandAccess(change, command('review', dev)), { level: 'write', needed: 'write', allowed: true });
    assert.deepEqual(await activities.checkCommandAccess(change, command('approve', dev)), { level: 'write', needed: 'maintain', allowed: false });
    assert.deepEqual(await activities.checkCommandAccess(change, command('reject', maintainer)), { level: 'maintain', needed: 'maintain', allowed: true });
    const stranger = { id: world.gitlab.state.user('stranger').id, username: 'stranger' };
    assert.deepEqual(await activities.checkCommandAccess(change, command('help', stranger)), { level: 'none', needed: 'read', allowed: false });
    const strict = createCommandActivities({ forges: { gitlab: world.forge }, client: noTemporal, claims: memoryClaimStore(), approveAccess: 'admin' });
    assert.equal((await strict.checkCommandAccess(change, command('approve', maintainer))).allowed, false, 'COMMAND_APPROVE_ACCESS raises the bar');
  });

  test('an answer goes into the note\'s discussion; without one, a plain note; refusals name both levels in GitLab\'s words', async () => {
    const note = world.gitlab.addForeignNote(PROJECT_ID, 7, { body: '/claude approve', author: 'dev' });
    const discussion = world.gitlab.discussions(PROJECT_ID, 7).find((d) => d.notes[0]?.id === note.id);
    assert.ok(discussion);
    const cmd = command('approve', dev, { noteId: String(note.id), threadId: discussion.id });
    await activities.answerCommand(change, cmd, { kind: 'refused', needed: 'maintain', level: 'write' });
    assert.equal(discussion.notes.length, 2);
    assert.equal(discussion.notes[1]?.author.username, 'forgebot');
    assert.match(discussion.notes[1]?.body ?? '', /`\/claude approve` needs Maintainer or more on `group\/app`; you have Developer\. Nothing was done\./);

    const before = world.gitlab.discussions(PROJECT_ID, 7).length;
    await activities.answerCommand(change, command('help', dev, { noteId: '12345' }), { kind: 'help' });
    const discussions = world.gitlab.discussions(PROJECT_ID, 7);
    assert.equal(discussions.length, before + 1, 'a new note');
    const help = discussions.at(-1)?.notes[0]?.body ?? '';
    assert.match(help, /`\/claude review`, `\/claude review full`: .* Developer or more\./);
    assert.match(help, /`\/claude approve`, `\/claude reject <reason>`: .* Maintainer or more\./);
    assert.ok(help.split('\n').every((line) => !line.startsWith('/')), 'no line of forgebot\'s note is a quick action');
  });

  test('describeChangeForReview: the change\'s head, title, target and draft flag from the forge', async () => {
    const request = await activities.describeChangeForReview(change);
    assert.equal(request.headSha, await world.head('feature'));
    assert.deepEqual([request.title, request.targetBranch, request.draft], ['Feature', 'main', false]);
  });
});

describe('command activities on GitHub (fake GitHub through octokit)', () => {
  let fixture: GitHubFixture;
  let activities: CommandActivities;
  let root: FakeReviewComment;
  let issueCommentId = 0;
  const ref: ChangeRef = { forge: 'github', projectId: GITHUB_REPO, projectPath: GITHUB_REPO, number: GITHUB_PR };
  const writer = { id: 7001, username: 'wanda' };
  const reader = { id: 7002, username: 'rita' };

  before(async () => {
    fixture = await startGitHubFixture();
    const forge = createGitHubForge(createGitHubConnection({ kind: 'token', token: GITHUB_TEST_TOKEN }, { baseUrl: fixture.github.url, timeoutMs: 10_000 }));
    activities = createCommandActivities({ forges: { github: forge }, client: noTemporal, claims: memoryClaimStore(), trigger: '@forgebot' });
    fixture.github.addCollaborator(GITHUB_REPO, { login: writer.username, id: writer.id }, 'write');
    fixture.github.addCollaborator(GITHUB_REPO, { login: reader.username, id: reader.id }, 'read');
    const { state } = fixture.github;
    const at = state.repository('acme', 'widgets')!;
    const wanda = state.users.find((user) => user.id === writer.id)!;
    root = {
      id: state.id(), reviewId: state.id(), pullNumber: GITHUB_PR, repo: at, commitId: fixture.feature.headSha, user: wanda, createdAt: '',
      path: 'src/app.ts', body: '@forgebot explain', line: 3, side: 'RIGHT', startLine: null, startSide: null, diffHunk: '@@ -1,7 +1,7 @@',
    };
    state.reviewComments.push(root);
    issueCommentId = state.id();
    state.issueComments.push({ id: issueCommentId, issueNumber: GITHUB_PR, repo: at, body: '@forgebot pause', user: wanda, createdAt: '', updatedAt: '' });
  });
  after(async () => fixture?.stop());

  test('acknowledge: eyes on a conversation comment and on a review comment, each of its own kind', async () => {
    await activities.acknowledgeCommand(ref, command('pause', writer, { noteId: String(issueCommentId), noteKind: 'issue-comment' }));
    await activities.acknowledgeCommand(ref, command('explain', writer, { noteId: String(root.id), noteKind: 'review-comment', threadId: String(root.id) }));
    const seen = fixture.github.state.reactions.map((r) => [r.subject.kind, r.subject.id, r.content, r.user.login]);
    assert.deepEqual(seen, [['issue-comment', issueCommentId, 'eyes', 'forgebot'], ['review-comment', root.id, 'eyes', 'forgebot']]);
  });

  test('access through the collaborator permission, by the durable id: write may pause, read may not; a renamed login does not fool it', async () => {
    assert.deepEqual(await activities.checkCommandAccess(ref, command('pause', writer)), { level: 'write', needed: 'write', allowed: true });
    assert.deepEqual(await activities.checkCommandAccess(ref, command('pause', reader)), { level: 'read', needed: 'write', allowed: false });
    assert.equal((await activities.checkCommandAccess(ref, command('pause', { id: reader.id, username: writer.username }))).level, 'read', 'the id decides, not the name in the payload');
  });

  test('answers: a review comment gets a reply in its thread; a conversation comment a new comment that links it; mentions are inert', async () => {
    await activities.answerCommand(ref, command('explain', writer, { noteId: String(root.id), noteKind: 'review-comment', threadId: String(root.id) }), { kind: 'not-available', verb: 'explain' });
    const reply = fixture.github.state.reviewComments.find((comment) => comment.inReplyToId === root.id);
    assert.match(reply?.body ?? '', /`@forgebot explain` is not available yet/);

    const comments = fixture.github.state.issueComments.length;
    const unknown = command('help', reader, { noteId: String(issueCommentId), noteKind: 'issue-comment', command: { verb: 'help', argument: 'unknown: @acme/admins' } });
    await activities.answerCommand(ref, unknown, { kind: 'help', unknownVerb: '@acme/admins' });
    const answer = fixture.github.state.issueComments.slice(comments);
    assert.equal(answer.length, 1);
    assert.match(answer[0]?.body ?? '', /^> In reply to @wanda: /);
    assert.match(answer[0]?.body ?? '', /`@\u200Bacme\/admins` is not a forgebot command/);
    assert.match(answer[0]?.body ?? '', /`@forgebot approve`, `@forgebot reject <reason>`: .* Maintain or more\./);
  });
});

describe('command answers and the owner lookup (pure)', () => {
  const gitlab: ChangeRef = { forge: 'gitlab', projectId: 42, projectPath: 'group/app', number: 7 };
  const context = { ref: gitlab, trigger: '/claude', approveAccess: 'maintain' as const, verb: 'approve' };

  test('a decision refused or taken: the workflow\'s words, made inert', () => {
    const refused = renderCommandAnswer({ kind: 'decision', result: { kind: 'refused', workflowId: 'sentry-fix:acme:1', reason: '@bob approved already: <b>next</b> [x](http://evil)' } }, context);
    assert.equal(refused.includes('@bob'), false);
    assert.equal(refused.includes('<b>'), false);
    assert.equal(refused.includes('](http'), false);
    const taken = renderCommandAnswer({ kind: 'decision', result: { kind: 'taken', workflowId: 'sentry-fix:acme:1', outcome: { gate: 'merge', decision: 'approve', next: 'marking the change ready for review' } } }, context);
    assert.equal(taken, 'Approved at the merge gate of `sentry-fix:acme:1`: marking the change ready for review.');
  });

  test('a failure reason loses token-like strings', () => {
    const failed = renderCommandAnswer({ kind: 'failed', doing: 'checking your access', reason: 'ERR_FORGE_UNAVAILABLE: token glpat-abcdefghijklmnop refused' }, context);
    assert.equal(failed.includes('glpat-abcdefghijklmnop'), false);
  });

  test('the owner query names the change key and running workflows only; a key that could leave its literal is refused', () => {
    assert.equal(ownerQuery(gitlab), 'ForgebotOwnedChange = "change:gitlab:42:7" AND ExecutionStatus = "Running"');
    assert.equal(ownerQuery({ forge: 'github', projectId: 'octo/repo', projectPath: 'octo/repo', number: 3 }), 'ForgebotOwnedChange = "change:github:octo/repo:3" AND ExecutionStatus = "Running"');
    assert.throws(() => ownerQuery({ forge: 'github', projectId: 'octo/re"po', projectPath: 'x', number: 3 }), /not a change key/);
  });
});
