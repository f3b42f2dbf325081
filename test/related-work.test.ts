// Related work for the summary: merged changes that touched the same files, and the issues the description links —
// through the real client libraries against the fake forges (real git history behind them), and the parsing alone.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createGitHubConnection, createGitHubForge } from '../src/activities/github/index.js';
import { createGitLabClient, createGitLabForge } from '../src/activities/gitlab/index.js';
import { gatherRelatedWork, linkedIssueReferences, type RelatedSources } from '../src/activities/related-work.js';
import type { Forge } from '../src/activities/forge.js';
import type { ChangeRef } from '../src/domain/change-ref.js';
import { FakeGitHub } from '../src/fakes/github/fake-github.js';
import { createFakeGitLab } from '../src/fakes/gitlab/fake-gitlab.js';
import { TestRepo } from './helpers/git-repo.js';

const GITLAB_TOKEN = 'glpat-related-test-token-0123';
const GITHUB_TOKEN = 'ghp_relatedtoken0123456789abcdefABCDEF01';

/**
 * main ← merged `fix-app` (src/app.ts), merged `docs` (README.md only), open `wip` (src/app.ts), merged `partial`
 * (adds src/new.ts); then `feature` from `partial` (its commit is in this change's branch too): src/app.ts, src/new.ts.
 */
async function history(): Promise<TestRepo> {
  const repo = await TestRepo.create({ 'src/app.ts': 'export const total = 1;\n', 'README.md': '# app\n' });
  for (const [branch, files] of [
    ['fix-app', { 'src/app.ts': 'export const total = 2;\n' }],
    ['docs', { 'README.md': '# app\n\nMore.\n' }],
    ['wip', { 'src/app.ts': 'export const total = 3;\n' }],
  ] as const) {
    await repo.branch(branch, 'main');
    await repo.commit(files, `${branch} work`);
    await repo.checkout('main');
  }
  await repo.branch('partial', 'main');
  await repo.commit({ 'src/new.ts': 'export const part = true;\n' }, 'partial work');
  await repo.branch('feature', 'partial');
  await repo.commit({ 'src/app.ts': 'export const total = 4;\n', 'src/new.ts': 'export const part = false;\n' }, 'feature work');
  await repo.checkout('main');
  return repo;
}

describe('linked issues in a description', () => {
  test('#n, Closes #n, project references and same-forge URLs; not code, other hosts or merge requests', () => {
    const description = [
      'Closes #4 and fixes group/sub/other#3.',
      'See https://gitlab.example.com/group/app/-/issues/12 and https://elsewhere.example/group/app/-/issues/13.',
      'Not `#99`, not !7, not &#35; or https://gitlab.example.com/group/app#20.',
      '```',
      '#98',
      '```',
      'Again #4.',
    ].join('\n');
    const found = linkedIssueReferences({ forge: 'gitlab', projectPath: 'group/app', number: 7, webOrigin: 'https://gitlab.example.com', description });
    assert.deepEqual(found.map((reference) => reference.reference), ['#12', '#4', 'group/sub/other#3']);
    assert.deepEqual(found.find((reference) => reference.number === 3)?.project, 'group/sub/other');
  });

  test('GitHub: owner/repo#n, its issue URLs, never the pull request itself; at most five', () => {
    const description = 'Fixes #7 (this PR), #1 #2 #3 octo/lib#5 https://github.com/acme/widgets/issues/9 #6 #8';
    const found = linkedIssueReferences({ forge: 'github', projectPath: 'acme/widgets', number: 7, webOrigin: 'https://github.com', description });
    assert.deepEqual(found.map((reference) => reference.reference), ['#9', '#1', '#2', '#3', 'octo/lib#5']);
  });
});

