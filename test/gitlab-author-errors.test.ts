// The GitLab forge's write refusals, through gitbeaker against the fake GitLab: what GitLab answers (status and
// body) and the ForgeError each becomes (protected branch, under-scoped token, conflicts, bad input).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ForgeError } from '../src/activities/forge.js';
import type { FileChange } from '../src/domain/file-change.js';
import { AUTHOR_TOKEN, authorWorld, isForgeError, PROJECT_ID, READ_ONLY_TOKEN, type AuthorWorld } from './helpers/gitlab-author-world.js';

const update = (path: string, content: string): FileChange => ({ action: 'update', path, contentBase64: Buffer.from(content).toString('base64'), executable: false });

describe('GitLab forge authoring: refusals', () => {
  let world: AuthorWorld;

  async function call(method: string, path: string, body?: object, token = AUTHOR_TOKEN) {
    const response = await fetch(`${world.gitlab.url}/api/v4${path}`, {
      method,
      headers: { 'PRIVATE-TOKEN': token, 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(5_000),
    });
    return { status: response.status, body: (await response.json()) as unknown };
  }

  before(async () => {
    world = await authorWorld();
    world.gitlab.protectBranch(PROJECT_ID, 'main');
    world.gitlab.protectBranch(PROJECT_ID, 'release/*');
  });
  after(async () => {
    await world.remove();
  });

  test('GitLab’s bodies: 400 "Branch already exists", 403 on a protected push, 404 branch, 403 insufficient_scope', async () => {
    assert.deepEqual(await call('POST', `/projects/${PROJECT_ID}/repository/branches`, { branch: 'main', ref: world.baseSha }), {
      status: 400,
      body: { message: 'Branch already exists' },
    });
    const commit = { branch: 'main', commit_message: 'x', actions: [{ action: 'create', file_path: 'x.txt', content: 'x' }] };
    assert.deepEqual(await call('POST', `/projects/${encodeURIComponent('group/app')}/repository/commits`, commit), {
      status: 403,
      body: { message: '403 Forbidden - You are not allowed to push into this branch' },
    });
    assert.deepEqual(await call('GET', `/projects/${PROJECT_ID}/repository/branches/nope`), { status: 404, body: { message: '404 Branch Not Found' } });
    const read = await call('POST', `/projects/${PROJECT_ID}/repository/branches`, { branch: 'x', ref: world.baseSha }, READ_ONLY_TOKEN);
    assert.deepEqual([read.status, (read.body as { error?: string }).error], [403, 'insufficient_scope']);
  });

  test('writes to a protected branch are ERR_FORGE_PROTECTED: commit, create (pattern), delete', async () => {
    await assert.rejects(
      world.forge.commitChanges(world.repo, { branch: 'main', parentSha: world.baseSha, message: 'direct', changes: [update('src/app.ts', 'no\n')] }),
      isForgeError('ERR_FORGE_PROTECTED', /not allowed to push into this branch/),
    );
    await assert.rejects(world.forge.createBranch(world.repo, 'release/1.0', world.baseSha), isForgeError('ERR_FORGE_PROTECTED', /create protected branches/));
    await world.forge.createBranch(world.repo, 'release-notes', world.baseSha);
    world.gitlab.protectBranch(PROJECT_ID, 'release-notes');
    await assert.rejects(world.forge.deleteBranch(world.repo, 'release-notes'), isForgeError('ERR_FORGE_PROTECTED', /delete protected branches/));
    assert.equal(await world.head('main'), world.baseSha);
    assert.equal(await world.head('release/1.0'), '');
    assert.equal(await world.head('release-notes'), world.baseSha);
  });

  test('a token that may only read (403) is ERR_FORGE_UNAUTHORIZED, permanent; its reads still work', async () => {
    const readOnly = world.forgeWith(READ_ONLY_TOKEN);
    await assert.rejects(readOnly.createBranch(world.repo, 'forgebot/read-only', world.baseSha), (error: unknown) => {
      isForgeError('ERR_FORGE_UNAUTHORIZED', /403 \(insufficient_scope\)/)(error);
      assert.ok(error instanceof ForgeError && error.permanent, 'permanent');
      assert.ok(!error.message.includes(READ_ONLY_TOKEN), 'the token is not in the message');
      return true;
    });
    assert.deepEqual(await readOnly.pipelineStatus(world.repo, world.baseSha), { state: 'none' });
    assert.equal(await world.head('forgebot/read-only'), '');
  });

  test('the branch moved without touching the patch’s files: the commit is reported as landed elsewhere (ERR_FORGE_CONFLICT)', async () => {
    await world.forge.createBranch(world.repo, 'forgebot/moved', world.baseSha);
    world.gitlab.beforeNext({
      method: 'POST',
      pathPattern: /\/repository\/commits$/,
      action: async () => void (await world.pushOnto('forgebot/moved', { 'docs/other.md': 'other\n' }, 'unrelated push')),
    });
    await assert.rejects(
      world.forge.commitChanges(world.repo, { branch: 'forgebot/moved', parentSha: world.baseSha, message: 'fix', changes: [update('src/app.ts', 'fixed\n')] }),
      isForgeError('ERR_FORGE_CONFLICT', /landed on/),
    );
  });

  test('a missing branch is ERR_FORGE_NOT_FOUND; an empty patch or a file that is not there is refused', async () => {
    await assert.rejects(
      world.forge.commitChanges(world.repo, { branch: 'forgebot/none', parentSha: world.baseSha, message: 'x', changes: [update('src/app.ts', 'x\n')] }),
      isForgeError('ERR_FORGE_NOT_FOUND', /Branch Not Found/),
    );
    await world.forge.createBranch(world.repo, 'forgebot/edits', world.baseSha);
    await assert.rejects(
      world.forge.commitChanges(world.repo, { branch: 'forgebot/edits', parentSha: world.baseSha, message: 'x', changes: [] }),
      isForgeError('ERR_FORGE_INVALID', /changes nothing/),
    );
    await assert.rejects(
      world.forge.commitChanges(world.repo, { branch: 'forgebot/edits', parentSha: world.baseSha, message: 'x', changes: [update('no/such.txt', 'x\n')] }),
      isForgeError('ERR_FORGE_CONFLICT', /A file with this name doesn't exist/),
    );
    const exists: FileChange = { action: 'create', path: 'src/app.ts', contentBase64: '', executable: false };
    await assert.rejects(
      world.forge.commitChanges(world.repo, { branch: 'forgebot/edits', parentSha: world.baseSha, message: 'x', changes: [exists] }),
      isForgeError('ERR_FORGE_CONFLICT', /A file with this name already exists/),
    );
    assert.equal(await world.head('forgebot/edits'), world.baseSha, 'no refused commit moved the branch');
  });

  test('opening a second merge request for the same branches is ERR_FORGE_CONFLICT; an unknown reviewer login is refused', async () => {
    await world.forge.createBranch(world.repo, 'forgebot/twice', world.baseSha);
    await world.pushOnto('forgebot/twice', { 'src/twice.ts': 'twice\n' }, 'twice');
    const input = { sourceBranch: 'forgebot/twice', targetBranch: 'main', title: 'Twice', description: '', draft: true };
    await world.forge.openChange(world.repo, input);
    await assert.rejects(world.forge.openChange(world.repo, input), isForgeError('ERR_FORGE_CONFLICT', /Another open merge request already exists/));
    await assert.rejects(world.forge.openChange(world.repo, { ...input, reviewers: ['nobody-here'] }), isForgeError('ERR_FORGE_INVALID', /nobody-here/));
  });

  test('a merge GitLab cannot make (conflicting changes) is ERR_FORGE_CONFLICT with GitLab’s message', async () => {
    await world.forge.createBranch(world.repo, 'forgebot/clash', world.baseSha);
    const head = await world.pushOnto('forgebot/clash', { 'src/app.ts': 'export const app = "branch";\n' }, 'branch side');
    const opened = await world.forge.openChange(world.repo, { sourceBranch: 'forgebot/clash', targetBranch: 'main', title: 'Clash', description: '', draft: false });
    await world.pushOnto('main', { 'src/app.ts': 'export const app = "main";\n' }, 'main side');
    await assert.rejects(world.forge.merge(opened.ref, { sha: head }), isForgeError('ERR_FORGE_CONFLICT', /422 \(Branch cannot be merged\)/));
    assert.equal(world.gitlab.state.requireMergeRequest(PROJECT_ID, opened.ref.number).state, 'opened');
  });
});
