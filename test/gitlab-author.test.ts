// The GitLab forge's write side through the real gitbeaker client, against the fake GitLab holding a bare git
// repository: branch from a SHA → one commit through the API → draft MR → ready → pipeline → merge → close.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChangeRef } from '../src/domain/change-ref.js';
import type { FileChange } from '../src/domain/file-change.js';
import { authorWorld, gitBytes, gitIn, isForgeError, LOGO_BYTES, PROJECT_ID, type AuthorWorld } from './helpers/gitlab-author-world.js';

const base64 = (content: string | Buffer) => Buffer.from(content).toString('base64');
const NEW_BYTES = Buffer.from([0x00, 0xff, 0x00, 0x7f, 0x80, 0x0a, 0x00]);
const BRANCH = 'forgebot/fix-1';

/** A patch with every kind of change: text, binary and executable files created, updated, deleted, modes flipped. */
const PATCH: FileChange[] = [
  { action: 'create', path: 'src/new.ts', contentBase64: base64('export const created = true;\n'), executable: false },
  { action: 'update', path: 'src/app.ts', contentBase64: base64('export const app = 2;\n'), executable: false },
  { action: 'delete', path: 'README.md' },
  { action: 'create', path: 'assets/new.bin', contentBase64: base64(NEW_BYTES), executable: false },
  { action: 'update', path: 'assets/logo.bin', contentBase64: base64(Buffer.concat([LOGO_BYTES, NEW_BYTES])), executable: false },
  { action: 'create', path: 'scripts/new.sh', contentBase64: base64('#!/bin/sh\necho new\n'), executable: true },
  { action: 'update', path: 'scripts/run.sh', contentBase64: base64('#!/bin/sh\necho ran\n'), executable: false },
  { action: 'update', path: 'bin/tool', contentBase64: base64('#!/bin/sh\necho tool 2\n'), executable: true },
];

