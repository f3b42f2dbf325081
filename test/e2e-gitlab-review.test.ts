// End to end: a real GitLab webhook → webhook server → real Temporal → workers → local sandbox running the real
// runner (real git clone, real Anthropic SDK against the fake model) → comments on the fake GitLab via gitbeaker.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { SUMMARY_MARKER } from '../src/domain/render.js';
import { toolUse, type ScriptedReply } from '../src/fakes/anthropic/messages.js';
import { statusQuery } from '../src/workflows/definitions.js';
import { loadFixture } from './helpers/fixtures.js';
import { startFixtureWorld, type World } from './helpers/e2e-world.js';
import { eventually, statusAfterReviewOf, type Stack } from './helpers/forgebot-stack.js';
import type { FakeAnthropic } from '../src/fakes/anthropic/fake-anthropic.js';
import type { FakeGitLab } from '../src/fakes/gitlab/fake-gitlab.js';
import { APP_FEATURE, TestRepo, createFixtureRepo } from './helpers/git-repo.js';
import { deliver, TEST_SECRET } from './helpers/webhook-server.js';
import { closeAdmin, createTestDatabase, type TestDatabase, stackAudit } from './helpers/audit-database.js';

// The real fixture names project 1 "gitlabhq/gitlab-test", MR !1, ms-viewport → master.
const open = loadFixture('gitlab', 'merge_request--open');
const newCommits = loadFixture('gitlab', 'merge_request--update-new-commits');

function review(summary: string, findings: Record<string, unknown>[]): ScriptedReply {
  return { content: [toolUse('submit_review', { summary, findings })] };
}
const finding = (path: string, line: number, side: 'new' | 'old', title: string) => ({
  path, line, side, severity: 'major', category: 'bug', confidence: 0.9, title, body: `${title}: explained.`,
});

