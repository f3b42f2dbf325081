import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gitEnvironment } from '../src/agents/checkout.js';
import { createForges, runnerSecrets } from '../src/cli/wiring.js';
import { ConfigError, loadConfig } from '../src/config.js';
import type { ReviewRequest } from '../src/domain/review-request.js';

const request = (forge: 'gitlab' | 'github'): ReviewRequest => ({
  ref: forge === 'gitlab' ? { forge, projectId: 3, projectPath: 'group/app', number: 1 } : { forge, projectId: 'acme/app', projectPath: 'acme/app', number: 1 },
  headSha: 'a'.repeat(40), title: 't', author: 'a', sourceBranch: 'f', targetBranch: 'main', webUrl: 'https://example.invalid', draft: false,
});

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
}

test('GitHub configuration: defaults, secrets list, App key escapes, and every conflict reported', () => {
  const config = loadConfig({ GITHUB_TOKEN: 'ghp_x', GITHUB_WEBHOOK_SECRET: 'new, old' });
  assert.equal(config.GITHUB_API_URL, 'https://api.github.com');
  assert.equal(config.GITHUB_APPROVE_WHEN_CLEAN, false);
  assert.deepEqual(config.GITHUB_WEBHOOK_SECRET, ['new', 'old']);
  assert.equal(loadConfig({ GITHUB_APP_ID: '1', GITHUB_APP_PRIVATE_KEY: 'line1\\nline2' }).GITHUB_APP_PRIVATE_KEY, 'line1\nline2');
  assert.deepEqual(problems({ GITHUB_APP_ID: '1', GITHUB_TOKEN: 'ghp_x', GITHUB_WEBHOOK_SECRET: ',' }), [
    'GITHUB_WEBHOOK_SECRET: names no secret',
    'GITHUB_APP_PRIVATE_KEY: GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY go together',
    'GITHUB_TOKEN: set either GITHUB_TOKEN or a GitHub App (GITHUB_APP_ID), not both',
  ]);
});

test('one deployment serves GitLab and GitHub: a forge per configured provider', () => {
  const both = createForges(loadConfig({ GITLAB_URL: 'https://gitlab.example.com', GITLAB_TOKEN: 'glpat-x', GITHUB_TOKEN: 'ghp_x' }));
  assert.deepEqual(Object.keys(both).sort(), ['github', 'gitlab']);
  assert.deepEqual(Object.keys(createForges(loadConfig({ GITHUB_APP_ID: '1', GITHUB_APP_PRIVATE_KEY: 'k' }))), ['github']);
  assert.deepEqual(Object.keys(createForges(loadConfig({}))), []);
});

test("the sandbox gets only the change's own forge's read-only clone credential, never an API token", async () => {
  const secretsFor = runnerSecrets(loadConfig({ GITLAB_URL: 'https://gitlab.example.com', GITLAB_TOKEN: 'glpat-api', GITLAB_CLONE_TOKEN: 'glpat-clone', GITHUB_TOKEN: 'ghp_api', GITHUB_CLONE_TOKEN: 'ghp_clone', ANTHROPIC_API_KEY: 'sk-ant-x' }));
  assert.deepEqual(await secretsFor(request('gitlab').ref), { anthropicApiKey: 'sk-ant-x', cloneToken: 'glpat-clone' });
  assert.deepEqual(await secretsFor(request('github').ref), { anthropicApiKey: 'sk-ant-x', cloneToken: 'ghp_clone' });
  const noGitHubClone = runnerSecrets(loadConfig({ GITLAB_CLONE_TOKEN: 'glpat-clone', GITHUB_TOKEN: 'ghp_api' }));
  assert.deepEqual(await noGitHubClone(request('github').ref), {}, 'no GitLab token for a GitHub clone, and not the API token');
});

test('git clones GitHub with the x-access-token user, GitLab with oauth2', () => {
  const header = (env: NodeJS.ProcessEnv) => Buffer.from(String(env.GIT_CONFIG_VALUE_0).replace('Authorization: Basic ', ''), 'base64').toString();
  assert.equal(header(gitEnvironment({}, 'ghs_token', 'x-access-token')), 'x-access-token:ghs_token');
  assert.equal(header(gitEnvironment({}, 'glpat-token')), 'oauth2:glpat-token');
});
