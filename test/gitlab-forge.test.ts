// The GitLab Forge through the real gitbeaker client, against the fake GitLab backed by a real git repository.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createGitLabClient, createGitLabForge } from '../src/activities/gitlab/index.js';
import { ForgeError, type Forge } from '../src/activities/forge.js';
import type { ChangeRef } from '../src/domain/change-ref.js';
import { positionInDiff } from '../src/domain/diff-position.js';
import { SUMMARY_MARKER, findingFingerprint, renderInlineComment } from '../src/domain/render.js';
import type { Finding } from '../src/domain/finding.js';
import { FakeGitLab } from '../src/fakes/gitlab/fake-gitlab.js';
import { featureRepo, type TestRepo } from './helpers/git-repo.js';

const TOKEN = 'glpat-test-token';

describe('GitLab forge (gitbeaker → fake GitLab)', () => {
  const gitlab = new FakeGitLab({ token: TOKEN });
  let forge: Forge;
  let repo: TestRepo;
  let shas: { baseSha: string; headSha: string };
  const ref: ChangeRef = { forge: 'gitlab', projectId: 42, projectPath: 'group/app', number: 3 };

  before(async () => {
    const made = await featureRepo(105);
    repo = made.repo;
    shas = made;
    await gitlab.start();
    gitlab.addProject({ id: 42, pathWithNamespace: 'group/app', repoDir: repo.dir });
    await gitlab.addMergeRequest({ projectId: 42, iid: 3, title: 'Feature', sourceBranch: 'feature', targetBranch: 'main' });
    forge = createGitLabForge(createGitLabClient({ host: gitlab.url, token: TOKEN, timeoutMs: 5_000 }));
  });
  after(async () => {
    await gitlab.stop();
    await repo?.remove();
  });

  test('reads the change: diff refs of the latest version and every changed file across pages', async () => {
    const snapshot = await forge.getChange(ref);
    assert.equal(snapshot.headSha, shas.headSha);
    assert.equal(snapshot.baseSha, shas.baseSha);
    assert.equal(snapshot.startSha, shas.baseSha);
    assert.equal(snapshot.state, 'opened');
    assert.equal(snapshot.files.length, 107, 'src/app.ts, src/new.ts and 105 generated files: two pages of 100');
    assert.equal(gitlab.requests.filter((r) => r.endsWith('/diffs')).length, 2, 'followed the Link header to page 2');
    const app = snapshot.files.find((file) => file.newPath === 'src/app.ts');
    assert.ok(app);
    assert.match(app.diff, /^@@ -1,7 \+1,7 @@/);
    assert.equal(snapshot.files.find((file) => file.newPath === 'src/new.ts')?.newFile, true);
    assert.equal(snapshot.cloneUrl, `file://${repo.dir}`);
    assert.ok(gitlab.requests.some((r) => r.endsWith('/diffs')), 'read through the diffs endpoint');
  });

  test('the summary note is created once, then edited in place', async () => {
    const first = await forge.upsertSummary(ref, `${SUMMARY_MARKER}\nfirst`);
    const second = await forge.upsertSummary(ref, `${SUMMARY_MARKER}\nsecond`);
    assert.equal(first.created, true);
    assert.equal(second.created, false);
    assert.equal(second.id, first.id);
    const summaries = gitlab.notes(42, 3).filter((note) => note.body.startsWith(SUMMARY_MARKER));
    assert.equal(summaries.length, 1);
    assert.equal(summaries[0]?.body, `${SUMMARY_MARKER}\nsecond`);
  });

  test('inline comments land at GitLab positions: added → new_line, removed → old_line, context → both', async () => {
    const snapshot = await forge.getChange(ref);
    const app = snapshot.files.find((file) => file.newPath === 'src/app.ts')!;
    const refs = { baseSha: snapshot.baseSha, startSha: snapshot.startSha, headSha: snapshot.headSha };
    const cases = [
      { line: 3, side: 'new' as const, expected: { old_line: null, new_line: 3 } },
      { line: 2, side: 'old' as const, expected: { old_line: 2, new_line: null } },
      { line: 5, side: 'new' as const, expected: { old_line: 6, new_line: 5 } },
    ];
    for (const { line, side, expected } of cases) {
      const position = positionInDiff(app.diff, line, side);
      assert.ok(position, `line ${line} (${side}) is in the diff`);
      await forge.postInlineComment(ref, { refs, oldPath: app.oldPath, newPath: app.newPath, position }, `comment on ${side} ${line}`);
      const note = gitlab.discussions(42, 3).at(-1)?.notes[0];
      assert.equal(note?.type, 'DiffNote');
      assert.deepEqual({ old_line: note?.position?.old_line, new_line: note?.position?.new_line }, expected);
      assert.equal(note?.position?.head_sha, snapshot.headSha);
    }
  });

  test('a position the diff does not show is refused: ERR_FORGE_INVALID', async () => {
    const snapshot = await forge.getChange(ref);
    const refs = { baseSha: snapshot.baseSha, startSha: snapshot.startSha, headSha: snapshot.headSha };
    await assert.rejects(
      forge.postInlineComment(ref, { refs, oldPath: 'src/app.ts', newPath: 'src/app.ts', position: { newLine: 5 } }, 'context line without old_line'),
      (error: unknown) => error instanceof ForgeError && error.code === 'ERR_FORGE_INVALID' && error.permanent,
    );
  });

  test('fingerprints of posted findings are found again', async () => {
    const snapshot = await forge.getChange(ref);
    const finding: Finding = { path: 'src/new.ts', line: 1, side: 'new', severity: 'minor', category: 'style', confidence: 0.8, title: 'Name it better', body: 'Use a clearer name.' };
    const file = snapshot.files.find((f) => f.newPath === 'src/new.ts')!;
    const refs = { baseSha: snapshot.baseSha, startSha: snapshot.startSha, headSha: snapshot.headSha };
    await forge.postInlineComment(ref, { refs, oldPath: file.oldPath, newPath: file.newPath, position: { newLine: 1 } }, renderInlineComment(finding));
    assert.ok((await forge.postedFindingFingerprints(ref)).has(findingFingerprint(finding)));
  });

  test('errors are typed: bad token, unknown project, GitLab unavailable', async () => {
    const badToken = createGitLabForge(createGitLabClient({ host: gitlab.url, token: 'wrong', timeoutMs: 5_000 }));
    await assert.rejects(badToken.getChange(ref), (error: unknown) => {
      assert.ok(error instanceof ForgeError);
      assert.equal(error.code, 'ERR_FORGE_UNAUTHORIZED');
      assert.doesNotMatch(error.message, /wrong/, 'the token is not in the message');
      return true;
    });
    await assert.rejects(forge.getChange({ ...ref, projectId: 999 }), (error: unknown) => error instanceof ForgeError && error.code === 'ERR_FORGE_NOT_FOUND');
    gitlab.failNext({ method: 'GET', pathPattern: /\/notes$/, status: 503, times: 1 });
    await assert.rejects(forge.upsertSummary(ref, `${SUMMARY_MARKER}\nx`), (error: unknown) => error instanceof ForgeError && error.code === 'ERR_FORGE_UNAVAILABLE' && !error.permanent);
  });
});
