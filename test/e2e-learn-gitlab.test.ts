// `/claude learn` on GitLab, end to end: real Note Hook payloads (pointed at notes the fake GitLab holds) → webhook
// server → real Temporal → the review workflow's command desk → the command activities, access read from GitLab's
// members API through gitbeaker, learnings kept in review memory on a PostgreSQL database of this suite's own → the
// answer in the note's thread; then the next review's brief, as the scripted model receives it, carries the learning.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { AuditStore } from '../src/audit/audit-store.js';
import type { Learning } from '../src/audit/memory/review-memory-store.js';
import { SUMMARY_MARKER } from '../src/domain/render.js';
import type { FakeAnthropic } from '../src/fakes/anthropic/fake-anthropic.js';
import type { FakeGitLab } from '../src/fakes/gitlab/fake-gitlab.js';
import type { FakeNote } from '../src/fakes/gitlab/state.js';
import { statusQuery } from '../src/workflows/definitions.js';
import { closeAdmin, createTestDatabase, type TestDatabase, stackAudit } from './helpers/audit-database.js';
import { briefOf, gitlabNoteDelivery, reviewReply } from './helpers/command-e2e.js';
import { startFixtureWorld, type World } from './helpers/e2e-world.js';
import { fixturesAvailable, loadFixture } from './helpers/fixtures.js';
import { eventually, type Stack } from './helpers/forgebot-stack.js';
import { TestRepo, createFixtureRepo } from './helpers/git-repo.js';
import { liveParts } from './helpers/markdown-check.js';
import { deliver, TEST_SECRET } from './helpers/webhook-server.js';

/** The fake GitLab's token user (forgebot). */
const FORGEBOT_ID = 99;
const REPOSITORY = 'gitlabhq/gitlab-test';
/** A person's learning, with a mention and a link in it: kept as data, answered inert. */
const TEXT = 'add() subtracts on purpose: the legacy ledger stores debits as negatives (ask @all, see https://wiki.example/ledger)';
const open = loadFixture('gitlab', 'merge_request--open');

type Person = { id: number; username: string };

