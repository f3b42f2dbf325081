import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChangeRef, RepositoryRef } from '../src/domain/change-ref.js';
import { ForgeError, type FullForge } from '../src/activities/forge.js';
import { createGitHubConnection, createGitHubForge } from '../src/activities/github/index.js';
import { AUTHOR_APP_PERMISSIONS } from '../src/fakes/github/app-routes.js';
import { threadNodeId } from '../src/fakes/github/graphql-routes.js';
import type { FakeReviewComment } from '../src/fakes/github/state.js';
import { appPrivateKey, GITHUB_APP_ID, GITHUB_PR, GITHUB_REPO, GITHUB_TEST_TOKEN, startGitHubFixture, type GitHubFixture } from './helpers/github-fake.js';

const repo: RepositoryRef = { forge: 'github', projectId: GITHUB_REPO, projectPath: GITHUB_REPO };
const ref: ChangeRef = { ...repo, number: GITHUB_PR };

async function rejectsWith(work: Promise<unknown>, code: ForgeError['code']): Promise<ForgeError> {
  const error = await work.then(() => undefined, (failure: unknown) => failure);
  assert.ok(error instanceof ForgeError, `expected a ForgeError, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  return error;
}

function appForge(fixture: GitHubFixture): FullForge {
  return createGitHubForge(createGitHubConnection({ kind: 'app', appId: GITHUB_APP_ID, privateKey: appPrivateKey() }, { baseUrl: fixture.github.url, timeoutMs: 10_000 }));
}

describe('GitHubForge conversation, people and the App path against the fake GitHub', () => {
  let fixture: GitHubFixture;
  let forge: FullForge;
  let root: FakeReviewComment;
  let issueCommentId = 0;
  before(async () => {
    fixture = await startGitHubFixture(0, { app: { id: GITHUB_APP_ID, slug: 'forgebot-test', privateKey: appPrivateKey(), permissions: AUTHOR_APP_PERMISSIONS } });
    forge = createGitHubForge(createGitHubConnection({ kind: 'token', token: GITHUB_TEST_TOKEN }, { baseUrl: fixture.github.url, timeoutMs: 10_000 }));
    const { state } = fixture.github;
    const at = state.repository('acme', 'widgets')!;
    const alice = fixture.github.addUser({ login: 'alice', id: 5001 });
    root = {
      id: state.id(), reviewId: state.id(), pullNumber: GITHUB_PR, repo: at, commitId: fixture.feature.headSha, user: alice, createdAt: '',
      path: 'src/app.ts', body: 'Why subtract?', line: 3, side: 'RIGHT', startLine: null, startSide: null, diffHunk: '@@ -1,7 +1,7 @@',
    };
    state.reviewComments.push(root);
    issueCommentId = state.id();
    state.issueComments.push({ id: issueCommentId, issueNumber: GITHUB_PR, repo: at, body: '@forgebot please fix', user: alice, createdAt: '', updatedAt: '' });
  });
  after(async () => fixture?.stop());

  test('replyInThread: by review thread id or by any comment of the thread; a conversation comment gets a linked reply', async () => {
    const comments = fixture.github.state.reviewComments;
    const first = await forge.replyInThread(ref, threadNodeId(root), 'On it.');
    assert.deepEqual(comments.filter((c) => c.inReplyToId === root.id).map((c) => [String(c.id), c.body, c.user.login]), [[first.id, 'On it.', 'forgebot']]);
    const second = await forge.replyInThread(ref, first.id, 'Done.');
    assert.equal(comments.find((c) => String(c.id) === second.id)?.inReplyToId, root.id, 'a reply to a reply lands on the thread root');
    const third = await forge.replyInThread(ref, `issue-comment:${issueCommentId}`, 'Working on it.');
    const posted = fixture.github.state.issueComments.find((c) => String(c.id) === third.id);
    assert.equal(posted?.body, `> In reply to @alice: https://github.com/acme/widgets/pull/${GITHUB_PR}#issuecomment-${issueCommentId}\n\nWorking on it.`);
    await rejectsWith(forge.replyInThread(ref, 'PRRT_kwDOunknown', 'x'), 'ERR_FORGE_NOT_FOUND');
    await rejectsWith(forge.replyInThread(ref, 'not a thread', 'x'), 'ERR_FORGE_INVALID');
    await rejectsWith(forge.replyInThread(ref, 'review-comment:999999', 'x'), 'ERR_FORGE_NOT_FOUND');
  });

  test('addReaction: twice is fine; a review comment by kind or by its thread; GitLab names map to GitHub', async () => {
    const reactions = fixture.github.state.reactions;
    await forge.addReaction(ref, { noteId: String(issueCommentId) }, 'eyes');
    await forge.addReaction(ref, { noteId: String(issueCommentId), kind: 'note' }, 'eyes');
    await forge.addReaction(ref, { noteId: String(root.id), kind: 'review-comment' }, 'thumbsup');
    await forge.addReaction(ref, { noteId: String(root.id), threadId: threadNodeId(root) }, '+1');
    const seen = reactions.map((r) => [r.subject.kind, r.subject.id, r.content, r.user.login]);
    assert.deepEqual(seen, [['issue-comment', issueCommentId, 'eyes', 'forgebot'], ['review-comment', root.id, '+1', 'forgebot']]);
    const before = fixture.github.requests.length;
    await rejectsWith(forge.addReaction(ref, { noteId: String(root.id) }, 'party'), 'ERR_FORGE_INVALID');
    assert.equal(fixture.github.requests.length, before, 'refused before any request');
  });

  test('accessLevel: every role, a non-collaborator, an unknown login; by id (which wins over a login)', async () => {
    const roles = ['admin', 'maintain', 'write', 'triage', 'read'] as const;
    roles.forEach((role, index) => fixture.github.addCollaborator(GITHUB_REPO, { login: `${role}-person`, id: 6000 + index }, role));
    fixture.github.addUser({ login: 'carol', id: 6100 });
    for (const role of roles) assert.equal(await forge.accessLevel(repo, { login: `${role}-person` }), role, role);
    assert.equal(await forge.accessLevel(repo, { login: 'carol' }), 'none', 'a GitHub user without access');
    assert.equal(await forge.accessLevel(repo, { login: 'nobody-at-all' }), 'none', 'no such user');
    assert.equal(await forge.accessLevel(repo, { id: 6001 }), 'maintain');
    assert.equal(await forge.accessLevel(repo, { id: 6004, login: 'admin-person' }), 'read', 'the durable id decides');
    assert.equal(await forge.accessLevel(repo, { id: 999_999 }), 'none');
    assert.equal(await forge.accessLevel(repo, {}), 'none');
  });

  test('the GitHub App authors with its installation token: branch, commit by <slug>[bot], pull request, checks, merge', async () => {
    const app = appForge(fixture);
    const main = fixture.feature.startSha;
    const callers = fixture.github.callers.length;
    await app.createBranch(repo, 'forgebot/app-fix', main);
    const content = Buffer.from('by the app\n').toString('base64');
    const { sha } = await app.commitChanges(repo, { branch: 'forgebot/app-fix', parentSha: main, message: 'app commit', changes: [{ action: 'create', path: 'app.txt', contentBase64: content, executable: false }] });
    assert.equal(await fixture.feature.repo.git('log', '-1', '--format=%an', sha), 'forgebot-test[bot]');
    const opened = await app.openChange(repo, { sourceBranch: 'forgebot/app-fix', targetBranch: 'main', title: 'app', description: 'by the app', draft: false });
    assert.equal(fixture.github.state.pulls.find((p) => p.number === opened.ref.number)?.user.login, 'forgebot-test[bot]');
    assert.deepEqual(await app.pipelineStatus(repo, sha), { state: 'none' });
    const { mergeSha } = await app.merge(opened.ref, { sha, squash: true, commitMessage: 'squashed by the app' });
    assert.equal(await fixture.feature.repo.git('rev-parse', 'refs/heads/main'), mergeSha);
    assert.equal(await fixture.feature.repo.git('log', '-1', '--format=%P', mergeSha!), main, 'a squash has one parent');
    assert.ok(fixture.github.callers.slice(callers).every((kind) => kind === 'installation' || kind === 'app'));
    assert.ok(fixture.github.callers.slice(callers).includes('installation'));
  });

  test('an installation without Contents write is refused: ERR_FORGE_UNAUTHORIZED, nothing created', async () => {
    const readOnly = await startGitHubFixture();
    try {
      await rejectsWith(appForge(readOnly).createBranch(repo, 'forgebot/nope', readOnly.feature.startSha), 'ERR_FORGE_UNAUTHORIZED');
      assert.equal(await readOnly.feature.repo.git('branch', '--list', 'forgebot/nope'), '');
      await rejectsWith(appForge(readOnly).pipelineStatus(repo, readOnly.feature.startSha), 'ERR_FORGE_UNAUTHORIZED');
    } finally {
      await readOnly.stop();
    }
  });
});
