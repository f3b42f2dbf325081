import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { Octokit } from '@octokit/rest';
import type { ChangeRef } from '../src/domain/change-ref.js';
import { ForgeError } from '../src/activities/forge.js';
import { createGitHubConnection, createGitHubForge } from '../src/activities/github/index.js';
import { SUMMARY_MARKER } from '../src/domain/render.js';
import { appPrivateKey, GITHUB_APP_ID, GITHUB_INSTALLATION_ID, GITHUB_PR, GITHUB_REPO, startGitHubFixture, type GitHubFixture } from './helpers/github-fake.js';

const ref: ChangeRef = { forge: 'github', projectId: GITHUB_REPO, projectPath: GITHUB_REPO, number: GITHUB_PR };
const mints = (fixture: GitHubFixture) => fixture.github.requests.filter((line) => line === `POST /app/installations/${GITHUB_INSTALLATION_ID}/access_tokens`).length;

function appConnection(fixture: GitHubFixture, privateKey = appPrivateKey()) {
  return createGitHubConnection({ kind: 'app', appId: GITHUB_APP_ID, privateKey }, { baseUrl: fixture.github.url, timeoutMs: 10_000 });
}

describe('GitHub App authentication against the fake GitHub', () => {
  let fixture: GitHubFixture;
  before(async () => {
    fixture = await startGitHubFixture();
  });
  after(async () => fixture?.stop());

  test('finds the installation from the repository with the App JWT, then works with one cached installation token', async () => {
    const forge = createGitHubForge(appConnection(fixture));
    assert.equal((await forge.getChange(ref)).headSha, fixture.feature.headSha);
    await forge.upsertSummary(ref, `${SUMMARY_MARKER}\none`);
    const second = await forge.upsertSummary(ref, `${SUMMARY_MARKER}\ntwo`);
    assert.equal(second.created, false, 'the bot recognises its own comment as <slug>[bot]');
    assert.equal(fixture.github.state.issueComments.at(-1)?.user.login, 'forgebot-test[bot]');
    assert.ok(fixture.github.requests.includes('GET /repos/acme/widgets/installation'));
    assert.equal(mints(fixture), 1);
  });

  test('an expired installation token is replaced: the next call gets a new one and succeeds', async () => {
    const forge = createGitHubForge(appConnection(fixture));
    await forge.getChange(ref);
    const before = mints(fixture);
    fixture.github.expireInstallationTokens();
    assert.equal((await forge.getChange(ref)).headSha, fixture.feature.headSha);
    assert.equal(mints(fixture), before + 1);
  });

  test('a token close to its expires_at is refreshed before it is used', async () => {
    const shortLived = await startGitHubFixture(0, { app: { id: GITHUB_APP_ID, slug: 'forgebot-test', privateKey: appPrivateKey(), tokenLifetimeMs: 120_000 } });
    try {
      const forge = createGitHubForge(appConnection(shortLived));
      await forge.getChange(ref);
      await forge.getChange(ref);
      const installationCalls = shortLived.github.callers.filter((kind) => kind === 'installation').length;
      assert.ok(installationCalls >= 8);
      assert.equal(mints(shortLived), installationCalls, 'a token with less than the 5-minute margin left is never reused');
    } finally {
      await shortLived.stop();
    }
  });

  test('the clone token is limited to the repository and contents: read', async () => {
    const token = await appConnection(fixture).cloneToken('acme', 'widgets');
    const clone = new Octokit({ baseUrl: fixture.github.url, auth: token, log: { debug() {}, info() {}, warn() {}, error() {} } });
    const content = await clone.rest.repos.getContent({ owner: 'acme', repo: 'widgets', path: 'README.md', ref: 'main', mediaType: { format: 'raw' } });
    assert.equal(content.status, 200);
    const write = await clone.rest.issues.createComment({ owner: 'acme', repo: 'widgets', issue_number: GITHUB_PR, body: 'x' }).then(() => 200, (error: { status: number }) => error.status);
    assert.equal(write, 403);
    const read = await clone.rest.pulls.get({ owner: 'acme', repo: 'widgets', pull_number: GITHUB_PR }).then(() => 200, (error: { status: number }) => error.status);
    assert.equal(read, 403);
  });

  test('a JWT signed with another key is refused: ERR_FORGE_UNAUTHORIZED', async () => {
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
    const error = await createGitHubForge(appConnection(fixture, stranger)).getChange(ref).then(() => undefined, (failure: unknown) => failure);
    assert.ok(error instanceof ForgeError && error.code === 'ERR_FORGE_UNAUTHORIZED', String(error));
    assert.doesNotMatch(error.message, /PRIVATE KEY/);
  });
});