describe('/claude learn on GitLab, end to end', { skip: fixturesAvailable('gitlab') ? false : 'needs the GitLab payloads in ../shared/fixtures/webhooks/gitlab' }, () => {
  let world: World;
  let env: TestWorkflowEnvironment;
  let repo: TestRepo;
  let gitlab: FakeGitLab;
  let model: FakeAnthropic;
  let stack: Stack;
  let auditDb: TestDatabase;
  let developer: Person;
  let maintainer: Person;
  /** The learning the developer proposes. */
  let learningId: string;

  const handle = () => env.client.workflow.getHandle('review:gitlab:1:1');
  const send = (delivery: { headers: Record<string, string>; body: string }) => deliver(stack.server.url, delivery.headers, delivery.body);
  /** The suite's own connection to the audit database (the stack has its own). */
  let reads: AuditStore;
  const memory = () => reads.memory;
  const answersIn = (discussionId: string) => (gitlab.discussions(1, 1).find((discussion) => discussion.id === discussionId)?.notes ?? []).slice(1).filter((note) => note.author.id === FORGEBOT_ID);
  const eyesOn = (note: FakeNote) => (gitlab.state.awards.get(note.id) ?? []).filter((award) => award.name === 'eyes' && award.user.id === FORGEBOT_ID);
  const lastCommand = async () => (await handle().query(statusQuery)).lastCommand;

  /** Writes `body` as a note by `by`, delivers its hook, and returns forgebot's one answer in its thread. */
  async function ask(body: string, by: Person, what: string): Promise<{ note: FakeNote; answer: FakeNote }> {
    const note = gitlab.addForeignNote(1, 1, { body, author: by.username });
    const discussion = gitlab.discussionOf(1, 1, note.id);
    assert.ok(discussion);
    const response = await send(gitlabNoteDelivery({ note, discussionId: discussion.id, author: by }));
    assert.equal(response.status, 202, what);
    const [answer] = await eventually(() => (answersIn(discussion.id).length > 0 ? answersIn(discussion.id) : undefined), `the answer to ${what}`);
    await eventually(() => eyesOn(note).length === 1 || undefined, `the 👀 on ${what}`);
    return { note, answer: answer! };
  }

  before(async () => {
    repo = await createFixtureRepo();
    auditDb = await createTestDatabase();
    const store = auditDb.openStore();
    reads = auditDb.openStore();
    world = await startFixtureWorld(repo.dir, {
      vars: { FORGEBOT_GITLAB_USER_ID: String(FORGEBOT_ID) },
      stackOptions: { audit: stackAudit(store) },
    });
    ({ env, gitlab, model, stack } = world);
    const member = (username: string, level: 30 | 40): Person => ({ id: gitlab.setMember({ projectId: 1 }, username, level).user.id, username });
    developer = member('dev', 30);
    maintainer = member('mia', 40);
  });
  after(async () => {
    await world?.stop();
    await repo?.remove();
    await auditDb?.drop();
    await closeAdmin();
  });

  test('the MR opened → reviewed once, with no learning in the brief', async () => {
    model.script(reviewReply('Looks fine.', []));
    assert.equal((await send({ headers: { ...open.headers, 'X-Gitlab-Token': TEST_SECRET }, body: open.body })).status, 202);
    await eventually(() => gitlab.notes(1, 1).find((note) => note.body.startsWith(SUMMARY_MARKER)), 'the summary note');
    await eventually(async () => ((await handle().query(statusQuery)).reviewsCompleted === 1) || undefined, 'the review recorded');
    assert.doesNotMatch(briefOf(model.requests.at(-1)), /repository-learning/);
  });

  test("a Developer's /claude learn → proposed in review memory; the answer names the id and how a maintainer accepts it, inert", async () => {
    const { answer } = await ask(`Good catch, but:\n\n/claude learn ${TEXT}`, developer, 'learn');
    const [entry, ...more] = await memory().listLearnings({ repository: REPOSITORY });
    assert.equal(more.length, 0);
    assert.ok(entry);
    learningId = entry.id;
    assert.deepEqual(
      [entry.status, entry.text, entry.author, entry.sourceChange, entry.specialist, entry.expiresAt],
      ['proposed', TEXT, 'dev', 1, undefined, undefined],
    );
    assert.match(answer.body, new RegExp(`^Proposed learning \`${learningId}\` for \`${REPOSITORY}\`, for every reviewer: add\\(\\) subtracts on purpose`));
    assert.ok(answer.body.includes(`It takes effect once a maintainer accepts it: \`/claude learn accept ${learningId}\` here (Maintainer or more), or \`forgebot learnings accept ${learningId}\`.`), answer.body);
    const live = liveParts(answer.body);
    assert.deepEqual([live.mentions, live.links, live.images, live.html], [[], [], [], []], answer.body);
    assert.deepEqual([(await lastCommand())?.verb, (await lastCommand())?.result], ['learn', `learning proposed (${learningId})`]);
  });

  test("a Developer's /claude learn accept → refused with what it needs; the learning stays proposed", async () => {
    const { answer } = await ask(`/claude learn accept ${learningId}`, developer, 'learn accept by a developer');
    assert.equal(answer.body, `\`/claude learn accept\` needs Maintainer or more on \`${REPOSITORY}\`; you have Developer. Nothing was done.`);
    assert.equal((await lastCommand())?.result, 'refused: needs maintain, has write');
    assert.equal((await memory().getLearning(learningId))?.status, 'proposed');
  });

  test("a Maintainer's /claude learn accept → accepted, expiring in 90 days; the audit trail has both decisions", async () => {
    const { answer } = await ask(`/claude learn accept ${learningId}`, maintainer, 'learn accept by a maintainer');
    assert.match(answer.body, new RegExp(`^Accepted learning \`${learningId}\` for \`${REPOSITORY}\`, for every reviewer \\(expires \\d{4}-\\d{2}-\\d{2}\\): `));
    const entry: Learning | undefined = await memory().getLearning(learningId);
    assert.deepEqual([entry?.status, entry?.acceptedBy], ['accepted', 'mia']);
    const days = ((entry?.expiresAt?.getTime() ?? 0) - Date.now()) / 86_400_000;
    assert.ok(days > 89.9 && days <= 90, `expires in ${days} days`);
    const decisions = await eventually(async () => {
      const rows = (await reads.list({ subject: 'change:gitlab:1:1' })).filter((row) => row.kind === 'decision');
      return rows.length >= 2 ? rows : undefined;
    }, 'the decision rows');
    assert.deepEqual(
      decisions.map((row) => [row.actor, row.accessLevel, row.outcome, row.details.decision, row.details.learningId]).reverse(),
      [['dev', 'write', 'learning-proposed', 'learn-add', learningId], ['mia', 'maintain', 'learning-accepted', 'learn-accept', learningId]],
    );
  });

  test("a Maintainer's own /claude learn --for security → accepted at once", async () => {
    const { answer } = await ask('/claude learn --for security the keys in test/fixtures are fake', maintainer, 'learn by a maintainer');
    const [entry] = await memory().listLearnings({ repository: REPOSITORY, status: 'accepted' });
    assert.ok(entry && entry.id !== learningId);
    assert.deepEqual([entry.text, entry.specialist, entry.author, entry.acceptedBy], ['the keys in test/fixtures are fake', 'security', 'mia', 'mia']);
    assert.match(answer.body, new RegExp(`^Learned for \`${REPOSITORY}\`, for the security reviewer: the keys in test/fixtures are fake\n\nLater reviews of this repository are told it \\(learning \`${entry.id}\``));
  });

  test('/claude review → the next review\u2019s brief carries the accepted learnings, fenced; /claude learn list shows it inert', async () => {
    const requests = model.requests.length;
    model.script(reviewReply('Reviewed again: fine.', []));
    const { answer } = await ask('/claude review', developer, 'review');
    assert.match(answer.body, /^Reviewed `[0-9a-f]{12}`/);
    const brief = briefOf(model.requests.slice(requests).find((request) => request.tools?.some((tool) => tool.name === 'submit_review')));
    assert.ok(brief.includes(`<repository-learning id="${learningId}" applies-to="every reviewer">\n${TEXT}\n</repository-learning>`), brief);
    assert.match(brief, /<repository-learning id="l-[0-9a-f]{10}" applies-to="security">\nthe keys in test\/fixtures are fake\n<\/repository-learning>/);

    const listed = await ask('/claude learn list', developer, 'learn list');
    assert.match(listed.answer.body, new RegExp(`^- \`${learningId}\` accepted by \`mia\`, expires \\d{4}-\\d{2}-\\d{2}; for every reviewer; by \`dev\`: add\\(\\) subtracts on purpose`, 'm'));
    const live = liveParts(listed.answer.body);
    assert.deepEqual([live.mentions, live.links], [[], []], listed.answer.body);
    assert.deepEqual(model.errors, []);
  });
});
