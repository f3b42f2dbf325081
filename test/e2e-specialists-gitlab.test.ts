// Specialist reviews and review memory on GitLab, end to end: real merge request and note hooks → webhook server →
// real Temporal → main and agent workers → the local sandbox running the real runner (real git clone, the Anthropic
// SDK against the fake model, whose brain answers each specialist, the validator and the answerer) → one summary and
// inline comments on the fake GitLab; on merge, each finding's outcome per specialist in PostgreSQL (a database of this
// run's own), `forgebot memory stats`, a learning proposed from a person's reply, accepted with the CLI and told to the
// next review's brief.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { findingFingerprint, SUMMARY_MARKER } from '../src/domain/render.js';
import type { FakeAnthropic } from '../src/fakes/anthropic/fake-anthropic.js';
import { textOf } from '../src/fakes/anthropic/messages.js';
import { specialistOf, toolNamesOf } from '../src/fakes/anthropic/specialist-brain.js';
import type { FakeGitLab } from '../src/fakes/gitlab/fake-gitlab.js';
import { workerRegistry } from '../src/workers/metrics/forgebot-metrics.js';
import { statusQuery } from '../src/workflows/definitions.js';
import { closeAdmin, createTestDatabase, type TestDatabase, stackAudit } from './helpers/audit-database.js';
import { gitlabNoteDelivery } from './helpers/command-e2e.js';
import { E2E_GITLAB_TOKEN, startFixtureWorld, type World } from './helpers/e2e-world.js';
import { forgebotCommand } from './helpers/forgebot-command.js';
import { eventually, type Stack } from './helpers/forgebot-stack.js';
import { TestRepo } from './helpers/git-repo.js';
import { newCommitsDelivery } from './helpers/new-commits-delivery.js';
import { mergeRequestDelivery, specialistBrain, type BrainScript } from './helpers/specialist-world.js';
import { deliver } from './helpers/webhook-server.js';

const FORGEBOT_ID = 99;
const SETTINGS = [
  'pipeline:',
  '  single_reviewer_below_lines: 0',
  '  max_parallel: 2',
  '  specialists:',
  '    typescript: { min_changed_lines: 1 }',
  '    tests: { when: never }',
  '',
].join('\n');
const SESSION = [
  'export interface Session { user: string; token: string; exp: number }',
  '',
  'export function expired(session: Session): boolean {',
  '  // exp is in seconds',
  '  return session.exp < Date.now();',
  '}',
  '',
  'export function sameToken(session: Session, token: string): boolean {',
  '  return session.token === token;',
  '}',
  '',
  'export function claims(raw: string) {',
  '  const parsed: any = JSON.parse(raw);',
  '  return parsed;',
  '}',
  '',
  'export function loginRedirect(next: string): string {',
  '  return `/login?next=${next}`;',
  '}',
  '',
  ...Array.from({ length: 15 }, (_, index) => `export const limit${index} = ${index};`),
  '',
].join('\n');
const SESSION_FIXED = SESSION.replace('  return session.token === token;', '  return timingSafeEqual(Buffer.from(session.token), Buffer.from(token));');
const PATH = 'src/auth/session.ts';

const finding = (line: number, severity: string, category: string, title: string) => ({ path: PATH, line, side: 'new', severity, category, confidence: 0.9, title, body: `${title}: explained, with the fix.` });
const EXPIRY = finding(5, 'major', 'bug', 'Expiry compares seconds with milliseconds');
const TIMING = finding(9, 'major', 'security', 'Token compared with ===');
const TIMING_AGAIN = finding(9, 'minor', 'security', 'Non-constant-time token comparison');
const ANY = finding(13, 'minor', 'maintainability', 'Claims typed as any');
const REDIRECT = finding(18, 'major', 'security', 'Open redirect through next');
const UNUSED = finding(22, 'major', 'bug', 'Limit constants are never read');
/** forgebot_finding_outcomes_total{specialist, outcome} of the workers (in this process). */
async function counted(specialist: string, outcome: string): Promise<number> {
  const metric = await workerRegistry.getSingleMetric('forgebot_finding_outcomes_total')?.get();
  return metric?.values.find((value) => value.labels.specialist === specialist && value.labels.outcome === outcome)?.value ?? 0;
}
const fp = (f: { path: string; category: string; title: string }) => findingFingerprint(f as Parameters<typeof findingFingerprint>[0]);

