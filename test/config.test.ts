import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../src/config.js';

test('defaults need no environment at all', () => {
  const config = loadConfig({});
  assert.equal(config.PORT, 3000);
  assert.equal(config.AGENT_CONCURRENCY, 1);
  assert.equal(config.TEMPORAL_TASK_QUEUE, 'forgebot');
  assert.equal(config.SANDBOX, 'local');
  assert.equal(config.GITLAB_WEBHOOK_SECRET, undefined);
});

test('a comma-separated webhook secret list is split for rotation', () => {
  assert.deepEqual(loadConfig({ GITLAB_WEBHOOK_SECRET: ' new , old,' }).GITLAB_WEBHOOK_SECRET, ['new', 'old']);
});

test('every problem is reported at once, and no value is echoed', () => {
  assert.throws(
    () => loadConfig({ PORT: 'eighty', AGENT_CONCURRENCY: '0', SANDBOX: 'docker', GITLAB_URL: 'not a url', REDIS_URL: 'http://x', GITLAB_WEBHOOK_SECRET: 'super-secret-value' , ANTHROPIC_API_KEY: '' }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      const fields = error.problems.map((problem) => problem.split(':')[0]);
      assert.deepEqual(fields.sort(), ['AGENT_CONCURRENCY', 'GITLAB_URL', 'PORT', 'REDIS_URL', 'SANDBOX']);
      assert.doesNotMatch(error.message, /super-secret-value/);
      return true;
    },
  );
});

test('GITLAB_URL without GITLAB_TOKEN is refused', () => {
  assert.throws(() => loadConfig({ GITLAB_URL: 'https://gitlab.example.com' }), /GITLAB_TOKEN: is required when GITLAB_URL is set/);
});