describe('gathering related work', () => {
  test('newest merged first, this change and unmerged ones left out, a failing lookup listed without title', async () => {
    const sources: RelatedSources = {
      commitsTouching: async (path) => (path === 'a.ts' ? [{ sha: 'c1', date: '2026-01-01T00:00:00Z', path }, { sha: 'c2', date: '2026-02-01T00:00:00Z', path }] : Promise.reject(new Error('boom'))),
      changesOfCommit: async (sha) =>
        sha === 'c1'
          ? [{ number: 3, title: 'Older', merged: true, mergedAt: '2026-01-02T00:00:00Z' }, { number: 9, title: 'This one', merged: true, mergedAt: '2026-01-03T00:00:00Z' }]
          : [{ number: 4, title: 'Newer', merged: true, mergedAt: '2026-02-02T00:00:00Z' }, { number: 5, title: 'Open', merged: false }],
      issue: async (reference) => (reference.number === 1 ? { title: 'Bug', state: 'opened' } : Promise.reject(new Error('404'))),
    };
    const related = await gatherRelatedWork(sources, {
      forge: 'gitlab', projectPath: 'g/p', number: 9, description: 'Closes #1, #2', paths: ['a.ts', 'b.ts'], now: new Date('2026-03-01T00:00:00Z'), deadline: Date.now() + 10_000,
    });
    assert.deepEqual(related.changes.map((change) => [change.number, change.paths]), [[4, ['a.ts']], [3, ['a.ts']]]);
    assert.deepEqual(related.issues, [{ reference: '#1', title: 'Bug', state: 'opened' }, { reference: '#2' }]);
  });
});

describe('related work on GitLab (gitbeaker → fake GitLab)', () => {
  const gitlab = createFakeGitLab({ token: GITLAB_TOKEN });
  let repo: TestRepo;
  let forge: Forge;
  const ref: ChangeRef = { forge: 'gitlab', projectId: 42, projectPath: 'group/app', number: 5 };

  before(async () => {
    repo = await history();
    await gitlab.start();
    gitlab.addProject({ id: 42, pathWithNamespace: 'group/app', repoDir: repo.dir });
    gitlab.addProject({ id: 43, pathWithNamespace: 'group/other', repoDir: repo.dir });
    const api = createGitLabClient({ host: gitlab.url, token: GITLAB_TOKEN, timeoutMs: 5_000 });
    for (const [iid, branch, title] of [[1, 'fix-app', 'Fix app totals'], [2, 'docs', 'Docs'], [3, 'wip', 'Work in progress'], [4, 'partial', 'Partial']] as const) {
      await gitlab.addMergeRequest({ projectId: 42, iid, title, sourceBranch: branch, targetBranch: 'main' });
      if (branch !== 'wip') await api.MergeRequests.merge(42, iid);
    }
    const description = `Closes #10; see #11, group/other#2 and ${gitlab.url}/group/app/-/issues/12. Not \`#13\`.`;
    await gitlab.addMergeRequest({ projectId: 42, iid: 5, title: 'Feature', description, sourceBranch: 'feature', targetBranch: 'main', labels: ['security-review', 'skip-review'] });
    gitlab.addIssue(42, { iid: 10, title: 'Totals are wrong' });
    gitlab.addIssue(42, { iid: 12, title: 'Old report', state: 'closed' });
    gitlab.addIssue(43, { iid: 2, title: 'Elsewhere' });
    forge = createGitLabForge(api);
  });
  after(async () => {
    await gitlab.stop();
    await repo.remove();
  });

  test('the snapshot carries the merge request labels', async () => {
    assert.deepEqual((await forge.getChange(ref)).labels, ['security-review', 'skip-review']);
  });

  test('merged merge requests touching the same files, newest first; this one, open and unrelated ones left out', async () => {
    const snapshot = await forge.getChange(ref);
    const related = await forge.relatedWork!(ref, snapshot);
    assert.deepEqual(related.changes.map((change) => [change.number, change.title, change.paths]), [
      [4, 'Partial', ['src/new.ts']],
      [1, 'Fix app totals', ['src/app.ts']],
    ]);
    assert.match(related.changes[0]?.url ?? '', /\/group\/app\/-\/merge_requests\/4$/);
    assert.ok(related.changes.every((change) => change.mergedAt !== undefined));
    assert.ok(gitlab.requests.some((request) => /^GET \/projects\/42\/repository\/commits$/.test(request)));
    assert.ok(gitlab.requests.some((request) => /^GET \/projects\/42\/repository\/commits\/[0-9a-f]{40}\/merge_requests$/.test(request)));
  });

  test('linked issues with title and state; one that is not there listed without a title', async () => {
    const related = await forge.relatedWork!(ref, await forge.getChange(ref));
    assert.deepEqual(
      related.issues.map(({ reference, title, state }) => ({ reference, title, state })),
      [
        { reference: '#12', title: 'Old report', state: 'closed' },
        { reference: '#10', title: 'Totals are wrong', state: 'opened' },
        { reference: '#11', title: undefined, state: undefined },
        { reference: 'group/other#2', title: 'Elsewhere', state: 'opened' },
      ],
    );
    assert.ok(gitlab.requests.includes('GET /projects/42/issues/11'), 'the 404 was asked for');
  });
});