describe('specialist reviews and review memory on GitLab, end to end', () => {
  let world: World;
  let env: TestWorkflowEnvironment;
  let repo: TestRepo;
  let gitlab: FakeGitLab;
  let model: FakeAnthropic;
  let stack: Stack;
  let auditDb: TestDatabase;
  let developer: { id: number; username: string };
  let learningId: string;
  const script: BrainScript = { reviewers: {}, refuteLines: [] };
  const cli = (args: string[]) => forgebotCommand(args, { DATABASE_URL: auditDb.url, LOG_LEVEL: 'warn' });
  const send = (delivery: { headers: Record<string, string>; body: string }) => deliver(stack.server.url, delivery.headers, delivery.body);
  const summaryOf = (iid: number) => gitlab.notes(1, iid).find((note) => note.body.startsWith(SUMMARY_MARKER));
  const threadOf = (title: string) => gitlab.discussions(1, 1).find((discussion) => discussion.notes[0]?.type === 'DiffNote' && discussion.notes[0].body.includes(`**${title}**`));
  const handle = (iid: number) => env.client.workflow.getHandle(`review:gitlab:1:${iid}`);
  const agentJobs = async (iid: number) => (await auditDb.openStore().list({ subject: `change:gitlab:1:${iid}` })).filter((row) => row.kind === 'agent-job');
  /** The discussion as GitLab's API answers it (what the forge reads), not the fake's state. */
  const apiDiscussion = async (id: string) => {
    const response = await fetch(`${gitlab.url}/api/v4/projects/1/merge_requests/1/discussions/${id}`, { headers: { 'PRIVATE-TOKEN': E2E_GITLAB_TOKEN } });
    return (await response.json()) as { notes: Array<{ resolved: boolean; resolved_by: { id: number; username: string } | null; resolved_at: string | null }> };
  };

  before(async () => {
    repo = await TestRepo.create({ 'src/app.ts': 'export const app = 1;\n', 'README.md': '# gitlab-test\n', '.forgebot.yml': SETTINGS }, 'master');
    for (const [branch, files] of [['skip-me', { 'src/app.ts': 'export const app = 2;\n' }], ['next-change', { 'README.md': '# gitlab-test\n\nMore words.\n' }]] as const) {
      await repo.branch(branch);
      await repo.commit(files, branch);
      await repo.checkout('master');
    }
    await repo.branch('ms-viewport');
    await repo.commit({ [PATH]: SESSION }, 'sessions');
    await repo.checkout('master');
    auditDb = await createTestDatabase();
    const store = auditDb.openStore();
    world = await startFixtureWorld(repo.dir, {
      vars: { FORGEBOT_GITLAB_USER_ID: String(FORGEBOT_ID) },
      brain: specialistBrain(script),
      stackOptions: { audit: stackAudit(store) },
    });
    ({ env, gitlab, model, stack } = world);
    developer = { id: gitlab.setMember({ projectId: 1 }, 'dev', 30).user.id, username: 'dev' };
  });
  after(async () => {
    await world?.stop();
    await repo?.remove();
    await auditDb?.drop();
    await closeAdmin();
  });

  test('a TS change touching an auth file → general, security and typescript in one agent job; one summary naming them; inline comments say who raised them', async () => {
    script.reviewers = {
      general: { summary: 'General view: expiry is off.', findings: [EXPIRY, TIMING_AGAIN, UNUSED] },
      security: { summary: 'Security view: two holes.', findings: [TIMING, REDIRECT] },
      typescript: { summary: 'TypeScript view: an any.', findings: [ANY] },
    };
    script.refuteLines = [UNUSED.line];
    assert.equal((await send(mergeRequestDelivery({ iid: 1, sourceBranch: 'ms-viewport' }))).status, 202);
    const summary = await eventually(() => summaryOf(1), 'the summary note', 120_000);
    const body = summary.body;
    assert.match(body, /\*\*Reviewed by:\*\* general \(default\) · security \(1 changed security-sensitive file \(\d+ lines\)\) · typescript \(1 changed \.ts file \(\d+ lines\)\)/);
    assert.match(body, /\*\*Security\*\* \(2\)\n\n- .* `src\/auth\/session\.ts:9` Token compared with === — raised by security, general\n- .* `src\/auth\/session\.ts:18` Open redirect through next — raised by security/);
    assert.match(body, /\*\*Bugs\*\* \(1\)\n\n- .* `src\/auth\/session\.ts:5` Expiry compares seconds with milliseconds — raised by general/);
    assert.match(body, /\*\*Maintainability\*\* \(1\)\n\n- .* `src\/auth\/session\.ts:13` Claims typed as any — raised by typescript/);
    assert.match(body, /_How the reviews were combined:_ 1 duplicate merged; 4 blocker\/major findings re-checked against the code\./);
    assert.match(body, /1 finding dropped \(not confirmed, or merged away\)[\s\S]*`src\/auth\/session\.ts:22` Limit constants are never read — raised by general[\s\S]*Not confirmed by the validator/);
    assert.equal(gitlab.notes(1, 1).filter((note) => note.body.startsWith(SUMMARY_MARKER)).length, 1, 'one summary');

    const inline = await eventually(() => {
      const notes = gitlab.notes(1, 1).filter((note) => note.type === 'DiffNote');
      return notes.length === 4 ? notes : undefined;
    }, 'four inline comments');
    const byLine = new Map(inline.map((note) => [note.position?.new_line, note.body.split(/\r?\n/)[0]]));
    assert.match(byLine.get(9) ?? '', /\*\*major\*\* · security · confidence 0\.90 · raised by security, general$/);
    assert.match(byLine.get(5) ?? '', /· raised by general$/);
    assert.match(byLine.get(13) ?? '', /· raised by typescript$/);
    assert.match(byLine.get(18) ?? '', /· raised by security$/);
    assert.equal(byLine.has(22), false, 'the finding the validator refuted is not posted');

    const reviewers = model.requests.filter((request) => toolNamesOf(request).includes('submit_review'));
    assert.deepEqual(reviewers.map((request) => specialistOf(request)).sort(), ['general', 'security', 'typescript']);
    assert.equal(model.requests.filter((request) => toolNamesOf(request).includes('submit_verdicts')).length, 1, 'one validation pass');
    assert.equal(model.maxInFlight, 2, 'the specialists ran at once inside the job, never more than max_parallel');
    await eventually(async () => ((await handle(1).query(statusQuery)).reviewsCompleted === 1 ? true : undefined), 'the review counted');
    assert.equal((await agentJobs(1)).length, 1, 'one agent job for the whole review');
    assert.deepEqual(model.errors, []);
  });

  test('"false positive: …" in a finding thread → answered there, noted as the person\u2019s word on it', async () => {
    script.answer = { answer: 'Understood: the gateway sanitises next before it reaches this.', disposition: 'false-positive' };
    const thread = threadOf(REDIRECT.title)!;
    const reply = gitlab.addForeignReply(1, 1, thread.id, { body: 'false positive: we sanitise upstream in the gateway', author: developer.username });
    const response = await send(gitlabNoteDelivery({ note: reply, discussionId: thread.id, author: developer }));
    assert.equal(response.status, 202);
    const answer = await eventually(() => threadOf(REDIRECT.title)!.notes.slice(2).find((note) => note.author.id === FORGEBOT_ID), 'the answer in the thread');
    assert.match(answer.body, /^Understood: the gateway sanitises next/);
    const feedback = await eventually(async () => (await handle(1).query(statusQuery)).findingFeedback, 'the word recorded');
    assert.deepEqual(feedback.map((entry) => [entry.fingerprint, entry.disposition, entry.by]), [[fp(REDIRECT), 'false-positive', 'dev']]);
    assert.deepEqual(model.errors, []);
  });

  test('a push fixing the comparison → the security specialist reports it fixed; forgebot resolves its thread, as itself', async () => {
    script.reviewers = {
      general: { summary: 'General: nothing new.', findings: [] },
      security: { summary: 'Security: the comparison is constant-time now.', findings: [], fixed: [fp(TIMING)] },
      typescript: { summary: 'TypeScript: fine.', findings: [] },
    };
    await repo.checkout('ms-viewport');
    const beforeSha = await repo.git('rev-parse', 'HEAD');
    const sha = await repo.commit({ [PATH]: SESSION_FIXED }, 'constant-time comparison');
    await repo.checkout('master');
    await gitlab.refreshMergeRequest(1, 1);
    assert.equal((await send(newCommitsDelivery(beforeSha, sha))).status, 202);
    const summary = await eventually(() => (summaryOf(1)?.body.includes(sha.slice(0, 12)) ? summaryOf(1) : undefined), 'the summary of the push', 120_000);
    assert.match(summary.body, /1 earlier finding fixed by the new commits: its thread was resolved/);
    const timing = threadOf(TIMING.title)!;
    const served = await apiDiscussion(timing.id);
    assert.deepEqual(served.notes.map((note) => [note.resolved, note.resolved_by?.id, note.resolved_by?.username]), [[true, FORGEBOT_ID, 'forgebot']]);
    assert.ok(served.notes[0]?.resolved_at && !Number.isNaN(Date.parse(served.notes[0].resolved_at)));
    const open = await apiDiscussion(threadOf(EXPIRY.title)!.id);
    assert.deepEqual(open.notes.map((note) => [note.resolved, note.resolved_by, note.resolved_at]), [[false, null, null]], 'an open thread: resolved_by and resolved_at null');
    const findingThreads = gitlab.discussions(1, 1).filter((discussion) => discussion.notes[0]?.type === 'DiffNote' && discussion.notes[0].author.id === FORGEBOT_ID);
    assert.equal(findingThreads.length, 4, 'nothing posted again');
    assert.deepEqual(model.errors, []);
  });

  test('a person resolves another thread; the MR is merged → each outcome per specialist in PostgreSQL, memory stats, a proposed learning', async () => {
    gitlab.resolveDiscussion(1, 1, threadOf(EXPIRY.title)!.id, true, developer.username);
    assert.equal((await apiDiscussion(threadOf(EXPIRY.title)!.id)).notes[0]?.resolved_by?.username, 'dev');
    const expected = [['general', 'fixed'], ['general', 'resolved'], ['security', 'false-positive'], ['security', 'fixed'], ['typescript', 'ignored']] as const;
    const countsBefore = await Promise.all(expected.map(([specialist, outcome]) => counted(specialist, outcome)));
    gitlab.setMergeRequestState(1, 1, 'merged');
    const response = await send(mergeRequestDelivery({ iid: 1, sourceBranch: 'ms-viewport', action: 'merge' }));
    assert.equal(response.json.status, 'merged');
    assert.equal((await handle(1).result()).phase, 'closed');

    const { rows } = await auditDb.sql.query<{ fingerprint: string; specialist: string; outcome: string; category: string; severity: string; repository: string }>(
      'SELECT fingerprint, specialist, outcome, category, severity, repository FROM forgebot_finding_outcomes WHERE change_number = 1 ORDER BY specialist, outcome',
    );
    assert.deepEqual(rows.map((row) => [row.specialist, row.outcome, row.fingerprint, row.category, row.severity]), [
      ['general', 'fixed', fp(TIMING), 'security', 'major'],
      ['general', 'resolved', fp(EXPIRY), 'bug', 'major'],
      ['security', 'false-positive', fp(REDIRECT), 'security', 'major'],
      ['security', 'fixed', fp(TIMING), 'security', 'major'],
      ['typescript', 'ignored', fp(ANY), 'maintainability', 'minor'],
    ]);
    assert.ok(rows.every((row) => row.repository === 'gitlabhq/gitlab-test'));
    const countsAfter = await Promise.all(expected.map(([specialist, outcome]) => counted(specialist, outcome)));
    assert.deepEqual(countsAfter.map((count, index) => count - countsBefore[index]!), [1, 1, 1, 1, 1], 'each outcome counted once in the metric');

    const stats = await cli(['memory', 'stats', '--json', '--repository', 'gitlabhq/gitlab-test']);
    assert.equal(stats.code, 0, stats.stderr);
    const numbers = (JSON.parse(stats.stdout) as Array<Record<string, number | string>>).map((row) => [row.specialist, row.findings, row.fixed, row.resolved, row.wontFix, row.falsePositive, row.ignored, row.acceptanceRate]);
    assert.deepEqual(numbers, [
      ['general', 2, 1, 1, 0, 0, 0, 1],
      ['security', 2, 1, 0, 0, 1, 0, 0.5],
      ['typescript', 1, 0, 0, 0, 0, 1, 0],
    ]);

    const listed = await cli(['learnings', 'list', '--json', '--status', 'proposed']);
    assert.equal(listed.code, 0, listed.stderr);
    const proposed = JSON.parse(listed.stdout) as Array<{ id: string; repository: string; text: string; author: string; specialist?: string; sourceChange?: number }>;
    assert.equal(proposed.length, 1);
    assert.deepEqual([proposed[0]!.repository, proposed[0]!.author, proposed[0]!.specialist, proposed[0]!.sourceChange], ['gitlabhq/gitlab-test', 'dev', 'security', 1]);
    assert.equal(proposed[0]!.text, '"Open redirect through next" (src/auth/session.ts) was marked false positive: we sanitise upstream in the gateway');
    learningId = proposed[0]!.id;
  });

  test('the learning accepted with the CLI → the next merge request\u2019s review brief tells it, fenced', async () => {
    const accepted = await cli(['learnings', 'accept', learningId, '--as', 'maria']);
    assert.equal(accepted.code, 0, accepted.stderr);
    assert.match(accepted.stdout, new RegExp(`^accepted ${learningId} for gitlabhq/gitlab-test \\(expires \\d{4}-`));

    await gitlab.addMergeRequest({ projectId: 1, iid: 3, title: 'More words', sourceBranch: 'next-change', targetBranch: 'master' });
    script.reviewers = { single: { summary: 'Docs only: fine.', findings: [] } };
    const requestsBefore = model.requests.length;
    assert.equal((await send(mergeRequestDelivery({ iid: 3, sourceBranch: 'next-change' }))).status, 202);
    await eventually(() => summaryOf(3), 'the summary of !3', 120_000);
    const [brief, ...more] = model.requests.slice(requestsBefore).map((request) => textOf(request.messages[0]!.content));
    assert.equal(more.length, 0, 'a README change: general alone, one conversation');
    assert.ok(brief?.includes(
      `<repository-learning id="${learningId}" applies-to="security">\n"Open redirect through next" (src/auth/session.ts) was marked false positive: we sanitise upstream in the gateway\n</repository-learning>`,
    ), brief);
    assert.match(brief!, /Learnings the maintainers of this repository accepted/);
    assert.deepEqual(model.errors, []);
  });

  test('a merge request labelled skip-review → the "not reviewed: label" note, and no agent job', async () => {
    await gitlab.addMergeRequest({ projectId: 1, iid: 2, title: 'Skip me', sourceBranch: 'skip-me', targetBranch: 'master', labels: ['skip-review'] });
    const requestsBefore = model.requests.length;
    assert.equal((await send(mergeRequestDelivery({ iid: 2, sourceBranch: 'skip-me' }))).status, 202);
    const note = await eventually(() => summaryOf(2), 'the note on !2');
    assert.match(note.body, /Not reviewed: the change has the label `skip-review`; remove it to get a review\./);
    const status = await handle(2).query(statusQuery);
    assert.equal(status.reviewsCompleted ?? 0, 0);
    assert.deepEqual(await agentJobs(2), [], 'no agent job');
    assert.equal(model.requests.length, requestsBefore, 'the model was not asked');
    assert.deepEqual(model.errors, []);
  });
});
