// RepositoryActivities (the sentry-fix workflow's repository reads and notes) against the fake GitLab and the fake
// GitHub, through gitbeaker and octokit: the same scenario on both forges, with one item a page.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import type { ChangeRef, RepositoryRef } from '../src/domain/change-ref.js';
import { DEFAULT_REPO_SETTINGS } from '../src/domain/review-settings.js';
import type { Forge, FullForge } from '../src/activities/forge.js';
import { createGitHubConnection, createGitHubForge } from '../src/activities/github/index.js';
import { createGitLabClient, createGitLabForge } from '../src/activities/gitlab/index.js';
import { createRepositoryActivities, MAX_LOCATED_PATHS } from '../src/activities/repository-activities.js';
import { appPrivateKey, GITHUB_APP_ID, GITHUB_REPO, GITHUB_TEST_TOKEN, startGitHubFixture } from './helpers/github-fake.js';
import { AUTHOR_TOKEN, authorWorld, isForgeError, PROJECT_ID, READ_ONLY_TOKEN } from './helpers/gitlab-author-world.js';

type Activities = ReturnType<typeof createRepositoryActivities>;
const PREFIX = 'forgebot/sentry-IPE-1';

/** One forge as the scenario needs it; `forge` lists one item a page. */
interface World {
  repo: RepositoryRef;
  forge: FullForge;
  activities: Activities;
  /** Activities whose credential may read but not post notes. */
  restricted: Activities;
  /** Runs one read that the forge refuses with 403. */
  refusedRead(): Promise<unknown>;
  mainHead: string;
  cloneUrl: string;
  /** Files on main: two that locateFiles checks, one it never reaches (past the cap). */
  files: { checked: [string, string]; pastTheCap: string };
  unknownRepo: RepositoryRef;
  /** A person pushes `branch` from main, with one commit of `files` when there are any; returns its head. */
  pushBranch(branch: string, files?: Record<string, string>): Promise<string>;
  /** A person merges the change in the web UI at `at`. */
  markMerged(number: number, at: string): void;
  pipelinePassed(sha: string): void;
  notes(number: number): string[];
  /** How many requests the fake received for paths matching `pattern` so far. */
  requests(pattern: RegExp): number;
  paths: { files: RegExp; branchList: RegExp; changeList: RegExp };
  /** A GET of the fake's API over plain HTTP with the full-access token (`path` after the API root). */
  rawGet(path: string): Promise<{ status: number; headers: Headers; body: unknown }>;
  stop(): Promise<void>;
}

async function getJson(url: string, headers: Record<string, string>) {
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(5_000) });
  return { status: response.status, headers: response.headers, body: (await response.json()) as unknown };
}

