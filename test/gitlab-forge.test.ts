// The GitLab Forge through the real gitbeaker client, against the fake GitLab backed by a real git repository.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createGitLabClient, createGitLabForge } from '../src/activities/gitlab/index.js';
import { redactSecrets } from '../src/domain/redact.js';
import { ForgeError, type Forge, type ForgeErrorCode } from '../src/activities/forge.js';
import type { ChangeRef } from '../src/domain/change-ref.js';
import type { ChangeSnapshot } from '../src/domain/change-snapshot.js';
import { positionInDiff } from '../src/domain/diff-position.js';
import type { Finding } from '../src/domain/finding.js';
import { SUMMARY_MARKER, findingFingerprint, renderInlineComment } from '../src/domain/render.js';
import { createFakeGitLab } from '../src/fakes/gitlab/fake-gitlab.js';
import { APP_LINES, FEATURE_FILES, featureRepo, type FeatureRepo } from './helpers/git-repo.js';

const TOKEN = 'glpat-forge-test-token-0123';
const EXTRA_FILES = 120;

function isForgeError(code: ForgeErrorCode, check: (error: ForgeError) => void = () => {}) {
  return (error: unknown) => {
    assert.ok(error instanceof ForgeError, String(error));
    assert.equal(error.code, code, error.message);
    check(error);
    return true;
  };
}

const finding = (title: string): Finding => ({
  path: 'src/new.ts', line: 1, side: 'new', severity: 'minor', category: 'style', confidence: 0.8, title, body: `${title}.`,
});

