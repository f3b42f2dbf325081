import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Redis } from 'ioredis';
import { FakeAnthropic } from '../../src/fakes/anthropic/fake-anthropic.js';
import type { FakeGitHub } from '../../src/fakes/github/fake-github.js';
import { registerSearchAttributes } from '../../src/workers/register-search-attributes.js';
import { E2E_MODEL_KEY } from './e2e-world.js';
import { startForgebot, type Stack } from './forgebot-stack.js';
import { appPrivateKey, GITHUB_APP_ID, startGitHubFixture, type GitHubFixture } from './github-fake.js';
import { GITHUB_TEST_SECRET } from './github-payloads.js';
import { connectRedis } from './redis.js';
import { startTemporal } from './temporal.js';

export interface GitHubWorld {
  env: TestWorkflowEnvironment;
  redis: Redis;
  github: FakeGitHub;
  fixture: GitHubFixture;
  model: FakeAnthropic;
  stack: Stack;
  stop(): Promise<void>;
}

/**
 * The GitHub end-to-end world: a real Temporal dev server and Redis, the fake GitHub holding acme/widgets#7 (a real git
 * repository), a scripted model, and forgebot wired to them as a GitHub App (webhook secret GITHUB_TEST_SECRET).
 * `vars` adds configuration (e.g. a GitLab connection: one deployment serves both).
 */
export async function startGitHubWorld(vars: Record<string, string> = {}): Promise<GitHubWorld> {
  const env = await startTemporal();
  await registerSearchAttributes(env.connection, 'default');
  const redis = await connectRedis();
  const fixture = await startGitHubFixture();
  const model = new FakeAnthropic({ apiKey: E2E_MODEL_KEY });
  await model.start();
  const stack = await startForgebot(env, redis, {
    GITHUB_API_URL: fixture.github.url,
    GITHUB_APP_ID: String(GITHUB_APP_ID),
    GITHUB_APP_PRIVATE_KEY: appPrivateKey(),
    GITHUB_WEBHOOK_SECRET: GITHUB_TEST_SECRET,
    ANTHROPIC_API_KEY: E2E_MODEL_KEY,
    ANTHROPIC_BASE_URL: model.url,
    ...vars,
  });
  return {
    env, redis, github: fixture.github, fixture, model, stack,
    async stop() {
      await stack.stop();
      await fixture.stop();
      await model.stop();
      redis.disconnect();
      await env.teardown();
    },
  };
}
