import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { ConfigError, loadConfig } from '../src/config.js';
import { startWebhookServer, type WebhookServer } from '../src/webhooks/server.js';
import { loadFixture } from './helpers/fixtures.js';
import { deliverGitHub, githubPayload, GITHUB_TEST_SECRET, signedDelivery } from './helpers/github-payloads.js';
import { RecordingStarter } from './helpers/recording-starter.js';
import { connectRedis } from './helpers/redis.js';
import { deliver, startTestWebhookServer, TEST_SECRET } from './helpers/webhook-server.js';

type Project = { project: { id: number; path_with_namespace: string }; object_attributes: { action: string } };
type Repository = { repository: { full_name: string } };

/** A GitLab merge request delivery (fixture `merge_request--open`, project 1 `gitlabhq/gitlab-test`), at another project or action. */
function gitlabDelivery(options: { id?: number; path?: string; action?: string } = {}) {
  const fixture = loadFixture('gitlab', 'merge_request--open');
  const json = structuredClone(fixture.json) as unknown as Project;
  if (options.id !== undefined) json.project.id = options.id;
  if (options.path !== undefined) json.project.path_with_namespace = options.path;
  if (options.action !== undefined) json.object_attributes.action = options.action;
  return { headers: { ...fixture.headers, 'X-Gitlab-Token': TEST_SECRET, 'X-Gitlab-Event-UUID': randomUUID() }, body: JSON.stringify(json) };
}

/** A GitHub pull request delivery (`Codertocat/Hello-World` unless `fullName`), signed with the test secret. */
async function githubDelivery(name: string, fullName?: string) {
  const json = structuredClone(githubPayload(name).json) as unknown as Repository;
  if (fullName !== undefined) json.repository.full_name = fullName;
  return signedDelivery('pull_request', json);
}

const notAllowed = { status: 'ignored', reason: 'project not allowed' };

async function metricsText(server: WebhookServer): Promise<string> {
  return (await fetch(`${server.url}/metrics`)).text();
}

describe('allowed projects (GITLAB_ALLOWED_PROJECTS, GITHUB_ALLOWED_REPOSITORIES)', () => {
  let redis: Redis;
  const servers: WebhookServer[] = [];
  before(async () => {
    redis = await connectRedis();
  });
  after(async () => {
    await Promise.all(servers.map((server) => server.close()));
    redis?.disconnect();
  });
  const start = async (starter: RecordingStarter, env: Record<string, string>) => {
    const server = await startTestWebhookServer(redis, starter, { GITHUB_WEBHOOK_SECRET: GITHUB_TEST_SECRET, ...env });
    servers.push(server);
    return server;
  };

  test('GitLab: a project outside the group prefixes is acknowledged, ignored, counted, and starts or signals nothing', async () => {
    const starter = new RecordingStarter();
    const server = await start(starter, { GITLAB_ALLOWED_PROJECTS: 'gitlabhq/other, gitlabhq/gitlab-test/*, platform/*, gitlabhq-evil/gitlab-test' });
    const opened = await deliver(server.url, gitlabDelivery().headers, gitlabDelivery().body);
    assert.deepEqual([opened.status, opened.json], [202, notAllowed]);
    const sibling = gitlabDelivery({ path: 'platformer/app' });
    assert.deepEqual((await deliver(server.url, sibling.headers, sibling.body)).json, notAllowed, 'platform/* is not a string prefix');
    const closed = gitlabDelivery({ action: 'close' });
    assert.deepEqual((await deliver(server.url, closed.headers, closed.body)).json, notAllowed);
    assert.deepEqual(starter.calls, []);
    assert.match(await metricsText(server), /^forgebot_webhook_not_allowed_total\{forge="gitlab"\} 3$/m);
  });

  test('GitLab: group prefixes include subgroups, and paths compare case-insensitively', async () => {
    const starter = new RecordingStarter();
    const server = await start(starter, { GITLAB_ALLOWED_PROJECTS: 'Platform/*, GitLabHQ/GitLab-Test' });
    for (const [id, path] of ['gitlabhq/gitlab-test', 'platform/app', 'PLATFORM/Backend/Deep/app'].entries()) {
      const d = gitlabDelivery({ id: id + 1, path });
      const response = await deliver(server.url, d.headers, d.body);
      assert.deepEqual([response.status, response.json.status], [202, 'accepted'], path);
    }
    const near = gitlabDelivery({ id: 4, path: 'gitlabhq/gitlab-test-2' });
    assert.deepEqual((await deliver(server.url, near.headers, near.body)).json, notAllowed, 'an exact entry is not a prefix');
    assert.deepEqual(
      starter.started.map((request) => request.ref.projectPath),
      ['gitlabhq/gitlab-test', 'platform/app', 'PLATFORM/Backend/Deep/app'],
    );
    assert.match(await metricsText(server), /^forgebot_webhook_not_allowed_total\{forge="gitlab"\} 1$/m);
  });

  test('GitHub: a repository outside the owner wildcards is acknowledged, ignored, counted, and starts nothing', async () => {
    const starter = new RecordingStarter();
    const server = await start(starter, { GITHUB_ALLOWED_REPOSITORIES: 'octo-org/*, codertocat/other-repo' });
    const opened = await deliverGitHub(server.url, await githubDelivery('pull_request--opened'));
    assert.deepEqual([opened.status, opened.json], [202, notAllowed]);
    const lookalike = await deliverGitHub(server.url, await githubDelivery('pull_request--opened', 'octo-organisation/app'));
    assert.deepEqual(lookalike.json, notAllowed);
    const closed = await deliverGitHub(server.url, await githubDelivery('pull_request--closed'));
    assert.deepEqual(closed.json, notAllowed);
    assert.deepEqual(starter.calls, []);
    const text = await metricsText(server);
    assert.match(text, /^forgebot_webhook_not_allowed_total\{forge="github"\} 3$/m);
    assert.match(text, /^forgebot_webhook_deliveries_total\{forge="github",status="202"\} 3$/m);
  });

  test('GitHub: owner/* and owner/repo allow, case-insensitively as GitHub does', async () => {
    const starter = new RecordingStarter();
    const server = await start(starter, { GITHUB_ALLOWED_REPOSITORIES: 'CODERTOCAT/*, Octo-Org/Tools' });
    const opened = await deliverGitHub(server.url, await githubDelivery('pull_request--opened'));
    assert.deepEqual([opened.status, opened.json.status], [202, 'accepted']);
    const tools = await deliverGitHub(server.url, await githubDelivery('pull_request--opened', 'octo-org/TOOLS'));
    assert.deepEqual([tools.status, tools.json.status], [202, 'accepted']);
    const other = await deliverGitHub(server.url, await githubDelivery('pull_request--opened', 'octo-org/tools2'));
    assert.deepEqual(other.json, notAllowed);
    assert.deepEqual(
      starter.started.map((request) => request.ref.projectPath),
      ['Codertocat/Hello-World', 'octo-org/TOOLS'],
    );
  });

  test('unset: every project is reviewed, and each forge with a secret warns once at start', async () => {
    const lines: { level: number; msg: string }[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString('utf8')) as { level: number; msg: string });
        done();
      },
    });
    const config = loadConfig({ PORT: '0', GITLAB_WEBHOOK_SECRET: TEST_SECRET, GITHUB_WEBHOOK_SECRET: GITHUB_TEST_SECRET });
    const starter = new RecordingStarter();
    const server = await startWebhookServer({ config, redis, starter, logger: pino({ level: 'info' }, sink), dedupePrefix: `forgebot-test:${randomUUID()}:` });
    servers.push(server);
    const d = gitlabDelivery({ path: 'anyone/anything' });
    assert.equal((await deliver(server.url, d.headers, d.body)).json.status, 'accepted');
    assert.equal((await deliverGitHub(server.url, await githubDelivery('pull_request--opened', 'someone/else'))).json.status, 'accepted');
    const warnings = lines.filter((line) => line.level === 40).map((line) => line.msg);
    assert.equal(warnings.filter((msg) => msg.startsWith('GITLAB_ALLOWED_PROJECTS is not set')).length, 1, warnings.join('\n'));
    assert.equal(warnings.filter((msg) => msg.startsWith('GITHUB_ALLOWED_REPOSITORIES is not set')).length, 1, warnings.join('\n'));
    assert.equal(starter.started.length, 2);
  });
});

