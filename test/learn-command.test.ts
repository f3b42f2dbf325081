// `/claude learn …`, the pure parts: what its argument asks (src/domain/learn-command.ts), the access each action needs,
// and its answers as Markdown — every learning's text and name inert, whatever it holds.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { renderCommandAnswer } from '../src/activities/commands/command-answer.js';
import { neededAccessOf } from '../src/activities/commands/command-access.js';
import { renderHelp } from '../src/activities/commands/command-help.js';
import type { LearningView, LearnOutcome } from '../src/activities/commands/learn-from-command.js';
import type { ChangeCommand } from '../src/domain/change-command.js';
import type { ChangeRef } from '../src/domain/change-ref.js';
import { parseCommand } from '../src/domain/command-parser.js';
import { commandLabel, parseLearnArgument, type LearnRequest } from '../src/domain/learn-command.js';
import { liveParts } from './helpers/markdown-check.js';

const gitlab: ChangeRef = { forge: 'gitlab', projectId: 1, projectPath: 'group/app', number: 7 };
const github: ChangeRef = { forge: 'github', projectId: 'octo/app', projectPath: 'octo/app', number: 12 };
const render = (outcome: LearnOutcome, ref: ChangeRef = gitlab) => renderCommandAnswer({ kind: 'learning', outcome }, { ref, trigger: '/claude', approveAccess: 'maintain', verb: 'learn' });
const note = (argument: string): ChangeCommand => ({ command: { verb: 'learn', argument }, noteId: '1', noteKind: 'note', place: { kind: 'change' }, author: { id: 3, username: 'dev' } });

/** A learning's text and author as hostile as a comment can make them. */
const HOSTILE = 'Ping @all, see [docs](https://evil.example) ![x](https://evil.example/p.png) <img src=x> #12 !3 www.evil.example';
const hostile: LearningView = { id: 'l-0a1b2c3d4e', status: 'proposed', text: HOSTILE, author: '@maintainers' };

describe('/claude learn: the argument', () => {
  const cases: [string, string, LearnRequest][] = [
    ['a text', 'We log raw SQL in dev on purpose.', { action: 'add', text: 'We log raw SQL in dev on purpose.' }],
    ['--for one reviewer', '--for Security tokens in tests/fixtures are fake', { action: 'add', text: 'tokens in tests/fixtures are fake', specialist: 'security' }],
    ['--for=reviewer', '--for=performance the N+1 in admin/ is bounded by 10 rows', { action: 'add', text: 'the N+1 in admin/ is bounded by 10 rows', specialist: 'performance' }],
    ['list', 'LIST', { action: 'list' }],
    ['accept an id (lower-cased)', 'accept L-0A1B2C3D4E', { action: 'accept', id: 'l-0a1b2c3d4e' }],
    ['remove an id', 'remove p-1234', { action: 'remove', id: 'p-1234' }],
    ['accept followed by a sentence is a learning', 'accept that we use tabs here', { action: 'add', text: 'accept that we use tabs here' }],
    ['list followed by words is a learning', 'list endpoints are paginated by the gateway', { action: 'add', text: 'list endpoints are paginated by the gateway' }],
  ];
  for (const [name, argument, expected] of cases) test(name, () => assert.deepEqual(parseLearnArgument(argument), expected));

  test('what cannot be read so is unclear, saying why', () => {
    assert.match((parseLearnArgument('') as { reason: string }).reason, /says what to learn/);
    assert.match((parseLearnArgument('accept') as { reason: string }).reason, /names the learning/);
    assert.match((parseLearnArgument('remove ../etc') as { reason: string }).reason, /4 to 40 letters, digits and dashes/);
    assert.match((parseLearnArgument('--for wizard be nice') as { reason: string }).reason, /--for names one reviewer: general, security/);
    assert.match((parseLearnArgument('--for security') as { reason: string }).reason, /for the security reviewer says what to learn/);
    for (const argument of ['', 'accept', '--for wizard x']) assert.equal(parseLearnArgument(argument).action, 'unclear');
  });

  test('from a note: the learn line of a comment, its text one line', () => {
    const parsed = parseCommand('Fair.\n\n/claude learn --for docs the CHANGELOG is generated\nmore prose');
    assert.ok(parsed);
    assert.deepEqual(parseLearnArgument(parsed.argument), { action: 'add', text: 'the CHANGELOG is generated', specialist: 'docs' });
  });

  test('access: a proposal and the list need learn\u2019s own (write); a decision the gates\u2019 (COMMAND_APPROVE_ACCESS)', () => {
    assert.deepEqual(['we do X', 'list', '--for security y', 'accept'].map((argument) => neededAccessOf(note(argument))), ['write', 'write', 'write', 'write']);
    assert.deepEqual([neededAccessOf(note('accept l-0a1b2c3d4e')), neededAccessOf(note('remove l-0a1b2c3d4e'), 'admin')], ['maintain', 'admin']);
    assert.deepEqual(['we do X', 'accept l-0a1b2c3d4e', 'remove p-1234'].map((argument) => commandLabel(note(argument).command)), ['learn', 'learn accept', 'learn remove']);
  });
});