describe('GitLab forge (gitbeaker → fake GitLab)', () => {
  const gitlab = createFakeGitLab({ token: TOKEN });
  let made: FeatureRepo;
  let forge: Forge;
  /** GitLab's default page size: lists need several pages. */
  let smallPages: Forge;
  const ref: ChangeRef = { forge: 'gitlab', projectId: 42, projectPath: 'group/app', number: 3 };
  const forgeFor = (options: { token?: string; perPage?: number; host?: string } = {}) =>
    createGitLabForge(createGitLabClient({ host: options.host ?? gitlab.url, token: options.token ?? TOKEN, timeoutMs: 5_000 }),
      options.perPage ? { perPage: options.perPage } : {});
  const refsOf = (snapshot: ChangeSnapshot) => ({ baseSha: snapshot.baseSha, startSha: snapshot.startSha, headSha: snapshot.headSha });

  before(async () => {
    made = await featureRepo(EXTRA_FILES, { advanceMain: true });
    await gitlab.start();
    gitlab.addProject({ id: 42, pathWithNamespace: 'group/app', repoDir: made.repo.dir });
    await gitlab.addMergeRequest({ projectId: 42, iid: 3, title: 'Feature', description: 'Adds things', sourceBranch: 'feature', targetBranch: 'main' });
    forge = forgeFor();
    smallPages = forgeFor({ perPage: 20 });
  });
  after(async () => {
    await gitlab.stop();
    await made.repo.remove();
  });

  test('reads the change: diff refs of the latest version and every changed file across pages', async () => {
    const before = gitlab.requests.length;
    const snapshot = await forge.getChange(ref);
    assert.deepEqual(
      [snapshot.baseSha, snapshot.startSha, snapshot.headSha],
      [made.baseSha, made.startSha, made.headSha],
    );
    assert.deepEqual([snapshot.title, snapshot.description, snapshot.state, snapshot.draft, snapshot.targetBranch], ['Feature', 'Adds things', 'opened', false, 'main']);
    assert.equal(snapshot.cloneUrl, `file://${made.repo.dir}`);
    assert.equal(snapshot.files.length, EXTRA_FILES + FEATURE_FILES);
    assert.equal(new Set(snapshot.files.map((file) => file.newPath)).size, snapshot.files.length, 'no page read twice');
    assert.equal(gitlab.requests.slice(before).filter((r) => r.endsWith('/diffs')).length, 2, 'followed the Link header to page 2');

    const app = snapshot.files.find((file) => file.newPath === 'src/app.ts');
    assert.match(app?.diff ?? '', /^@@ -1,7 \+1,7 @@/);
    assert.equal(snapshot.files.find((file) => file.newPath === 'src/new.ts')?.newFile, true);
    assert.equal(snapshot.files.find((file) => file.oldPath === 'obsolete.txt')?.deletedFile, true);
    assert.deepEqual(snapshot.files.filter((file) => file.renamedFile).map((file) => [file.oldPath, file.newPath]), [['docs/guide.md', 'docs/manual.md']]);
  });

  test('with GitLab’s default page size of 20, every file still arrives', async () => {
    const snapshot = await smallPages.getChange(ref);
    assert.equal(snapshot.files.length, EXTRA_FILES + FEATURE_FILES);
  });

  test('after a push, the snapshot is the newest diff version; state and draft follow the MR', async () => {
    await made.repo.checkout('feature');
    const pushed = await made.repo.commit({ 'src/pushed.ts': 'export const pushed = 1;\n' }, 'push');
    await made.repo.checkout('main');
    await gitlab.refreshMergeRequest(42, 3);
    gitlab.setDraft(42, 3, true);
    const snapshot = await forge.getChange(ref);
    assert.equal(snapshot.headSha, pushed);
    assert.ok(snapshot.files.some((file) => file.newPath === 'src/pushed.ts'));
    assert.equal(snapshot.draft, true);
    gitlab.setDraft(42, 3, false);
    gitlab.setMergeRequestState(42, 3, 'closed');
    assert.equal((await forge.getChange(ref)).state, 'closed');
    gitlab.setMergeRequestState(42, 3, 'opened');
  });

  test('a push while the change is being read: the snapshot is re-read, so diffs and SHAs match', async () => {
    let pushed = '';
    gitlab.beforeNext({
      method: 'GET',
      pathPattern: /\/diffs$/,
      action: async () => {
        await made.repo.checkout('feature');
        pushed = await made.repo.commit({ 'src/raced.ts': 'export const raced = 1;\n' }, 'raced push');
        await made.repo.checkout('main');
        await gitlab.refreshMergeRequest(42, 3);
      },
    });
    const snapshot = await forge.getChange(ref);
    assert.equal(snapshot.headSha, pushed);
    assert.ok(snapshot.files.some((file) => file.newPath === 'src/raced.ts'));
  });

  test('the summary note is created once, then edited in place — never a human’s note that quotes the marker', async () => {
    gitlab.addForeignNote(42, 3, { body: `quoting the bot:\n${SUMMARY_MARKER}\nold summary`, author: 'carol' });
    gitlab.addForeignNote(42, 3, { body: 'added 1 commit', author: 'carol', system: true });
    const first = await forge.upsertSummary(ref, `${SUMMARY_MARKER}\nfirst`);
    for (let index = 0; index < 25; index++) gitlab.addForeignNote(42, 3, { body: `chatter ${index}` });
    const second = await smallPages.upsertSummary(ref, `${SUMMARY_MARKER}\nsecond`);
    assert.deepEqual([first.created, second.created, second.id], [true, false, first.id]);
    const mine = gitlab.notes(42, 3).filter((note) => note.author.username === 'forgebot');
    assert.deepEqual(mine.map((note) => note.body), [`${SUMMARY_MARKER}\nsecond`]);
    assert.match(gitlab.notes(42, 3)[0]?.body ?? '', /old summary/, 'the human note is untouched');
  });

  test('inline comments land at GitLab positions: added → new_line, removed → old_line, context → both', async () => {
    const snapshot = await forge.getChange(ref);
    const app = snapshot.files.find((file) => file.newPath === 'src/app.ts');
    assert.ok(app);
    const cases = [
      { line: APP_LINES.added, side: 'new', expected: { old_line: null, new_line: APP_LINES.added } },
      { line: APP_LINES.modifiedNew, side: 'new', expected: { old_line: null, new_line: APP_LINES.modifiedNew } },
      { line: APP_LINES.removed, side: 'old', expected: { old_line: APP_LINES.removed, new_line: null } },
      { line: APP_LINES.context.newLine, side: 'new', expected: { old_line: APP_LINES.context.oldLine, new_line: APP_LINES.context.newLine } },
    ] as const;
    for (const { line, side, expected } of cases) {
      const position = positionInDiff(app.diff, line, side);
      assert.ok(position, `line ${line} (${side}) is in the diff`);
      const { id } = await forge.postInlineComment(ref, { refs: refsOf(snapshot), oldPath: app.oldPath, newPath: app.newPath, position }, `on ${side} ${line}`);
      const discussion = gitlab.discussions(42, 3).find((d) => d.id === id);
      const note = discussion?.notes[0];
      assert.equal(note?.type, 'DiffNote');
      assert.equal(note?.body, `on ${side} ${line}`);
      assert.deepEqual({ old_line: note?.position?.old_line, new_line: note?.position?.new_line }, expected);
      assert.deepEqual([note?.position?.base_sha, note?.position?.start_sha, note?.position?.head_sha], [snapshot.baseSha, snapshot.startSha, snapshot.headSha]);
    }
  });

  test('a position GitLab would refuse is ERR_FORGE_INVALID (permanent)', async () => {
    const snapshot = await forge.getChange(ref);
    const target = { refs: refsOf(snapshot), oldPath: 'src/app.ts', newPath: 'src/app.ts' };
    const before = gitlab.discussions(42, 3).length;
    const invalid = isForgeError('ERR_FORGE_INVALID', (error) => assert.equal(error.permanent, true));
    await assert.rejects(forge.postInlineComment(ref, { ...target, position: { newLine: APP_LINES.context.newLine } }, 'context without old_line'), invalid);
    await assert.rejects(forge.postInlineComment(ref, { ...target, position: { newLine: 99 } }, 'not in the diff'), invalid);
    await assert.rejects(
      forge.postInlineComment(ref, { ...target, refs: { ...target.refs, headSha: made.baseSha }, position: { newLine: APP_LINES.added } }, 'unknown version'),
      invalid,
    );
    assert.equal(gitlab.discussions(42, 3).length, before);
  });

  test('fingerprints of posted findings are found again, on every page, and only in forgebot’s notes', async () => {
    const snapshot = await forge.getChange(ref);
    const target = { refs: refsOf(snapshot), oldPath: 'src/new.ts', newPath: 'src/new.ts', position: { newLine: 1 } };
    const posted = finding('Name it better');
    await forge.postInlineComment(ref, target, renderInlineComment(posted));
    for (let index = 0; index < 25; index++) gitlab.addForeignNote(42, 3, { body: `more chatter ${index}` });
    const quoted = finding('Only quoted by a human');
    gitlab.addForeignNote(42, 3, { body: `> ${renderInlineComment(quoted)}`, author: 'mallory' });
    const fingerprints = await smallPages.postedFindingFingerprints(ref);
    assert.ok(fingerprints.has(findingFingerprint(posted)));
    assert.ok(!fingerprints.has(findingFingerprint(quoted)), 'a human cannot suppress findings by quoting a marker');
    assert.ok(gitlab.discussions(42, 3).length > 40, 'the discussions span several pages of 20');
  });

  test('errors are typed: bad token, unknown project or MR — permanent, and never showing the token', async () => {
    const badToken = 'glpat-wrong-token-999999';
    await assert.rejects(forgeFor({ token: badToken }).getChange(ref), isForgeError('ERR_FORGE_UNAUTHORIZED', (error) => {
      assert.equal(error.permanent, true);
      assert.doesNotMatch(error.message, /glpat-/);
    }));
    await assert.rejects(forge.getChange({ ...ref, projectId: 999 }), isForgeError('ERR_FORGE_NOT_FOUND'));
    await assert.rejects(forge.upsertSummary({ ...ref, number: 77 }, 'x'), isForgeError('ERR_FORGE_NOT_FOUND'));
    assert.equal(redactSecrets(`GitLab said: token glpat-abcdefghijkl is bad; Bearer abcdefghijklmnop`), 'GitLab said: token [redacted] is bad; [redacted]');
  });

  test('errors are typed: 5xx and network failures are retryable ERR_FORGE_UNAVAILABLE', async () => {
    gitlab.failNext({ method: 'GET', pathPattern: /\/notes$/, status: 503, times: 3 });
    await assert.rejects(forge.upsertSummary(ref, `${SUMMARY_MARKER}\nx`), isForgeError('ERR_FORGE_UNAVAILABLE', (error) => assert.equal(error.permanent, false)));
    gitlab.failNext({ method: 'POST', pathPattern: /\/discussions$/, status: 500, times: 1 });
    const snapshot = await forge.getChange(ref);
    await assert.rejects(
      forge.postInlineComment(ref, { refs: refsOf(snapshot), oldPath: 'src/new.ts', newPath: 'src/new.ts', position: { newLine: 1 } }, 'x'),
      isForgeError('ERR_FORGE_UNAVAILABLE'),
    );
    const closed = createFakeGitLab({ token: TOKEN });
    const { url } = await closed.start();
    await closed.stop();
    await assert.rejects(forgeFor({ host: url }).getChange(ref), isForgeError('ERR_FORGE_UNAVAILABLE'));
  });

  test('429 with a short Retry-After is retried in place; a long one becomes the retry delay handed to Temporal', async () => {
    const discussionReads = () => gitlab.requests.filter((line) => /^GET .*\/discussions$/.test(line)).length;
    gitlab.failNext({ method: 'GET', pathPattern: /\/discussions$/, status: 429, times: 2, headers: { 'Retry-After': '0' } });
    let before = discussionReads();
    assert.ok((await forge.postedFindingFingerprints(ref)).size > 0, 'two 429s were retried through');
    assert.equal(discussionReads() - before, 3, 'two refusals and one answer');

    gitlab.failNext({ method: 'GET', pathPattern: /\/discussions$/, status: 429, times: 1, headers: { 'Retry-After': '30' } });
    before = discussionReads();
    await assert.rejects(
      forge.postedFindingFingerprints(ref),
      isForgeError('ERR_FORGE_RATE_LIMITED', (error) => assert.deepEqual([error.permanent, error.retryAfterMs], [false, 30_000])),
    );
    assert.equal(discussionReads() - before, 1, 'a 30 s wait is not spent inside the activity');
  });

  test('502/503 on a read are retried a few times with backoff, then ERR_FORGE_UNAVAILABLE; a failed POST is not repeated in place', async () => {
    gitlab.failNext({ method: 'GET', pathPattern: /\/discussions$/, status: 502, times: 2 });
    assert.ok((await forge.postedFindingFingerprints(ref)).size > 0);
    gitlab.failNext({ method: 'GET', pathPattern: /\/discussions$/, status: 503, times: 3 });
    await assert.rejects(forge.postedFindingFingerprints(ref), isForgeError('ERR_FORGE_UNAVAILABLE', (error) => assert.equal(error.permanent, false)));
    const posts = () => gitlab.requests.filter((line) => line.startsWith('POST ')).length;
    gitlab.failNext({ method: 'POST', pathPattern: /\/discussions$/, status: 502, times: 1 });
    const target = { refs: refsOf(await forge.getChange(ref)), oldPath: 'src/new.ts', newPath: 'src/new.ts', position: { newLine: 1 } };
    const before = posts();
    await assert.rejects(forge.postInlineComment(ref, target, 'x'), isForgeError('ERR_FORGE_UNAVAILABLE'));
    assert.equal(posts() - before, 1);
  });
});
