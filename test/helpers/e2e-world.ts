import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Redis } from 'ioredis';
import { FakeAnthropic, type Brain } from '../../src/fakes/anthropic/fake-anthropic.js';
import { FakeGitLab } from '../../src/fakes/gitlab/fake-gitlab.js';
import type { NewMergeRequest } from '../../src/fakes/gitlab/state.js';
import { registerSearchAttributes } from '../../src/workers/register-search-attributes.js';
import { startForgebot, type Stack, type StackOptions } from './forgebot-stack.js';
import { connectRedis } from './redis.js';
import { startTemporal } from './temporal.js';
import { TEST_SECRET } from './webhook-server.js';

export const E2E_GITLAB_TOKEN = 'glpat-e2e-token-0123456789';
export const E2E_MODEL_KEY = 'sk-ant-e2e-key-0123456789';

export interface World {
  env: TestWorkflowEnvironment;
  redis: Redis;
  gitlab: FakeGitLab;
  model: FakeAnthropic;
  stack: Stack;
  stop(): Promise<void>;
}

/**
 * Everything an end-to-end test needs: a real Temporal dev server and Redis, a fake GitLab holding one project
 * (a real git repository) with one merge request, a scripted model, and forgebot wired to them.
 */
export async function startWorld(options: {
  project: { id: number; path: string; repoDir: string };
  mergeRequest: Omit<NewMergeRequest, 'projectId'>;
  /** The key forgebot hands the runner; the model accepts only E2E_MODEL_KEY. */
  forgebotModelKey?: string;
  /** More configuration (e.g. SANDBOX=kubernetes), and how the stack runs its agent worker. */
  vars?: Record<string, string>;
  stackOptions?: StackOptions;
  /** Answers what the model's script does not (a test that answers each specialist by its request). */
  brain?: Brain;
}): Promise<World> {
  const env = await startTemporal();
  await registerSearchAttributes(env.connection, 'default');
  const redis = await connectRedis();
  const gitlab = new FakeGitLab({ token: E2E_GITLAB_TOKEN });
  await gitlab.start();
  gitlab.addProject({ id: options.project.id, pathWithNamespace: options.project.path, repoDir: options.project.repoDir });
  await gitlab.addMergeRequest({ projectId: options.project.id, ...options.mergeRequest });
  const model = new FakeAnthropic({ apiKey: E2E_MODEL_KEY, ...(options.brain ? { brain: options.brain } : {}) });
  await model.start();
  const stack = await startForgebot(env, redis, {
    GITLAB_URL: gitlab.url,
    GITLAB_TOKEN: E2E_GITLAB_TOKEN,
    GITLAB_WEBHOOK_SECRET: TEST_SECRET,
    ANTHROPIC_API_KEY: options.forgebotModelKey ?? E2E_MODEL_KEY,
    ANTHROPIC_BASE_URL: model.url,
    ...options.vars,
  }, options.stackOptions);
  return {
    env, redis, gitlab, model, stack,
    async stop() {
      await stack.stop();
      await gitlab.stop();
      await model.stop();
      redis.disconnect();
      await env.teardown();
    },
  };
}

/**
 * The world for the merge request of the real GitLab "open" payload (../shared or its stand-in): project 1
 * `gitlabhq/gitlab-test`, MR !1 "MS-Viewport" from `ms-viewport` into `master`, backed by the given repository.
 */
export function startFixtureWorld(repoDir: string, more: Omit<Parameters<typeof startWorld>[0], 'project' | 'mergeRequest'> = {}): Promise<World> {
  return startWorld({
    project: { id: 1, path: 'gitlabhq/gitlab-test', repoDir },
    mergeRequest: { iid: 1, title: 'MS-Viewport', sourceBranch: 'ms-viewport', targetBranch: 'master' },
    ...more,
  });
}