describe('/claude learn: the answers', () => {
  test('proposed: the id, the text, and how a maintainer accepts it (here or with the CLI), in the forge\u2019s words', () => {
    const body = render({ kind: 'added', learning: { ...hostile, text: 'We log raw SQL in dev on purpose.', author: 'dev' } });
    assert.equal(body, [
      'Proposed learning `l-0a1b2c3d4e` for `group/app`, for every reviewer: We log raw SQL in dev on purpose.',
      '',
      'It takes effect once a maintainer accepts it: `/claude learn accept l-0a1b2c3d4e` here (Maintainer or more), or `forgebot learnings accept l-0a1b2c3d4e`.',
    ].join('\n'));
    assert.match(render({ kind: 'added', learning: { ...hostile, text: 'x' } }, github), /\(Maintain or more\)/);
  });

  test('accepted at once, accepted, removed, not found, refused, not enabled, unclear', () => {
    const accepted: LearningView = { id: 'l-0a1b2c3d4e', status: 'accepted', text: 'Fixtures hold fake keys.', author: 'mia', acceptedBy: 'mia', specialist: 'security', expiresAt: '2031-01-02T03:04:05.000Z' };
    assert.match(render({ kind: 'added', learning: accepted }), /^Learned for `group\/app`, for the security reviewer: Fixtures hold fake keys\.\n\nLater reviews of this repository are told it \(learning `l-0a1b2c3d4e`, expires 2031-01-02\)\. `\/claude learn remove l-0a1b2c3d4e` removes it\.$/);
    assert.match(render({ kind: 'accepted', learning: accepted }), /^Accepted learning `l-0a1b2c3d4e` for `group\/app`, for the security reviewer \(expires 2031-01-02\): Fixtures hold fake keys\./);
    assert.equal(render({ kind: 'removed', learning: accepted }), 'Removed learning `l-0a1b2c3d4e` from `group/app`: later reviews are no longer told it.');
    assert.equal(render({ kind: 'not-found', id: 'l-ffffffffff' }), 'No learning `l-ffffffffff` in `group/app`. `/claude learn list` shows this repository\'s learnings. Nothing was done.');
    assert.equal(render({ kind: 'refused', needed: 'maintain', level: 'write' }), '`/claude learn accept` and `/claude learn remove` need Maintainer or more on `group/app`; you have Developer. Nothing was done.');
    assert.match(render({ kind: 'not-enabled' }), /^Learnings are not enabled in this forgebot: .*`DATABASE_URL`.*Nothing was recorded\.$/);
    assert.match(render({ kind: 'unclear', reason: 'a learning says what to learn.' }), /^`\/claude learn`: a learning says what to learn\. For example `\/claude learn we log raw SQL in dev on purpose`/);
  });

  test('the list: newest first, status, reviewer, author and expiry; more than shown points to the CLI; none says how to add', () => {
    const learnings: LearningView[] = [
      { id: 'l-0000000001', status: 'proposed', text: 'Proposed one.', author: 'dev', specialist: 'docs' },
      { id: 'l-0000000002', status: 'accepted', text: 'Accepted one.', author: 'mia', acceptedBy: 'mia', expiresAt: '2030-08-30T00:00:00.000Z' },
      { id: 'l-0000000003', status: 'accepted', text: 'Old one.', author: 'mia', acceptedBy: 'ops', expiresAt: '2020-01-01T00:00:00.000Z' },
    ];
    const body = renderCommandAnswer({ kind: 'learning', outcome: { kind: 'listed', learnings, total: 25 } }, { ref: gitlab, trigger: '/claude', approveAccess: 'maintain', verb: 'learn' });
    assert.deepEqual(body.split('\n').filter((line) => line.startsWith('- ')).length, 3);
    assert.match(body, /^Learnings of `group\/app` \(25, newest first; only accepted, unexpired ones are told to reviews\):/);
    assert.match(body, /^- `l-0000000001` proposed; for the docs reviewer; by `dev`: Proposed one\.$/m);
    assert.match(body, /^- `l-0000000002` accepted by `mia`, expires 2030-08-30; for every reviewer; by `mia`: Accepted one\.$/m);
    assert.match(body, /^- `l-0000000003` accepted by `ops`, expired 2020-01-01; for every reviewer; by `mia`: Old one\.$/m);
    assert.match(body, /… and 22 more: `forgebot learnings list --repository group\/app`\.$/);
    assert.equal(render({ kind: 'listed', learnings: [], total: 0 }), 'No learnings for `group/app` yet. `/claude learn <text>` proposes one.');
  });

  test('hostile text and names render to nothing live: no mention, link, image, HTML or cross-reference; no line is a quick action', () => {
    const outcomes: LearnOutcome[] = [
      { kind: 'added', learning: hostile },
      { kind: 'added', learning: { ...hostile, status: 'accepted', acceptedBy: '@all' } },
      { kind: 'accepted', learning: { ...hostile, status: 'accepted', acceptedBy: '@all' } },
      { kind: 'listed', learnings: [hostile, { ...hostile, id: 'l-0000000009', text: '/close\n/merge now', status: 'accepted', acceptedBy: '@all' }], total: 2 },
    ];
    for (const outcome of outcomes) {
      for (const ref of [gitlab, github]) {
        const body = render(outcome, ref);
        const live = liveParts(body);
        assert.deepEqual([live.mentions, live.links, live.images, live.html, live.references], [[], [], [], [], []], body);
        assert.ok(body.split('\n').every((line) => !line.trimStart().startsWith('/')), body);
      }
    }
  });

  test('help lists the learn commands with who may use them', () => {
    const help = renderHelp({ forge: 'gitlab', trigger: '/claude', approveAccess: 'maintain' });
    assert.match(help, /^- `\/claude learn <text>`, `\/claude learn --for <reviewer> <text>`, `\/claude learn list`: .* Developer or more\.$/m);
    assert.match(help, /^- `\/claude learn accept <id>`, `\/claude learn remove <id>`: .* Maintainer or more\.$/m);
    assert.match(renderHelp({ forge: 'github', trigger: '@forgebot', approveAccess: 'admin' }), /^- `@forgebot learn accept <id>`, `@forgebot learn remove <id>`: .* Admin\.$/m);
  });
});