async function gitlabWorld(): Promise<World> {
  const world = await authorWorld();
  const forgeWith = (token: string) => createGitLabForge(createGitLabClient({ host: world.gitlab.url, token, timeoutMs: 5_000 }), { perPage: 1, secrets: [token] });
  const forge = forgeWith(AUTHOR_TOKEN);
  const activities = createRepositoryActivities({ forges: { gitlab: forge } });
  return {
    repo: world.repo,
    forge,
    activities,
    restricted: createRepositoryActivities({ forges: { gitlab: forgeWith(READ_ONLY_TOKEN) } }),
    refusedRead() {
      world.gitlab.failNext({ method: 'GET', pathPattern: /\/repository\/branches$/, status: 403, times: 1 });
      return activities.findFixChanges(world.repo, PREFIX);
    },
    mainHead: world.baseSha,
    cloneUrl: `file://${world.bare}`,
    files: { checked: ['README.md', 'src/app.ts'], pastTheCap: 'bin/tool' },
    unknownRepo: { forge: 'gitlab', projectId: 404, projectPath: 'group/nope' },
    async pushBranch(branch, files) {
      await world.work.branch(branch, world.baseSha);
      const head = files ? await world.work.commit(files, `work on ${branch}`) : world.baseSha;
      await world.work.git('push', '--quiet', world.bare, `${branch}:refs/heads/${branch}`);
      await world.work.checkout('main');
      return head;
    },
    markMerged: (iid, at) => world.gitlab.setMergeRequestState(PROJECT_ID, iid, 'merged', new Date(at)),
    pipelinePassed: (sha) => void world.gitlab.setPipeline(PROJECT_ID, sha, 'success'),
    notes: (iid) => world.gitlab.notes(PROJECT_ID, iid).map((note) => note.body),
    requests: (pattern) => world.gitlab.requests.filter((line) => pattern.test(line)).length,
    paths: { files: /^GET \/projects\/42\/repository\/files\//, branchList: /^GET \/projects\/42\/repository\/branches$/, changeList: /^GET \/projects\/42\/merge_requests$/ },
    rawGet: (path) => getJson(`${world.gitlab.url}/api/v4${path}`, { 'PRIVATE-TOKEN': AUTHOR_TOKEN }),
    stop: () => world.remove(),
  };
}

async function githubWorld(): Promise<World> {
  // The App may read contents but not pull requests: listing them and commenting are refused (403).
  const fixture = await startGitHubFixture(0, { app: { id: GITHUB_APP_ID, slug: 'forgebot-test', privateKey: appPrivateKey(), permissions: { contents: 'read', metadata: 'read' } } });
  const settings = { baseUrl: fixture.github.url, timeoutMs: 10_000 };
  const forge = createGitHubForge(createGitHubConnection({ kind: 'token', token: GITHUB_TEST_TOKEN }, settings), { perPage: 1 });
  const restricted = createRepositoryActivities({ forges: { github: createGitHubForge(createGitHubConnection({ kind: 'app', appId: GITHUB_APP_ID, privateKey: appPrivateKey() }, settings)) } });
  const repo: RepositoryRef = { forge: 'github', projectId: GITHUB_REPO, projectPath: GITHUB_REPO };
  const { state } = fixture.github;
  const pull = (number: number) => state.pulls.find((candidate) => candidate.number === number)!;
  return {
    repo,
    forge,
    activities: createRepositoryActivities({ forges: { github: forge } }),
    restricted,
    refusedRead: () => restricted.findFixChanges(repo, PREFIX),
    mainHead: fixture.feature.startSha,
    cloneUrl: `file://${fixture.feature.repo.dir}`,
    files: { checked: ['README.md', 'src/app.ts'], pastTheCap: 'obsolete.txt' },
    unknownRepo: { forge: 'github', projectId: 'acme/nope', projectPath: 'acme/nope' },
    async pushBranch(branch, files) {
      const { repo: work } = fixture.feature;
      await work.branch(branch, 'main');
      const head = files ? await work.commit(files, `work on ${branch}`) : fixture.feature.startSha;
      await work.checkout('main');
      return head;
    },
    markMerged: (number, at) => void Object.assign(pull(number), { state: 'closed', merged: true, mergedAt: at, closedAt: at }),
    pipelinePassed: (sha) => fixture.github.setCheckRun(GITHUB_REPO, sha, { name: 'ci', status: 'completed', conclusion: 'success' }),
    notes: (number) => state.issueComments.filter((comment) => comment.issueNumber === number).map((comment) => comment.body),
    requests: (pattern) => fixture.github.requests.filter((line) => pattern.test(line)).length,
    paths: { files: /^GET \/repos\/acme\/widgets\/contents\//, branchList: /^GET \/repos\/acme\/widgets\/git\/matching-refs\//, changeList: /^GET \/repos\/acme\/widgets\/pulls$/ },
    rawGet: (path) => getJson(`${fixture.github.url}${path}`, { authorization: `token ${GITHUB_TEST_TOKEN}` }),
    stop: () => fixture.stop(),
  };
}

async function openFix(world: World, branch: string): Promise<ChangeRef> {
  return (await world.forge.openChange(world.repo, { sourceBranch: branch, targetBranch: 'main', title: `Fix from ${branch}`, description: 'A fix.', draft: true })).ref;
}

function isTypedFailure(type: string) {
  return (error: unknown) => {
    assert.ok(error instanceof ApplicationFailure, String(error));
    assert.equal(error.type, type, error.message);
    assert.equal(error.nonRetryable, true);
    return true;
  };
}

for (const [name, start] of [['GitLab', gitlabWorld], ['GitHub', githubWorld]] as const) {
  describe(`RepositoryActivities on the fake ${name}`, () => {
    let world: World;
    /** The first attempt (merged last, its branch deleted), a closed and a merged change from the second, an open third. */
    let changes: { firstMerged: ChangeRef; closed: ChangeRef; secondMerged: ChangeRef; open: ChangeRef };
    let openHead = '';
    let settingsSha = '';
    let brokenSettingsSha = '';

    before(async () => {
      world = await start();
      // Branches are pushed with git (the API's writes are throttled on GitHub); changes open through the API.
      await world.pushBranch(PREFIX, { 'fix-1.txt': 'one\n' });
      const firstMerged = await openFix(world, PREFIX);
      world.markMerged(firstMerged.number, '2024-05-01T10:00:00Z');
      await world.forge.deleteBranch(world.repo, PREFIX);
      await world.pushBranch(`${PREFIX}-2`, { 'fix-2.txt': 'two\n' });
      const closed = await openFix(world, `${PREFIX}-2`);
      await world.forge.closeChange(closed);
      const secondMerged = await openFix(world, `${PREFIX}-2`);
      world.markMerged(secondMerged.number, '2024-03-01T10:00:00Z');
      openHead = await world.pushBranch(`${PREFIX}-3`, { 'fix-3.txt': 'three\n' });
      const open = await openFix(world, `${PREFIX}-3`);
      changes = { firstMerged, closed, secondMerged, open };
      // Not of this prefix: another case (GitLab's search ignores case), and the prefix further in.
      await world.pushBranch('Forgebot/sentry-IPE-1-9');
      await world.pushBranch(`other/${PREFIX}`);
      // Another issue's fix (IPE-12's branch starts with IPE-1's name), opened last: never taken for this one.
      await world.pushBranch(`${PREFIX}2`, { 'fix-12.txt': 'twelve\n' });
      await openFix(world, `${PREFIX}2`);
      settingsSha = await world.pushBranch('settings/valid', { '.forgebot.yml': 'reviewer:\n  min_confidence: 0.8\ncommands:\n  test: npm test\n' });
      brokenSettingsSha = await world.pushBranch('settings/broken', { '.forgebot.yml': 'reviewer:\n  min_confidnce: 0.8\n' });
    });
    after(async () => world?.stop());

    test('the forge: a missing branch, file or change list is undefined or empty; an unknown repository is an error', async () => {
      assert.equal(await world.forge.branchHead(world.repo, 'main'), world.mainHead);
      assert.equal(await world.forge.branchHead(world.repo, `${PREFIX}-3`), openHead);
      assert.equal(await world.forge.branchHead(world.repo, PREFIX), undefined, 'deleted after its merge');
      assert.equal(await world.forge.readRepositoryFile(world.repo, 'no/such/file.ts', world.mainHead), undefined);
      assert.equal(await world.forge.readRepositoryFile(world.repo, 'fix-3.txt', openHead), 'three\n');
      assert.deepEqual(await world.forge.changesFromBranch(world.repo, 'no/such-branch'), []);
      assert.deepEqual(await world.forge.branchesWithPrefix(world.repo, 'zzz/'), []);
      assert.equal(await world.forge.cloneUrl(world.repo), world.cloneUrl);
      await assert.rejects(world.forge.branchHead(world.unknownRepo, 'main'), isForgeError('ERR_FORGE_NOT_FOUND'));
    });

    test('locateFiles: the head, which paths exist there (unique, at most 50 checked) and the clone URL', async () => {
      const generated = Array.from({ length: 60 }, (_, index) => `gen/file-${index}.ts`);
      const [first, second] = world.files.checked;
      const paths = [first, 'nope/missing.ts', second, first, '', ...generated, world.files.pastTheCap];
      const before = world.requests(world.paths.files);
      const located = await world.activities.locateFiles(world.repo, 'main', paths);
      assert.deepEqual(located, { headSha: world.mainHead, existing: [first, second], cloneUrl: world.cloneUrl });
      assert.equal(world.requests(world.paths.files) - before, MAX_LOCATED_PATHS, 'duplicates and the empty path are not asked; nothing past 50');
      await assert.rejects(world.activities.locateFiles(world.repo, 'no/such-branch', [first]), isTypedFailure('ERR_FORGE_NOT_FOUND'));
    });

    test('findFixChanges: branches with the prefix (all pages), the open change and the newest merged one', async () => {
      const [branchPages, changePages] = [world.requests(world.paths.branchList), world.requests(world.paths.changeList)];
      const found = await world.activities.findFixChanges(world.repo, PREFIX);
      // The prefix's own branch is gone, but a merged change came from it: its name stays taken.
      assert.deepEqual(found.branches, [PREFIX, `${PREFIX}-2`, `${PREFIX}-3`]);
      assert.deepEqual(found.open && [found.open.ref, found.open.branch], [changes.open, `${PREFIX}-3`]);
      assert.match(found.open?.webUrl ?? '', new RegExp(`/${changes.open.number}$`));
      // Merged last though numbered first, and found although its branch is gone.
      assert.deepEqual(found.merged && [found.merged.ref, found.merged.branch], [changes.firstMerged, PREFIX]);
      assert.ok(world.requests(world.paths.branchList) - branchPages >= 2, 'branches read one a page');
      assert.ok(world.requests(world.paths.changeList) - changePages >= 4, 'changes of three branches, one a page');
      assert.deepEqual(await world.activities.findFixChanges(world.repo, 'forgebot/sentry-NONE'), { branches: [] });
    });

    test('findFixChanges: a closed change is neither open nor merged', async () => {
      const found = await world.activities.findFixChanges(world.repo, `${PREFIX}-2`);
      assert.deepEqual(found.branches, [`${PREFIX}-2`]);
      assert.equal(found.open, undefined);
      assert.deepEqual(found.merged?.ref, changes.secondMerged, `not the closed ${changes.closed.number}`);
    });

    test('readRepositorySettings: the file at the SHA, defaults when absent, problems when invalid', async () => {
      const valid = await world.activities.readRepositorySettings(world.repo, settingsSha);
      assert.deepEqual(valid.problems, []);
      assert.equal(valid.settings.reviewer.min_confidence, 0.8);
      assert.deepEqual(valid.settings.commands, { test: 'npm test' });
      assert.deepEqual(await world.activities.readRepositorySettings(world.repo, world.mainHead), { settings: DEFAULT_REPO_SETTINGS, problems: [] });
      const broken = await world.activities.readRepositorySettings(world.repo, brokenSettingsSha);
      assert.deepEqual(broken.settings, DEFAULT_REPO_SETTINGS);
      assert.match(broken.problems.join('\n'), /min_confidnce/);
    });

    test('readPipeline: none before CI reports, then its state', async () => {
      assert.equal((await world.activities.readPipeline(world.repo, openHead)).state, 'none');
      world.pipelinePassed(openHead);
      assert.equal((await world.activities.readPipeline(world.repo, openHead)).state, 'success');
    });

    test('postChangeNote: one plain note on the change; a credential that may not write is a typed failure', async () => {
      const body = 'Reminder: this fix waits for a decision.';
      const { id } = await world.activities.postChangeNote(changes.open, body);
      assert.match(id, /^\d+$/);
      assert.deepEqual(world.notes(changes.open.number), [body]);
      await assert.rejects(world.restricted.postChangeNote(changes.open, 'refused'), isTypedFailure('ERR_FORGE_UNAUTHORIZED'));
      assert.deepEqual(world.notes(changes.open.number), [body]);
    });

    test('a read the forge refuses (403) is a typed, permanent failure', async () => {
      await assert.rejects(world.refusedRead(), isTypedFailure('ERR_FORGE_UNAUTHORIZED'));
    });

    const names = (body: unknown) => (body as Array<{ name?: string; ref?: string }>).map((entry) => entry.name ?? entry.ref);
    if (name === 'GitLab') {
      test('the fake GitLab: merge request filters, branch search anchors, 404s as GitLab words them', async () => {
        const bad = await world.rawGet('/projects/42/merge_requests?state=bogus');
        assert.deepEqual([bad.status, (bad.body as { message: string }).message], [400, '400 Bad request - state does not have a valid value']);
        const merged = await world.rawGet(`/projects/42/merge_requests?state=merged&source_branch=${encodeURIComponent(`${PREFIX}-2`)}`);
        assert.deepEqual((merged.body as Array<{ iid: number; merged_at: string }>).map((mr) => [mr.iid, mr.merged_at]), [[changes.secondMerged.number, '2024-03-01T10:00:00.000Z']]);
        assert.equal(merged.headers.get('x-total'), '1');
        const search = async (term: string) => names((await world.rawGet(`/projects/42/repository/branches?search=${encodeURIComponent(term)}`)).body);
        assert.deepEqual(await search(`^${PREFIX}`), ['Forgebot/sentry-IPE-1-9', `${PREFIX}-2`, `${PREFIX}-3`, `${PREFIX}2`], 'case ignored, name order');
        assert.deepEqual(await search('sentry-IPE-1-3$'), [`${PREFIX}-3`]);
        assert.deepEqual(await search(`${PREFIX}-2`), [`${PREFIX}-2`], 'contains');
        const paged = await world.rawGet('/projects/42/repository/branches?per_page=2&page=2');
        assert.equal(paged.headers.get('x-page'), '2');
        assert.equal((paged.body as unknown[]).length, 2);
        assert.equal((await world.rawGet('/projects/42/repository/branches?sort=bogus')).status, 400);
        const noBranch = await world.rawGet(`/projects/42/repository/branches/${encodeURIComponent('no/such')}`);
        assert.deepEqual([noBranch.status, noBranch.body], [404, { message: '404 Branch Not Found' }]);
        assert.deepEqual((await world.rawGet('/projects/404/repository/branches')).body, { message: '404 Project Not Found' });
      });
    } else {
      test('the fake GitHub: the repository, a branch, matching refs with Link pages, 404s as GitHub words them', async () => {
        assert.equal(((await world.rawGet('/repos/acme/widgets')).body as { clone_url: string }).clone_url, world.cloneUrl);
        assert.equal((await world.rawGet('/repos/acme/nope')).status, 404);
        const branch = await world.rawGet(`/repos/acme/widgets/branches/${encodeURIComponent(`${PREFIX}-3`)}`);
        assert.deepEqual([(branch.body as { name: string }).name, (branch.body as { commit: { sha: string } }).commit.sha], [`${PREFIX}-3`, openHead]);
        const missing = await world.rawGet('/repos/acme/widgets/branches/no-such');
        assert.deepEqual([missing.status, (missing.body as { message: string }).message], [404, 'Branch not found']);
        const first = await world.rawGet(`/repos/acme/widgets/git/matching-refs/heads/${PREFIX}?per_page=1`);
        assert.deepEqual(names(first.body), [`refs/heads/${PREFIX}-2`]);
        assert.match(first.headers.get('link') ?? '', /page=2>; rel="next"/);
        assert.deepEqual((await world.rawGet('/repos/acme/widgets/git/matching-refs/heads/zzz')).body, []);
      });
    }

    test('an unconfigured forge, or one without repository reads, is refused', async () => {
      await assert.rejects(createRepositoryActivities({ forges: {} }).readPipeline(world.repo, openHead), isTypedFailure('ERR_UNKNOWN_FORGE'));
      const partial: Forge = { ...world.forge };
      delete partial.postNote;
      const activities = createRepositoryActivities({ forges: { [world.repo.forge]: partial } });
      await assert.rejects(activities.postChangeNote(changes.open, 'no'), isTypedFailure('ERR_FORGE_UNSUPPORTED'));
    });
  });
}
