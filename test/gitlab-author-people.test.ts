// The GitLab forge's conversation (thread replies, reactions) and people (effective access, groups included),
// through gitbeaker against the fake GitLab; plus the pure status and role mappings.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { accessFromLevel, effectiveAccess } from '../src/activities/gitlab/gitlab-people.js';
import { pipelineState } from '../src/activities/gitlab/gitlab-pipelines.js';
import type { ChangeRef } from '../src/domain/change-ref.js';
import { authorWorld, isForgeError, PROJECT_ID, type AuthorWorld } from './helpers/gitlab-author-world.js';

describe('GitLab forge: conversation and people', () => {
  let world: AuthorWorld;
  let change: ChangeRef;

  before(async () => {
    world = await authorWorld();
    await world.forge.createBranch(world.repo, 'feature', world.baseSha);
    await world.pushOnto('feature', { 'src/feature.ts': 'export const feature = 1;\n' }, 'feature');
    await world.gitlab.addMergeRequest({ projectId: PROJECT_ID, iid: 7, title: 'Feature', sourceBranch: 'feature', targetBranch: 'main' });
    change = { ...world.repo, number: 7 };
  });
  after(async () => {
    await world.remove();
  });

  test('a reply lands in the discussion (a single comment becomes a thread); an unknown thread is ERR_FORGE_NOT_FOUND', async () => {
    const question = world.gitlab.addForeignNote(PROJECT_ID, 7, { body: '@forgebot why?', author: 'alice' });
    const discussion = world.gitlab.discussions(PROJECT_ID, 7).find((d) => d.notes[0]?.id === question.id);
    assert.ok(discussion);
    const { id } = await world.forge.replyInThread(change, discussion.id, 'Because.');
    assert.deepEqual(discussion.notes.map((note) => [note.author.username, note.body]), [['alice', '@forgebot why?'], ['forgebot', 'Because.']]);
    assert.equal(String(discussion.notes[1]?.id), id);
    assert.equal(discussion.individual_note, false);
    await world.forge.replyInThread(change, discussion.id, 'And more.');
    assert.equal(discussion.notes.length, 3);
    await assert.rejects(world.forge.replyInThread(change, 'f'.repeat(40), 'lost'), isForgeError('ERR_FORGE_NOT_FOUND', /Discussion Not Found/));
  });

  test('a reaction is added once, a second identical one is no error; an unknown note is ERR_FORGE_NOT_FOUND', async () => {
    const note = world.gitlab.addForeignNote(PROJECT_ID, 7, { body: '/forgebot review', author: 'alice' });
    await world.forge.addReaction(change, { noteId: String(note.id) }, 'eyes');
    await world.forge.addReaction(change, { noteId: String(note.id) }, 'eyes');
    await world.forge.addReaction(change, { noteId: String(note.id) }, '+1');
    assert.deepEqual(world.gitlab.state.awards.get(note.id)?.map((award) => [award.name, award.user.username]), [['eyes', 'forgebot'], ['+1', 'forgebot']]);
    await assert.rejects(world.forge.addReaction(change, { noteId: '999999' }, 'eyes'), isForgeError('ERR_FORGE_NOT_FOUND'));
  });

  test('access by role: owner, maintainer, developer, reporter, planner, guest, non-member', async () => {
    const roles = [['olga', 50, 'admin'], ['mia', 40, 'maintain'], ['dev', 30, 'write'], ['rex', 20, 'triage'], ['pam', 15, 'read'], ['gus', 10, 'read']] as const;
    for (const [username, level] of roles) world.gitlab.setMember({ projectId: PROJECT_ID }, username, level);
    for (const [username, , expected] of roles) {
      const id = world.gitlab.state.user(username).id;
      assert.equal(await world.forge.accessLevel(world.repo, { id }), expected, `${username} by id`);
      assert.equal(await world.forge.accessLevel(world.repo, { login: username.toUpperCase() }), expected, `${username} by login`);
    }
    const stranger = world.gitlab.state.user('stranger').id;
    assert.equal(await world.forge.accessLevel(world.repo, { id: stranger }), 'none');
    assert.equal(await world.forge.accessLevel(world.repo, { login: 'no-such-user' }), 'none');
    assert.equal(await world.forge.accessLevel(world.repo, {}), 'none');
  });

  test('access inherited from an ancestor group counts, the highest membership wins; another group does not', async () => {
    world.gitlab.setMember({ group: 'group' }, 'gina', 30);
    world.gitlab.setMember({ group: 'grouper' }, 'otto', 50); // not an ancestor of group/app, despite the prefix
    world.gitlab.setMember({ group: 'group' }, 'hal', 40);
    world.gitlab.setMember({ projectId: PROJECT_ID }, 'hal', 20);
    assert.equal(await world.forge.accessLevel(world.repo, { login: 'gina' }), 'write');
    assert.equal(await world.forge.accessLevel(world.repo, { login: 'otto' }), 'none');
    assert.equal(await world.forge.accessLevel(world.repo, { login: 'hal' }), 'maintain');
  });

  test('a blocked account or an expired membership has no access; an unknown project is ERR_FORGE_NOT_FOUND', async () => {
    world.gitlab.setMember({ projectId: PROJECT_ID }, 'blocky', 40, { blocked: true });
    world.gitlab.setMember({ projectId: PROJECT_ID }, 'past', 40, { expiresAt: '2020-01-01' });
    world.gitlab.setMember({ projectId: PROJECT_ID }, 'future', 40, { expiresAt: '2999-12-31' });
    assert.equal(await world.forge.accessLevel(world.repo, { login: 'blocky' }), 'none');
    assert.equal(await world.forge.accessLevel(world.repo, { login: 'past' }), 'none');
    assert.equal(await world.forge.accessLevel(world.repo, { login: 'future' }), 'maintain');
    await assert.rejects(
      world.forge.accessLevel({ ...world.repo, projectId: 404 }, { login: 'future' }),
      isForgeError('ERR_FORGE_NOT_FOUND', /Project Not Found/),
    );
  });
});

describe('GitLab mappings', () => {
  test('every GitLab pipeline status maps onto a pipeline state', () => {
    const expected = {
      created: 'pending', waiting_for_resource: 'pending', preparing: 'pending', pending: 'pending', scheduled: 'pending', manual: 'pending',
      running: 'running', success: 'success', failed: 'failed', canceling: 'canceled', canceled: 'canceled', skipped: 'canceled',
    } as const;
    for (const [status, state] of Object.entries(expected)) assert.equal(pipelineState(status), state, status);
  });

  test('roles map onto access levels; inactive memberships do not count', () => {
    assert.deepEqual([0, 5, 10, 15, 20, 30, 40, 50].map(accessFromLevel), ['none', 'none', 'read', 'read', 'triage', 'write', 'maintain', 'admin']);
    const today = new Date('2026-03-10T12:00:00Z');
    assert.equal(effectiveAccess({ access_level: 30, state: 'active', expires_at: '2026-03-11' }, today), 'write');
    assert.equal(effectiveAccess({ access_level: 30, state: 'active', expires_at: '2026-03-10' }, today), 'none', 'access ends on that day');
    assert.equal(effectiveAccess({ access_level: 30, state: 'active', membership_state: 'awaiting' }, today), 'none');
    assert.equal(effectiveAccess({ access_level: 30, state: 'deactivated' }, today), 'none');
  });
});
