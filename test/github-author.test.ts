import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChangeRef, RepositoryRef } from '../src/domain/change-ref.js';
import type { FileChange } from '../src/domain/file-change.js';
import { ForgeError, type FullForge } from '../src/activities/forge.js';
import { Octokit } from '@octokit/rest';
import { createGitHubConnection, createGitHubForge, toGitHubForgeError } from '../src/activities/github/index.js';
import { cloneRepository } from './helpers/git-clone.js';
import { GITHUB_REPO, GITHUB_TEST_TOKEN, startGitHubFixture, type GitHubFixture } from './helpers/github-fake.js';

const repo: RepositoryRef = { forge: 'github', projectId: GITHUB_REPO, projectPath: GITHUB_REPO };
const base64 = (text: string | Buffer) => Buffer.from(text).toString('base64');
/** Bytes no text decoding survives: NULs, a PNG signature, every high byte. */
const BINARY = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, ...Array.from({ length: 128 }, (_, i) => 128 + i), 0]);
const SCRIPT = '#!/bin/sh\necho "forgebot"\n';

async function rejectsWith(work: Promise<unknown>, code: ForgeError['code']): Promise<ForgeError> {
  const error = await work.then(() => undefined, (failure: unknown) => failure);
  assert.ok(error instanceof ForgeError, `expected a ForgeError, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  return error;
}

describe('GitHubForge authoring changes (token) against the fake GitHub', () => {
  let fixture: GitHubFixture;
  let forge: FullForge;
  let git: (...args: string[]) => Promise<string>;
  let commitSha = '';
  let change: ChangeRef;
  before(async () => {
    fixture = await startGitHubFixture();
    forge = createGitHubForge(createGitHubConnection({ kind: 'token', token: GITHUB_TEST_TOKEN }, { baseUrl: fixture.github.url, timeoutMs: 10_000 }));
    git = (...args) => fixture.feature.repo.git(...args);
    fixture.github.addCollaborator(GITHUB_REPO, { login: 'alice', id: 5001 }, 'write');
    fixture.github.addCollaborator(GITHUB_REPO, { login: 'bob', id: 5002 }, 'maintain');
  });
  after(async () => fixture?.stop());

  test('a branch made at a SHA gets one commit: text, binary and executable files created, updated and deleted', async () => {
    const main = fixture.feature.startSha;
    await forge.createBranch(repo, 'forgebot/fix-1', main);
    assert.equal(await git('rev-parse', 'refs/heads/forgebot/fix-1'), main);
    const changes: FileChange[] = [
      { action: 'update', path: 'src/app.ts', contentBase64: base64('export const fixed = true;\n'), executable: false },
      { action: 'create', path: 'assets/logo.bin', contentBase64: base64(BINARY), executable: false },
      { action: 'create', path: 'scripts/run.sh', contentBase64: base64(SCRIPT), executable: true },
      { action: 'delete', path: 'obsolete.txt' },
    ];
    ({ sha: commitSha } = await forge.commitChanges(repo, { branch: 'forgebot/fix-1', parentSha: main, message: 'forgebot: fix it\n\nWith a body.', changes }));
    const clone = await cloneRepository(`file://${fixture.feature.repo.dir}`);
    try {
      const tip = 'origin/forgebot/fix-1';
      assert.equal(await clone.git('rev-parse', tip), commitSha);
      assert.equal(await clone.git('log', '-1', '--format=%P', tip), main, 'one commit, on the parent');
      assert.equal(await clone.git('log', '-1', '--format=%B', tip), 'forgebot: fix it\n\nWith a body.');
      assert.equal(await clone.git('log', '-1', '--format=%an <%ae>', tip), 'forgebot <4242+forgebot@users.noreply.github.com>');
      assert.deepEqual(await clone.bytes(tip, 'assets/logo.bin'), BINARY);
      assert.equal((await clone.bytes(tip, 'src/app.ts')).toString(), 'export const fixed = true;\n');
      assert.equal((await clone.bytes(tip, 'scripts/run.sh')).toString(), SCRIPT);
      const modes = await clone.modes(tip);
      assert.deepEqual([modes.get('scripts/run.sh'), modes.get('assets/logo.bin'), modes.get('src/app.ts')], ['100755', '100644', '100644']);
      assert.equal(modes.has('obsolete.txt'), false);
      assert.ok(modes.has('README.md') && modes.has('docs/guide.md'), 'untouched files stay');
    } finally {
      await clone.remove();
    }
    assert.equal(await git('rev-parse', 'refs/heads/main'), main, 'main did not move');
  });

  test('the write errors: a branch that exists, a stale parent, a protected branch, a missing file to delete', async () => {
    await rejectsWith(forge.createBranch(repo, 'forgebot/fix-1', fixture.feature.startSha), 'ERR_FORGE_CONFLICT');
    await rejectsWith(forge.createBranch(repo, 'bad..name', fixture.feature.startSha), 'ERR_FORGE_INVALID');
    const stale = forge.commitChanges(repo, { branch: 'forgebot/fix-1', parentSha: fixture.feature.startSha, message: 'late', changes: [] });
    await rejectsWith(stale, 'ERR_FORGE_CONFLICT');
    const missing = forge.commitChanges(repo, { branch: 'forgebot/fix-1', parentSha: commitSha, message: 'x', changes: [{ action: 'delete', path: 'nothing/here.txt' }] });
    await rejectsWith(missing, 'ERR_FORGE_INVALID');
    await rejectsWith(forge.commitChanges(repo, { branch: 'no-such-branch', parentSha: commitSha, message: 'x', changes: [] }), 'ERR_FORGE_NOT_FOUND');
    assert.equal(await git('rev-parse', 'refs/heads/forgebot/fix-1'), commitSha, 'nothing moved');
    // A push between reading the branch and moving it: GitHub refuses the update that is not a fast forward.
    const raw = new Octokit({ baseUrl: fixture.github.url, auth: GITHUB_TEST_TOKEN, log: { debug() {}, info() {}, warn() {}, error() {} } });
    const race = raw.rest.git.updateRef({ owner: 'acme', repo: 'widgets', ref: 'heads/forgebot/fix-1', sha: fixture.feature.headSha, force: false });
    const lost = await race.then(() => undefined, (error: unknown) => toGitHubForgeError(error, 'moving the branch'));
    assert.equal(lost?.code, 'ERR_FORGE_CONFLICT', lost?.message);
    assert.match(lost.message, /Update is not a fast forward/);

    fixture.github.protectBranch(GITHUB_REPO, 'main');
    try {
      const main = fixture.feature.startSha;
      const change = { action: 'create', path: 'direct.txt', contentBase64: base64('no\n'), executable: false } as const;
      const refused = await rejectsWith(forge.commitChanges(repo, { branch: 'main', parentSha: main, message: 'direct', changes: [change] }), 'ERR_FORGE_PROTECTED');
      assert.match(refused.message, /Protected branch update failed for refs\/heads\/main/);
      await rejectsWith(forge.deleteBranch(repo, 'main'), 'ERR_FORGE_PROTECTED');
      assert.equal(await git('rev-parse', 'refs/heads/main'), main);
    } finally {
      fixture.github.protectBranch(GITHUB_REPO, 'main', false);
    }
  });

  test('opens a draft pull request with labels and reviewers (by login and by id); a retry finds the same one', async () => {
    const input = { sourceBranch: 'forgebot/fix-1', targetBranch: 'main', title: 'forgebot: fix it', description: 'first', draft: true, labels: ['forgebot', 'bug'], reviewers: ['alice', 5002] };
    const opened = await forge.openChange(repo, input);
    change = opened.ref;
    assert.deepEqual(change, { ...repo, number: 8 });
    assert.equal(opened.webUrl, 'https://github.com/acme/widgets/pull/8');
    const pull = fixture.github.state.pulls.find((candidate) => candidate.number === 8)!;
    assert.deepEqual([pull.draft, pull.headSha, pull.user.login, pull.labels], [true, commitSha, 'forgebot', ['forgebot', 'bug']]);
    assert.deepEqual(pull.requestedReviewers?.map((user) => user.login), ['alice', 'bob']);
    const again = await forge.openChange(repo, { ...input, labels: ['forgebot'] });
    assert.equal(again.ref.number, 8, 'GitHub allows one open pull request per head and base: it is reused');
    assert.equal(fixture.github.state.pulls.length, 2);
    const snapshot = await forge.getChange(change);
    assert.deepEqual([snapshot.draft, snapshot.state, snapshot.headSha, snapshot.targetBranch], [true, 'opened', commitSha, 'main']);
    assert.deepEqual(snapshot.files.map((file) => file.newPath).sort(), ['assets/logo.bin', 'obsolete.txt', 'scripts/run.sh', 'src/app.ts']);
  });

  test('a reviewer GitHub refuses (not a collaborator) does not fail the opening', async () => {
    await forge.createBranch(repo, 'forgebot/fix-2', commitSha);
    const { sha } = await forge.commitChanges(repo, { branch: 'forgebot/fix-2', parentSha: commitSha, message: 'two', changes: [{ action: 'create', path: 'two.txt', contentBase64: base64('2\n'), executable: false }] });
    const opened = await forge.openChange(repo, { sourceBranch: 'forgebot/fix-2', targetBranch: 'main', title: 'two', description: '', draft: false, reviewers: ['mallory'] });
    const pull = fixture.github.state.pulls.find((candidate) => candidate.number === opened.ref.number)!;
    assert.deepEqual([pull.headSha, pull.draft, pull.requestedReviewers], [sha, false, []]);
    await forge.closeChange(opened.ref);
    await forge.closeChange(opened.ref);
    await forge.deleteBranch(repo, 'forgebot/fix-2');
    await forge.deleteBranch(repo, 'forgebot/fix-2');
    assert.equal(await git('branch', '--list', 'forgebot/fix-2'), '', 'the branch is gone in git');
    assert.equal((await forge.getChange(opened.ref)).state, 'closed', 'a closed pull request still reads without its branch');
  });

  test('updates the description and takes the pull request out of draft (GraphQL), twice without harm', async () => {
    await forge.updateDescription(change, 'second, with the plan');
    const pull = fixture.github.state.pulls.find((candidate) => candidate.number === change.number)!;
    assert.equal(pull.body, 'second, with the plan');
    await rejectsWith(forge.merge(change, { sha: commitSha }), 'ERR_FORGE_CONFLICT');
    assert.equal(pull.merged, false, 'a draft is not merged');
    await forge.markReady(change);
    assert.equal(pull.draft, false);
    const graphqlCalls = fixture.github.requests.filter((line) => line === 'POST /graphql').length;
    await forge.markReady(change);
    assert.equal(fixture.github.requests.filter((line) => line === 'POST /graphql').length, graphqlCalls, 'already ready: no mutation');
  });

  test('pipeline status combines check runs and commit statuses', async () => {
    const status = async () => (await forge.pipelineStatus(repo, commitSha)).state;
    assert.equal(await status(), 'none');
    fixture.github.setCommitStatus(GITHUB_REPO, commitSha, { context: 'ci/legacy', state: 'pending', targetUrl: 'https://ci.example/1' });
    assert.deepEqual(await forge.pipelineStatus(repo, commitSha), { state: 'pending', webUrl: 'https://ci.example/1' });
    fixture.github.setCheckRun(GITHUB_REPO, commitSha, { name: 'build', status: 'in_progress' });
    assert.equal(await status(), 'running');
    fixture.github.setCheckRun(GITHUB_REPO, commitSha, { name: 'build', status: 'completed', conclusion: 'success' });
    assert.equal(await status(), 'pending', 'the status context is still pending');
    fixture.github.setCommitStatus(GITHUB_REPO, commitSha, { context: 'ci/legacy', state: 'success' });
    fixture.github.setCheckRun(GITHUB_REPO, commitSha, { name: 'lint', status: 'completed', conclusion: 'skipped' });
    assert.equal(await status(), 'success');
    fixture.github.setCheckRun(GITHUB_REPO, commitSha, { name: 'test', status: 'completed', conclusion: 'failure' });
    const failed = await forge.pipelineStatus(repo, commitSha);
    assert.equal(failed.state, 'failed');
    assert.match(failed.webUrl ?? '', /^https:\/\/github\.com\/acme\/widgets\/runs\/\d+$/);
    assert.equal(await forge.pipelineStatus(repo, fixture.feature.headSha).then((s) => s.state), 'none', 'per commit');
  });

  test('merges only at the head SHA: a stale SHA is refused, the right one moves main in git', async () => {
    const main = await git('rev-parse', 'refs/heads/main');
    await rejectsWith(forge.merge(change, { sha: fixture.feature.startSha }), 'ERR_FORGE_CONFLICT');
    assert.equal(await git('rev-parse', 'refs/heads/main'), main);
    const { mergeSha } = await forge.merge(change, { sha: commitSha });
    assert.equal(await git('rev-parse', 'refs/heads/main'), mergeSha);
    assert.equal(await git('log', '-1', '--format=%P', mergeSha!), `${main} ${commitSha}`);
    assert.equal(await git('show', `${mergeSha}:scripts/run.sh`), SCRIPT.trimEnd());
    assert.equal((await forge.getChange(change)).state, 'merged');
    await rejectsWith(forge.merge(change, { sha: commitSha }), 'ERR_FORGE_CONFLICT');
  });

  test('a pull request that conflicts with main cannot be merged: ERR_FORGE_CONFLICT, main unchanged', async () => {
    const { repo: local } = fixture.feature;
    await local.branch('forgebot/conflict', fixture.feature.startSha);
    await local.commit({ 'README.md': '# ours\n' }, 'ours');
    await local.checkout('main');
    await local.commit({ 'README.md': '# theirs\n' }, 'theirs');
    const main = await git('rev-parse', 'refs/heads/main');
    const opened = await forge.openChange(repo, { sourceBranch: 'forgebot/conflict', targetBranch: 'main', title: 'conflict', description: '', draft: false });
    const head = await git('rev-parse', 'refs/heads/forgebot/conflict');
    const refused = await rejectsWith(forge.merge(opened.ref, { sha: head }), 'ERR_FORGE_CONFLICT');
    assert.match(refused.message, /405 \(Pull Request is not mergeable\)/);
    assert.equal(await git('rev-parse', 'refs/heads/main'), main);
  });
});