describe('related work on GitHub (octokit → fake GitHub)', () => {
  const github = new FakeGitHub({ token: GITHUB_TOKEN });
  let repo: TestRepo;
  let forge: Forge;
  const ref: ChangeRef = { forge: 'github', projectId: 0, projectPath: 'acme/widgets', number: 5 };

  before(async () => {
    repo = await history();
    await github.start();
    github.addRepository({ owner: 'acme', name: 'widgets', repoDir: repo.dir });
    github.addRepository({ owner: 'octo', name: 'lib', repoDir: repo.dir });
    const connection = createGitHubConnection({ kind: 'token', token: GITHUB_TOKEN }, { baseUrl: github.url, timeoutMs: 10_000 });
    const api = await connection.forRepository('acme', 'widgets');
    for (const [number, headRef, title] of [[1, 'fix-app', 'Fix app totals'], [2, 'docs', 'Docs'], [3, 'wip', 'Work in progress'], [4, 'partial', 'Partial']] as const) {
      await github.openPullRequest('acme/widgets', { number, title, headRef, baseRef: 'main' });
      if (headRef !== 'wip') await api.rest.pulls.merge({ owner: 'acme', repo: 'widgets', pull_number: number });
    }
    const body = 'Closes #10; see #11, octo/lib#2 and https://github.com/acme/widgets/issues/12. Not `#13`.';
    const pull = await github.openPullRequest('acme/widgets', { number: 5, title: 'Feature', body, headRef: 'feature', baseRef: 'main' });
    pull.labels = ['skip-review'];
    github.addIssue('acme/widgets', { number: 10, title: 'Totals are wrong' });
    github.addIssue('acme/widgets', { number: 12, title: 'Old report', state: 'closed' });
    github.addIssue('octo/lib', { number: 2, title: 'Elsewhere' });
    forge = createGitHubForge(connection);
  });
  after(async () => {
    await github.stop();
    await repo.remove();
  });

  test('the snapshot carries the pull request labels (labels[].name)', async () => {
    assert.deepEqual((await forge.getChange(ref)).labels, ['skip-review']);
  });

  test('merged pull requests touching the same files; this one, open and unrelated ones left out', async () => {
    const related = await forge.relatedWork!(ref, await forge.getChange(ref));
    assert.deepEqual(related.changes.map((change) => [change.number, change.title, change.paths]).sort(), [
      [1, 'Fix app totals', ['src/app.ts']],
      [4, 'Partial', ['src/new.ts']],
    ]);
    assert.equal(related.changes[0]?.url?.startsWith('https://github.com/acme/widgets/pull/'), true);
    assert.ok(github.requests.some((request) => /^GET \/repos\/acme\/widgets\/commits\/[0-9a-f]{40}\/pulls$/.test(request)));
  });

  test('linked issues with title and state; one that is not there listed without a title', async () => {
    const related = await forge.relatedWork!(ref, await forge.getChange(ref));
    assert.deepEqual(
      related.issues.map(({ reference, title, state }) => ({ reference, title, state })),
      [
        { reference: '#12', title: 'Old report', state: 'closed' },
        { reference: '#10', title: 'Totals are wrong', state: 'open' },
        { reference: '#11', title: undefined, state: undefined },
        { reference: 'octo/lib#2', title: 'Elsewhere', state: 'open' },
      ],
    );
    assert.ok(github.requests.includes('GET /repos/acme/widgets/issues/11'), 'the 404 was asked for');
  });
});