describe('loadConfig: allowed projects', () => {
  test('entries are parsed into lower-cased projects and namespaces', () => {
    const config = loadConfig({ GITLAB_ALLOWED_PROJECTS: ' Group/App , platform/*,a/B/* ', GITHUB_ALLOWED_REPOSITORIES: 'Octo-Org/*, me/Dotfiles' });
    assert.deepEqual(config.GITLAB_ALLOWED_PROJECTS, { projects: ['group/app'], namespaces: ['platform', 'a/b'] });
    assert.deepEqual(config.GITHUB_ALLOWED_REPOSITORIES, { projects: ['me/dotfiles'], namespaces: ['octo-org'] });
    assert.equal(loadConfig({}).GITLAB_ALLOWED_PROJECTS, undefined);
    assert.equal(loadConfig({}).GITHUB_ALLOWED_REPOSITORIES, undefined);
  });

  test('every bad entry is reported, together with the other problems', () => {
    assert.throws(
      () =>
        loadConfig({
          PORT: 'eighty',
          GITLAB_ALLOWED_PROJECTS: 'ok/app, platform/, solo, a/*/b, *, gr oup/app',
          GITHUB_ALLOWED_REPOSITORIES: 'octo/*, octo/a/b, */repo, octo',
        }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        const problems = error.problems;
        assert.ok(problems.some((problem) => problem.startsWith('PORT:')), problems.join('\n'));
        for (const entry of ['platform/', 'solo', 'a/*/b', '*', 'gr oup/app']) {
          assert.ok(problems.some((problem) => problem.startsWith('GITLAB_ALLOWED_PROJECTS:') && problem.includes(`"${entry}"`)), `${entry}\n${problems.join('\n')}`);
        }
        for (const entry of ['octo/a/b', '*/repo', 'octo']) {
          assert.ok(problems.some((problem) => problem.startsWith('GITHUB_ALLOWED_REPOSITORIES:') && problem.includes(`"${entry}"`)), `${entry}\n${problems.join('\n')}`);
        }
        const blamed = (problem: string) => /^\w+: "([^"]*)"/.exec(problem)?.[1];
        assert.deepEqual(problems.map(blamed).filter((entry) => entry === 'ok/app' || entry === 'octo/*'), [], 'valid entries are not blamed');
        assert.equal(problems.length, 1 + 5 + 3);
        return true;
      },
    );
    assert.throws(() => loadConfig({ GITHUB_ALLOWED_REPOSITORIES: ' , ' }), /GITHUB_ALLOWED_REPOSITORIES: names no repository/);
    assert.throws(() => loadConfig({ GITLAB_ALLOWED_PROJECTS: ',' }), /GITLAB_ALLOWED_PROJECTS: names no project/);
  });
});