describe('GitLab forge authoring (gitbeaker → fake GitLab → real git)', () => {
  let world: AuthorWorld;
  let commitSha = '';
  let change: ChangeRef;

  before(async () => {
    world = await authorWorld();
  });
  after(async () => {
    await world.remove();
  });

  test('creates a branch at a SHA (a real ref); creating it again is ERR_FORGE_CONFLICT', async () => {
    await world.forge.createBranch(world.repo, BRANCH, world.baseSha);
    assert.equal(await world.head(BRANCH), world.baseSha);
    await assert.rejects(world.forge.createBranch(world.repo, BRANCH, world.baseSha), isForgeError('ERR_FORGE_CONFLICT', /Branch already exists/));
  });

  test('commits a patch as one commit on the parent: a clone sees its tree, bytes and modes', async () => {
    const { sha } = await world.forge.commitChanges(world.repo, { branch: BRANCH, parentSha: world.baseSha, message: 'Fix things\n\nBody.', changes: PATCH });
    commitSha = sha;
    assert.equal(await world.head(BRANCH), sha);

    const clone = await world.clone();
    await gitIn(clone, 'checkout', '--quiet', BRANCH);
    assert.equal(await gitIn(clone, 'rev-parse', 'HEAD^'), world.baseSha, 'the parent is the SHA');
    assert.equal(await gitIn(clone, 'rev-list', '--count', `${world.baseSha}..HEAD`), '1', 'one commit');
    assert.equal(await gitIn(clone, 'log', '-1', '--format=%B'), 'Fix things\n\nBody.');
    const tree = Object.fromEntries(
      (await gitIn(clone, 'ls-tree', '-r', 'HEAD')).split('\n').map((line) => {
        const [meta = '', path = ''] = line.split('\t');
        return [path, meta.split(' ')[0]];
      }),
    );
    assert.deepEqual(tree, {
      'assets/logo.bin': '100644',
      'assets/new.bin': '100644',
      'bin/tool': '100755',
      'scripts/new.sh': '100755',
      'scripts/run.sh': '100644',
      'src/app.ts': '100644',
      'src/new.ts': '100644',
    });
    assert.deepEqual(await gitBytes(clone, 'cat-file', 'blob', 'HEAD:assets/new.bin'), NEW_BYTES);
    assert.deepEqual(await gitBytes(clone, 'cat-file', 'blob', 'HEAD:assets/logo.bin'), Buffer.concat([LOGO_BYTES, NEW_BYTES]));
    assert.equal(await gitIn(clone, 'show', 'HEAD:src/app.ts'), 'export const app = 2;');
    assert.equal(await gitIn(clone, 'show', 'HEAD:scripts/run.sh'), '#!/bin/sh\necho ran');
  });

  test('a commit on a parent that is no longer the head is ERR_FORGE_CONFLICT, and nothing is written', async () => {
    const change: FileChange = { action: 'update', path: 'src/app.ts', contentBase64: base64('stale\n'), executable: false };
    await assert.rejects(
      world.forge.commitChanges(world.repo, { branch: BRANCH, parentSha: world.baseSha, message: 'stale', changes: [change] }),
      isForgeError('ERR_FORGE_CONFLICT', /not at the expected parent/),
    );
    assert.equal(await world.head(BRANCH), commitSha);
  });

  test('a push between the head check and the commit: last_commit_id makes GitLab refuse (ERR_FORGE_CONFLICT)', async () => {
    let pushed = '';
    world.gitlab.beforeNext({
      method: 'POST',
      pathPattern: /\/repository\/commits$/,
      action: async () => void (pushed = await world.pushOnto(BRANCH, { 'src/app.ts': 'export const app = 3;\n' }, 'a person pushes')),
    });
    const change: FileChange = { action: 'update', path: 'src/app.ts', contentBase64: base64('racing\n'), executable: false };
    await assert.rejects(
      world.forge.commitChanges(world.repo, { branch: BRANCH, parentSha: commitSha, message: 'raced', changes: [change] }),
      isForgeError('ERR_FORGE_CONFLICT', /The file has changed since you started editing it: src\/app\.ts/),
    );
    assert.equal(await world.head(BRANCH), pushed, 'the person’s commit stays; ours was not made');
    commitSha = pushed;
  });

  test('opens a draft merge request with labels and reviewers (an id and a login); its diff comes from git', async () => {
    world.gitlab.setMember({ projectId: PROJECT_ID }, 'rita', 30);
    const bob = world.gitlab.state.user('bob');
    const opened = await world.forge.openChange(world.repo, {
      sourceBranch: BRANCH,
      targetBranch: 'main',
      title: 'Fix things',
      description: 'Generated by forgebot.',
      draft: true,
      labels: ['forgebot', 'bug'],
      reviewers: [bob.id, 'rita'],
    });
    change = opened.ref;
    assert.deepEqual(change, { ...world.repo, number: 1 });
    assert.equal(opened.webUrl, `${world.gitlab.url}/group/app/-/merge_requests/1`);
    const mr = world.gitlab.state.requireMergeRequest(PROJECT_ID, 1);
    assert.deepEqual([mr.title, mr.draft, mr.labels, mr.reviewers.map((user) => user.username)], ['Draft: Fix things', true, ['forgebot', 'bug'], ['bob', 'rita']]);

    const snapshot = await world.forge.getChange(change);
    assert.deepEqual([snapshot.draft, snapshot.headSha, snapshot.baseSha], [true, commitSha, world.baseSha]);
    assert.deepEqual(snapshot.files.map((file) => file.newPath).sort(), ['README.md', 'assets/logo.bin', 'assets/new.bin', 'bin/tool', 'scripts/new.sh', 'scripts/run.sh', 'src/app.ts', 'src/new.ts']);
  });

  test('updates the description', async () => {
    await world.forge.updateDescription(change, 'Generated by forgebot.\n\nUpdated.');
    assert.equal(world.gitlab.state.requireMergeRequest(PROJECT_ID, 1).description, 'Generated by forgebot.\n\nUpdated.');
  });

  test('a draft is not merged (ERR_FORGE_CONFLICT, GitLab’s 405); marked ready, it loses the prefix', async () => {
    await assert.rejects(world.forge.merge(change, { sha: commitSha }), isForgeError('ERR_FORGE_CONFLICT', /405/));
    await world.forge.markReady(change);
    const mr = world.gitlab.state.requireMergeRequest(PROJECT_ID, 1);
    assert.deepEqual([mr.title, mr.draft], ['Fix things', false]);
    assert.equal((await world.forge.getChange(change)).draft, false);
    await world.forge.markReady(change); // already ready: nothing to do
    assert.equal(world.gitlab.state.requireMergeRequest(PROJECT_ID, 1).title, 'Fix things');
  });

  test('pipeline status of the head: none, then pending, running, success, failed as CI reports them', async () => {
    assert.deepEqual(await world.forge.pipelineStatus(world.repo, commitSha), { state: 'none' });
    const pipeline = world.gitlab.setPipeline(PROJECT_ID, commitSha, 'created', BRANCH);
    const webUrl = `${world.gitlab.url}/group/app/-/pipelines/${pipeline.id}`;
    for (const [status, state] of [['created', 'pending'], ['pending', 'pending'], ['running', 'running'], ['success', 'success'], ['failed', 'failed']] as const) {
      world.gitlab.setPipeline(PROJECT_ID, commitSha, status);
      assert.deepEqual(await world.forge.pipelineStatus(world.repo, commitSha), { state, webUrl }, status);
    }
    assert.deepEqual(await world.forge.pipelineStatus(world.repo, world.baseSha), { state: 'none' }, 'another commit has none');
  });

  test('merges only at the expected head: a stale SHA is ERR_FORGE_CONFLICT; at the head, target moved, a merge commit', async () => {
    await assert.rejects(world.forge.merge(change, { sha: world.baseSha }), isForgeError('ERR_FORGE_CONFLICT', /SHA does not match HEAD of source branch/));
    assert.equal(world.gitlab.state.requireMergeRequest(PROJECT_ID, 1).state, 'opened');

    const moved = await world.pushOnto('main', { 'docs/changelog.md': 'main moved on\n' }, 'main moves on');
    const { mergeSha } = await world.forge.merge(change, { sha: commitSha });
    assert.ok(mergeSha);
    assert.equal(await world.head('main'), mergeSha);
    assert.equal(await gitIn(world.bare, 'log', '-1', '--format=%P', mergeSha), `${moved} ${commitSha}`);
    assert.equal(await gitIn(world.bare, 'show', `${mergeSha}:docs/changelog.md`), 'main moved on');
    assert.equal(await gitIn(world.bare, 'show', `${mergeSha}:src/new.ts`), 'export const created = true;');
    assert.deepEqual(await gitBytes(world.bare, 'cat-file', 'blob', `${mergeSha}:assets/new.bin`), NEW_BYTES);
    assert.equal((await world.forge.getChange(change)).state, 'merged');
    await assert.rejects(world.forge.merge(change, { sha: commitSha }), isForgeError('ERR_FORGE_CONFLICT'), 'merged already');
  });

  test('a squash merge with a message: one squash commit on the merge base, then the merge commit', async () => {
    await world.forge.createBranch(world.repo, 'forgebot/squash', world.baseSha);
    const first = await world.pushOnto('forgebot/squash', { 'src/one.ts': 'one\n' }, 'one');
    const head = await world.pushOnto('forgebot/squash', { 'src/two.ts': 'two\n' }, 'two');
    assert.notEqual(first, head);
    const opened = await world.forge.openChange(world.repo, { sourceBranch: 'forgebot/squash', targetBranch: 'main', title: 'Squash me', description: '', draft: false });
    const { mergeSha } = await world.forge.merge(opened.ref, { sha: head, squash: true, commitMessage: 'One and two' });
    const squashSha = world.gitlab.state.requireMergeRequest(PROJECT_ID, opened.ref.number).squashCommitSha ?? '';
    assert.equal(await gitIn(world.bare, 'log', '-1', '--format=%B', squashSha), 'One and two');
    assert.equal(await gitIn(world.bare, 'log', '-1', '--format=%P', squashSha), world.baseSha);
    assert.equal((await gitIn(world.bare, 'log', '-1', '--format=%P', mergeSha ?? '')).split(' ')[1], squashSha);
  });

  test('closes a change and deletes its branch (compensation); a branch already gone is no error', async () => {
    await world.forge.createBranch(world.repo, 'forgebot/abandoned', world.baseSha);
    const opened = await world.forge.openChange(world.repo, { sourceBranch: 'forgebot/abandoned', targetBranch: 'main', title: 'Abandoned', description: '', draft: true });
    await world.forge.closeChange(opened.ref);
    assert.equal((await world.forge.getChange(opened.ref)).state, 'closed');
    await world.forge.deleteBranch(world.repo, 'forgebot/abandoned');
    assert.equal(await world.head('forgebot/abandoned'), '');
    await world.forge.deleteBranch(world.repo, 'forgebot/abandoned');
  });
});
