// Who worked on a merge request, through gitbeaker against the fake GitLab: the author, the commits' authors and
// committers (mapped to accounts by a private commit address or a public email), forgebot's own account excluded.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createGitLabClient, createGitLabForge } from '../src/activities/gitlab/index.js';
import type { ChangeContributor } from '../src/domain/change-contributors.js';
import type { ChangeRef } from '../src/domain/change-ref.js';
import { AUTHOR_TOKEN, authorWorld, isForgeError, PROJECT_ID, type AuthorWorld } from './helpers/gitlab-author-world.js';

const base64 = (text: string) => Buffer.from(text).toString('base64');

/** Who a person's commit is by: its author, and its committer (the author unless told). */
interface Identity {
  author: string;
  committer?: string;
}

/** A person pushes one commit onto `branch` of the bare repository, as `author` (`Name <email>`) and `committer`. */
async function pushAs(world: AuthorWorld, branch: string, file: string, who: Identity): Promise<void> {
  const { work } = world;
  const committer = /^(.*) <(.*)>$/.exec(who.committer ?? who.author);
  await work.git('fetch', '--quiet', world.bare, `+refs/heads/${branch}:refs/heads/pushing`);
  await work.checkout('pushing');
  await mkdir(dirname(join(work.dir, file)), { recursive: true });
  await writeFile(join(work.dir, file), `${file}\n`);
  await work.git('add', '--all');
  await work.git('-c', `user.name=${committer?.[1] ?? ''}`, '-c', `user.email=${committer?.[2] ?? ''}`, 'commit', '--quiet', `--author=${who.author}`, '-m', `add ${file}`);
  await work.git('push', '--quiet', world.bare, `pushing:refs/heads/${branch}`);
  await work.checkout('main');
  await work.git('branch', '--quiet', '-D', 'pushing');
}

const byName = (a: ChangeContributor, b: ChangeContributor) => (a.username ?? a.names[0] ?? '').localeCompare(b.username ?? b.names[0] ?? '');
const summary = (people: ChangeContributor[]) => [...people].sort(byName).map(({ userId, username, names, emails, kinds }) => ({ userId, username, names, emails, kinds }));

describe('GitLab forge: who worked on a merge request', () => {
  let world: AuthorWorld;
  let change: ChangeRef;
  let ids: Record<'alice' | 'dave', number>;

  before(async () => {
    world = await authorWorld();
    const { state } = world.gitlab;
    const alice = state.user('alice');
    alice.name = 'Alice Liddell';
    alice.publicEmail = 'alice@corp.test';
    // Carol's email is private: a non-admin token cannot map it to her account.
    state.user('carol');
    ids = { alice: alice.id, dave: state.user('dave').id };
    // forgebot's own change, as the Sentry-fix and ticket workflows open it: its branch, its API commit, its draft.
    await world.forge.createBranch(world.repo, 'forgebot/fix', world.baseSha);
    const { sha } = await world.forge.commitChanges(world.repo, { branch: 'forgebot/fix', parentSha: world.baseSha, message: 'Fix', changes: [{ action: 'update', path: 'src/app.ts', contentBase64: base64('export const app = 2;\n'), executable: false }] });
    assert.ok(sha);
    const opened = await world.forge.openChange(world.repo, { sourceBranch: 'forgebot/fix', targetBranch: 'main', title: 'Fix', description: '', draft: true });
    change = opened.ref;
  });
  after(async () => {
    await world.remove();
  });

  test("forgebot's own change with only its own commit: nobody", async () => {
    assert.deepEqual(await world.forge.changeContributors(change), { people: [], unmappedEmails: 0, truncated: false });
  });

  test('people who pushed: a public email and a private commit address map to accounts, a private email stays unmapped', async () => {
    await pushAs(world, 'forgebot/fix', 'src/alice.ts', { author: 'A. Liddell <Alice@Corp.test>' });
    await pushAs(world, 'forgebot/fix', 'src/carol.ts', { author: 'Carol <carol@home.test>', committer: `Dave <${ids.dave}-dave@users.noreply.gitlab.example.com>` });
    await world.gitlab.refreshMergeRequest(PROJECT_ID, change.number);
    const found = await world.forge.changeContributors(change);
    assert.deepEqual(summary(found.people), [
      { userId: ids.alice, username: 'alice', names: ['A. Liddell', 'Alice Liddell'], emails: ['alice@corp.test'], kinds: ['authored', 'committed'] },
      { userId: undefined, username: undefined, names: ['Carol'], emails: ['carol@home.test'], kinds: ['authored'] },
      { userId: ids.dave, username: 'dave', names: ['Dave'], emails: [`${ids.dave}-dave@users.noreply.gitlab.example.com`], kinds: ['committed'] },
    ]);
    assert.equal(found.unmappedEmails, 1);
    assert.equal(found.truncated, false);
  });

  test('a person who opened the merge request is a contributor; commits are read over every page', async () => {
    world.gitlab.state.user('bob').publicEmail = 'bob@corp.test';
    await world.forge.createBranch(world.repo, 'by-bob', world.baseSha);
    for (const n of [1, 2, 3]) await pushAs(world, 'by-bob', `src/bob-${n}.ts`, { author: 'Bob <bob@corp.test>' });
    await pushAs(world, 'by-bob', 'src/eve.ts', { author: 'Eve <eve@corp.test>' });
    await world.gitlab.addMergeRequest({ projectId: PROJECT_ID, iid: 40, title: 'By Bob', sourceBranch: 'by-bob', targetBranch: 'main', author: 'bob' });
    // Two commits a page: the fourth, Eve's, is on the second page.
    const paged = createGitLabForge(createGitLabClient({ host: world.gitlab.url, token: AUTHOR_TOKEN, timeoutMs: 5_000 }), { perPage: 2 });
    const found = await paged.changeContributors({ ...world.repo, number: 40 });
    const bob = world.gitlab.state.user('bob').id;
    assert.deepEqual(summary(found.people).map(({ userId, username, names, kinds }) => ({ userId, username, names, kinds })), [
      { userId: bob, username: 'bob', names: ['bob', 'Bob'], kinds: ['opened', 'authored', 'committed'] },
      { userId: undefined, username: undefined, names: ['Eve'], kinds: ['authored', 'committed'] },
    ]);
    const requests = world.gitlab.requests.filter((request) => request.endsWith('/merge_requests/40/commits'));
    assert.equal(requests.length, 2, 'two pages of commits');
  });

  test('an unknown merge request is ERR_FORGE_NOT_FOUND', async () => {
    await assert.rejects(world.forge.changeContributors({ ...world.repo, number: 999 }), isForgeError('ERR_FORGE_NOT_FOUND'));
  });
});
