import { generateKeyPairSync } from 'node:crypto';
import { FakeGitHub, type FakeGitHubOptions } from '../../src/fakes/github/fake-github.js';
import { featureRepo, type FeatureRepo } from './git-repo.js';

export const GITHUB_TEST_TOKEN = 'ghp_testtoken0123456789abcdefABCDEF0123';
export const GITHUB_REPO = 'acme/widgets';
export const GITHUB_PR = 7;
export const GITHUB_APP_ID = 31337;
export const GITHUB_INSTALLATION_ID = 4711;

let key: string | undefined;
/** An RSA key for the test App (made once per process: 2048-bit generation is slow). */
export function appPrivateKey(): string {
  key ??= generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
  return key;
}

export interface GitHubFixture {
  github: FakeGitHub;
  feature: FeatureRepo;
  stop(): Promise<void>;
}

/**
 * A started fake GitHub (a token and an App installed on the repository) holding acme/widgets — a real git repository
 * (featureRepo, `extra` more files) — with pull request #7 from `feature` into `main`.
 */
export async function startGitHubFixture(extra = 0, options: Partial<FakeGitHubOptions> = {}): Promise<GitHubFixture> {
  const feature = await featureRepo(extra);
  const github = new FakeGitHub({ token: GITHUB_TEST_TOKEN, app: { id: GITHUB_APP_ID, slug: 'forgebot-test', privateKey: appPrivateKey() }, ...options });
  await github.start();
  const [owner = '', name = ''] = GITHUB_REPO.split('/');
  github.addRepository({ owner, name, repoDir: feature.repo.dir, installationId: GITHUB_INSTALLATION_ID });
  await github.openPullRequest(GITHUB_REPO, { number: GITHUB_PR, title: 'Feature work', body: 'Adds things.', headRef: 'feature', baseRef: 'main' });
  return {
    github,
    feature,
    async stop() {
      await github.stop();
      await feature.repo.remove();
    },
  };
}
