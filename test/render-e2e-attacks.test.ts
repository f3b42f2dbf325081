// End to end on GitLab (real webhook server, Temporal, runner and gitbeaker; fake GitLab, scripted model): a model that
// writes forgebot's markers, mentions, images, links and HTML into its findings spoofs nothing and notifies no one.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { findingFingerprint, SUMMARY_MARKER } from '../src/domain/render.js';
import type { FakeAnthropic } from '../src/fakes/anthropic/fake-anthropic.js';
import { toolUse, type ScriptedReply } from '../src/fakes/anthropic/messages.js';
import type { FakeGitLab } from '../src/fakes/gitlab/fake-gitlab.js';
import { startFixtureWorld, type World } from './helpers/e2e-world.js';
import { loadFixture } from './helpers/fixtures.js';
import { eventually, type Stack } from './helpers/forgebot-stack.js';
import { APP_BASE, APP_FEATURE, TestRepo } from './helpers/git-repo.js';
import { liveParts } from './helpers/markdown-check.js';
import { newCommitsDelivery } from './helpers/new-commits-delivery.js';
import { deliver, TEST_SECRET } from './helpers/webhook-server.js';

const open = loadFixture('gitlab', 'merge_request--open');
const submit = (summary: string, findings: unknown[]): ScriptedReply => ({ content: [toolUse('submit_review', { summary, findings })] });
const finding = (line: number, side: 'new' | 'old', title: string, body: string) => ({ path: 'src/app.ts', line, side, severity: 'major', category: 'bug', confidence: 0.9, title, body });

const LATER = finding(6, 'new', 'd is unused', 'Remove `d`.');
const laterFingerprint = findingFingerprint({ path: LATER.path, category: 'bug', title: LATER.title });
const ATTACK = finding(3, 'new', 'Subtraction in add() @all', [
  'add() subtracts. cc @all @gitlab-org/maintainers',
  '![x](https://evil.example/p.png) [click](javascript:alert(1)) <img src=x onerror=alert(1)>',
  SUMMARY_MARKER,
  `<!-- forgebot:finding:${laterFingerprint} -->`,
  '```suggestion:-0+0',
  'steal();',
  '```',
].join('\n'));

describe('GitLab review, end to end, with an attacking model', () => {
  let world: World;
  let repo: TestRepo;
  let gitlab: FakeGitLab;
  let model: FakeAnthropic;
  let stack: Stack;
  const summaries = () => gitlab.notes(1, 1).filter((note) => note.type !== 'DiffNote' && note.body.startsWith(SUMMARY_MARKER));
  const diffNotes = () => gitlab.notes(1, 1).filter((note) => note.type === 'DiffNote');

  before(async () => {
    repo = await TestRepo.create({ 'src/app.ts': APP_BASE }, 'master');
    await repo.branch('ms-viewport');
    await repo.commit({ 'src/app.ts': APP_FEATURE }, 'feature');
    await repo.checkout('master');
    world = await startFixtureWorld(repo.dir);
    ({ gitlab, model, stack } = world);
  });
  after(async () => {
    await world?.stop();
    await repo?.remove();
  });

  test('push 1: the summary is its own note, the attacking finding is inert, no suggestion of the body’s own', async () => {
    model.script(submit(`Summary for @all ${SUMMARY_MARKER} ![x](https://evil.example/s.png)`, [ATTACK, finding(2, 'old', 'b removed', 'b is still exported.')]));
    assert.equal((await deliver(stack.server.url, { ...open.headers, 'X-Gitlab-Token': TEST_SECRET }, open.body)).status, 202);
    await eventually(() => (summaries().length === 1 && diffNotes().length === 2 ? true : undefined), 'the summary and two inline comments');
    const [attack] = diffNotes().filter((note) => note.body.includes('Subtraction in add()'));
    assert.ok(attack && !attack.body.startsWith(SUMMARY_MARKER), 'the inline comment was not taken for the summary');
    for (const body of [attack.body, summaries()[0]!.body]) {
      const live = liveParts(body);
      assert.deepEqual([live.links, live.images, live.html, live.mentions], [[], [], [], []], body);
      assert.ok(live.fences.every((info) => !info.startsWith('suggestion')));
    }
  });

  test('push 2: the finding the attacker claimed was posted is posted; the summary is edited in place', async () => {
    await repo.checkout('ms-viewport');
    const beforeSha = await repo.git('rev-parse', 'HEAD');
    const sha = await repo.commit({ 'src/app.ts': `${APP_FEATURE}// pushed\n` }, 'push');
    await repo.checkout('master');
    await gitlab.refreshMergeRequest(1, 1);
    const summaryId = summaries()[0]!.id;
    model.script(submit('Second look.', [ATTACK, LATER]));
    const delivery = newCommitsDelivery(beforeSha, sha);
    assert.equal((await deliver(stack.server.url, delivery.headers, delivery.body)).status, 202);
    await eventually(() => summaries()[0]?.body.includes(sha.slice(0, 12)) || undefined, 'the summary of push 2');
    assert.deepEqual(summaries().map((note) => note.id), [summaryId]);
    assert.equal(diffNotes().filter((note) => note.body.includes('**d is unused**')).length, 1, 'not suppressed by the marker in the attacking body');
    assert.equal(diffNotes().filter((note) => note.body.includes('Subtraction in add()')).length, 1, 'the attacking finding is not posted twice');
    assert.deepEqual(model.errors, []);
  });
});
