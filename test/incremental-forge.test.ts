// What incremental review needs from GitLab, through the real gitbeaker client against the fake GitLab: files at
// the target branch's commit, forgebot's finding threads with their resolved state, and resolving one.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createGitLabClient, createGitLabForge } from '../src/activities/gitlab/index.js';
import type { Forge } from '../src/activities/forge.js';
import { readReviewContext } from '../src/activities/review-context.js';
import type { ChangeRef } from '../src/domain/change-ref.js';
import type { Finding } from '../src/domain/finding.js';
import { findingFingerprint, renderInlineComment } from '../src/domain/render.js';
import { createFakeGitLab } from '../src/fakes/gitlab/fake-gitlab.js';
import { featureRepo, type FeatureRepo } from './helpers/git-repo.js';

const TOKEN = 'glpat-incremental-test-0123';
const finding = (line: number, title: string): Finding => ({ path: 'src/app.ts', line, side: 'new', severity: 'major', category: 'bug', confidence: 0.9, title, body: `${title}.` });

describe('GitLab forge for incremental reviews (gitbeaker → fake GitLab)', () => {
  const gitlab = createFakeGitLab({ token: TOKEN });
  let made: FeatureRepo;
  let forge: Forge;
  const ref: ChangeRef = { forge: 'gitlab', projectId: 42, projectPath: 'group/app', number: 3 };

  before(async () => {
    made = await featureRepo(0, { advanceMain: true });
    await made.repo.commit({ '.forgebot.yml': 'reviewer:\n  max_findings: 3\n  bogus: 1\n', 'CLAUDE.md': 'Target rules.\n', 'docs/deep/nested.md': 'deep\n' }, 'settings on main');
    await gitlab.start();
    gitlab.addProject({ id: 42, pathWithNamespace: 'group/app', repoDir: made.repo.dir });
    await gitlab.addMergeRequest({ projectId: 42, iid: 3, title: 'Feature', sourceBranch: 'feature', targetBranch: 'main' });
    forge = createGitLabForge(createGitLabClient({ host: gitlab.url, token: TOKEN, timeoutMs: 5_000 }));
  });
  after(async () => {
    await gitlab.stop();
    await made.repo.remove();
  });

  test('readFile: a file at a commit (nested paths too); undefined when it is not there', async () => {
    const snapshot = await forge.getChange(ref);
    assert.equal(await forge.readFile!(ref, 'CLAUDE.md', snapshot.startSha), 'Target rules.\n');
    assert.equal(await forge.readFile!(ref, 'docs/deep/nested.md', snapshot.startSha), 'deep\n');
    assert.equal(await forge.readFile!(ref, 'CLAUDE.md', snapshot.headSha), undefined, 'the source branch does not have it');
    assert.equal(await forge.readFile!(ref, 'src/new.ts', snapshot.headSha), 'export const created = true;\n');
    assert.ok(gitlab.requests.includes('GET /projects/42/repository/files/docs%2Fdeep%2Fnested.md/raw'), 'the path is one URL-encoded segment, as GitLab wants it');
  });

  test("findingThreads: only forgebot's own finding threads, parsed, with their resolved state; resolveThread resolves one", async () => {
    const snapshot = await forge.getChange(ref);
    const refs = { baseSha: snapshot.baseSha, startSha: snapshot.startSha, headSha: snapshot.headSha };
    const target = (line: number) => ({ refs, oldPath: 'src/app.ts', newPath: 'src/app.ts', position: { newLine: line } });
    const one = finding(3, 'Subtraction in add()');
    const two = finding(6, 'Unused d');
    const posted = await forge.postInlineComment(ref, target(3), renderInlineComment(one));
    await forge.postInlineComment(ref, target(6), renderInlineComment(two));
    gitlab.addForeignNote(42, 3, { body: renderInlineComment(finding(3, 'Quoted by a human')) });

    const threads = await forge.findingThreads!(ref);
    assert.deepEqual(threads.map((t) => [t.fingerprint, t.path, t.line, t.severity, t.category, t.title, t.resolved]), [
      [findingFingerprint(one), 'src/app.ts', 3, 'major', 'bug', 'Subtraction in add()', false],
      [findingFingerprint(two), 'src/app.ts', 6, 'major', 'bug', 'Unused d', false],
    ]);
    await forge.resolveThread!(ref, posted.id);
    gitlab.resolveDiscussion(42, 3, threads[1]!.threadId); // a person resolves the other one
    assert.deepEqual((await forge.findingThreads!(ref)).map((t) => t.resolved), [true, true]);
    gitlab.resolveDiscussion(42, 3, threads[1]!.threadId, false);

    // The review context: settings and guidelines from the target branch's commit, problems reported, threads split.
    const context = await readReviewContext(forge, snapshot, 'f'.repeat(40));
    assert.equal(context.settings.reviewer.max_findings, 20, 'an invalid file means every default');
    assert.match(context.notices.join('\n'), /\.forgebot\.yml: reviewer: Unrecognized key: "bogus"/);
    assert.deepEqual(context.guidelines.map((g) => [g.path, g.text]), [['CLAUDE.md', 'Target rules.\n']]);
    assert.deepEqual(context.priorFindings.map((p) => p.title), ['Unused d']);
    assert.deepEqual(context.resolvedFingerprints, [findingFingerprint(one)]);
    assert.equal(context.lastReviewedSha, 'f'.repeat(40));
  });
});