describe('GitLab merge request review, end to end', () => {
  let world: World;
  let env: TestWorkflowEnvironment;
  let repo: TestRepo;
  let gitlab: FakeGitLab;
  let model: FakeAnthropic;
  let stack: Stack;
  let auditDb: TestDatabase;
  const summaries = () => gitlab.notes(1, 1).filter((note) => note.body.startsWith(SUMMARY_MARKER));
  const diffNotes = () => gitlab.notes(1, 1).filter((note) => note.type === 'DiffNote');
  const handle = () => env.client.workflow.getHandle('review:gitlab:1:1');

  /** Commits on the source branch, refreshes the MR's diff, and returns the "update with new commits" delivery. */
  async function push(content: string): Promise<{ sha: string; headers: Record<string, string>; body: string }> {
    await repo.checkout('ms-viewport');
    const before = await repo.git('rev-parse', 'HEAD');
    const sha = await repo.commit({ 'src/app.ts': content }, `push ${content.length}`);
    await repo.checkout('master');
    await gitlab.refreshMergeRequest(1, 1);
    const json = structuredClone(newCommits.json) as { project: { id: number; path_with_namespace: string }; object_attributes: Record<string, unknown> };
    json.project.id = 1;
    json.project.path_with_namespace = 'gitlabhq/gitlab-test';
    Object.assign(json.object_attributes, { iid: 1, oldrev: before, last_commit: { ...(json.object_attributes.last_commit as object), id: sha } });
    return { sha, headers: { ...newCommits.headers, 'X-Gitlab-Token': TEST_SECRET, 'X-Gitlab-Event-UUID': randomUUID() }, body: JSON.stringify(json) };
  }

  before(async () => {
    repo = await createFixtureRepo();
    auditDb = await createTestDatabase();
    const store = auditDb.openStore();
    world = await startFixtureWorld(repo.dir, { stackOptions: { audit: stackAudit(store) } });
    ({ env, gitlab, model, stack } = world);
  });
  after(async () => {
    await world?.stop();
    await repo?.remove();
    await auditDb?.drop();
    await closeAdmin();
  });

  test('a real "open" delivery (sent 20 times at once) → one review: summary note and inline comments at the right lines', async () => {
    model.script(
      review('add() now subtracts; see inline.', [
        finding('src/app.ts', 3, 'new', 'Subtraction in add()'),
        finding('src/app.ts', 2, 'old', 'Removed export b still exported'),
        finding('src/app.ts', 5, 'new', 'c is shadowed'),
        finding('README.md', 1, 'new', 'Outside the diff'),
      ]),
    );
    const headers = { ...open.headers, 'X-Gitlab-Token': TEST_SECRET };
    const responses = await Promise.all(Array.from({ length: 20 }, () => deliver(stack.server.url, headers, open.body)));
    assert.equal(responses.filter((r) => r.status === 202).length, 1);
    assert.equal(responses.filter((r) => r.json.status === 'duplicate').length, 19);

    const [summary] = await eventually(() => (summaries().length > 0 ? summaries() : undefined), 'the summary note');
    assert.match(summary!.body, /add\(\) now subtracts/);
    assert.match(summary!.body, /Findings outside the diff[\s\S]*README\.md:1/);
    const positions = diffNotes().map((note) => [note.position?.new_path, note.position?.old_line, note.position?.new_line, note.body.match(/\*\*(.+)\*\*\r?\n/)?.[1]]);
    assert.deepEqual(positions, [
      ['src/app.ts', null, 3, 'Subtraction in add()'],
      ['src/app.ts', 2, null, 'Removed export b still exported'],
      ['src/app.ts', 6, 5, 'c is shadowed'],
    ]);
    const status = await eventually(async () => {
      const s = await handle().query(statusQuery);
      return s.reviewsCompleted === 1 ? s : undefined;
    }, 'status shows one review');
    assert.equal(status.lastFindings, 4);
    assert.equal(model.requests.length, 1, 'the model was asked once: one review');
    assert.deepEqual(model.errors, []);
    const description = await handle().describe();
    assert.equal(description.searchAttributes.ForgebotRepository?.[0], 'gitlabhq/gitlab-test');
  });

  test('the audit trail holds exactly that review: one agent job, the summary created, the inline comments posted', async () => {
    const rows = await eventually(async () => {
      const listed = await auditDb.openStore().list({ subject: 'change:gitlab:1:1' });
      return listed.length >= 3 ? listed : undefined;
    }, 'three audit rows');
    const facts = rows.map((row) => [row.kind, row.target, row.repository ?? null, row.details?.count ?? null]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    assert.deepEqual(facts, [
      ['agent-job', 'sandbox', 'gitlabhq/gitlab-test', null],
      ['inline-comments-posted', 'gitlab', 'gitlabhq/gitlab-test', 3],
      ['summary-created', 'gitlab', 'gitlabhq/gitlab-test', null],
    ]);
    const job = rows.find((row) => row.kind === 'agent-job');
    assert.equal(job?.details?.role, 'reviewer');
    assert.equal(job?.workflowId, 'review:gitlab:1:1');
    assert.ok(rows.every((row) => !JSON.stringify(row).includes('glpat-') && !JSON.stringify(row).includes('sk-ant-')), 'no credential in any row');
  });

  test('a second push → re-review; the summary is edited in place and known findings are not posted twice', async () => {
    const next = await push(`${APP_FEATURE}// pushed\n`);
    model.script(review('Second look: still subtracting.', [finding('src/app.ts', 3, 'new', 'Subtraction in add()')]));
    assert.equal((await deliver(stack.server.url, next.headers, next.body)).status, 202);
    await eventually(() => summaries()[0]?.body.includes(next.sha.slice(0, 12)) || undefined, 'the summary of the new head');
    assert.equal(summaries().length, 1, 'one summary note, updated');
    assert.match(summaries()[0]!.body, /Second look/);
    assert.equal(diffNotes().filter((note) => note.body.includes('Subtraction in add()')).length, 1, 'the same finding is not posted again');
  });

  test('a push while a review runs → the running agent job is stopped and the newest SHA is reviewed', async () => {
    const third = await push(`${APP_FEATURE}// third\n`);
    model.script({ hold: true }, review('Reviewed the fourth push.', []));
    const requestsBefore = model.requests.length;
    assert.equal((await deliver(stack.server.url, third.headers, third.body)).status, 202);
    await eventually(() => model.requests.length > requestsBefore || undefined, 'the review of the third push reached the model');

    const fourth = await push(`${APP_FEATURE}// fourth\n`);
    assert.equal((await deliver(stack.server.url, fourth.headers, fourth.body)).status, 202);
    await eventually(() => summaries()[0]?.body.includes(fourth.sha.slice(0, 12)) || undefined, 'the summary of the fourth push');
    assert.match(summaries()[0]!.body, /Reviewed the fourth push/);
    assert.equal(model.abortedHolds, 1, 'the held model call was abandoned: its runner process was killed');
    const status = await statusAfterReviewOf(handle(), fourth.sha);
    assert.equal(status.reviewsCancelled, 1);
    assert.equal(summaries().length, 1);
    assert.deepEqual(model.errors, []);
  });

  test('merging the MR ends the workflow', async () => {
    const merge = structuredClone(open.json) as { object_attributes: Record<string, unknown> };
    merge.object_attributes.action = 'merge';
    gitlab.setMergeRequestState(1, 1, 'merged'); // the workflow ends only when the forge confirms it
    const response = await deliver(stack.server.url, { ...open.headers, 'X-Gitlab-Token': TEST_SECRET, 'X-Gitlab-Event-UUID': randomUUID() }, JSON.stringify(merge));
    assert.equal(response.json.status, 'merged');
    const final = await handle().result();
    assert.equal(final.phase, 'closed');
  });
});
