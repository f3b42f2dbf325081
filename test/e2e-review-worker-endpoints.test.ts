// After a review end to end — a real GitLab delivery → webhook server → real Temporal → `forgebot worker` and
// `forgebot agent-worker` as processes of their own (as deployed) → local sandbox, real runner, fake model → fake
// GitLab — each worker's metrics endpoint (WORKER_METRICS_PORT), scraped over HTTP, shows its own series with the
// right labels and values: the agent job by role and outcome, its duration, tokens and cost on the agent-worker's; the
// GitLab API calls by status (a 429 apart) and the agent queue's backlog on the main worker's.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Redis } from 'ioredis';
import { loadConfig } from '../src/config.js';
import { SUMMARY_MARKER } from '../src/domain/render.js';
import { toolUse } from '../src/fakes/anthropic/messages.js';
import { FakeAnthropic } from '../src/fakes/anthropic/fake-anthropic.js';
import { FakeGitLab } from '../src/fakes/gitlab/fake-gitlab.js';
import { createLogger } from '../src/logger.js';
import { WORKFLOW_TIMEOUT_MS } from '../src/webhooks/change-action.js';
import { startWebhookServer, type WebhookServer } from '../src/webhooks/server.js';
import { createTemporalReviewStarter } from '../src/webhooks/temporal-review-starter.js';
import { registerSearchAttributes } from '../src/workers/register-search-attributes.js';
import { statusQuery } from '../src/workflows/definitions.js';
import { closeAdmin, createTestDatabase, type TestDatabase } from './helpers/audit-database.js';
import { E2E_GITLAB_TOKEN, E2E_MODEL_KEY } from './helpers/e2e-world.js';
import { loadFixture } from './helpers/fixtures.js';
import { eventually } from './helpers/forgebot-stack.js';
import { TestRepo, createFixtureRepo } from './helpers/git-repo.js';
import { samplesOf, scrape, valueOf, type Sample } from './helpers/prometheus-text.js';
import { connectRedis } from './helpers/redis.js';
import { startTemporal, unique } from './helpers/temporal.js';
import { deliver, TEST_SECRET } from './helpers/webhook-server.js';
import { startWorkerProcess, type WorkerProcess } from './helpers/worker-process.js';

// The real fixture names project 1 "gitlabhq/gitlab-test", MR !1.
const REPOSITORY = 'gitlabhq/gitlab-test';

describe("the workers' metrics endpoints after a review end to end (worker processes, real Temporal, real PostgreSQL)", () => {
  let env: TestWorkflowEnvironment;
  let redis: Redis;
  let repo: TestRepo;
  let gitlab: FakeGitLab;
  let model: FakeAnthropic;
  let database: TestDatabase;
  let server: WebhookServer;
  let main: WorkerProcess;
  let agent: WorkerProcess;
  let claimsDir: string;
  const taskQueue = unique('endpoints-main');
  const agentQueue = unique('endpoints-agent');

  before(async () => {
    env = await startTemporal();
    await registerSearchAttributes(env.connection, 'default');
    redis = await connectRedis();
    database = await createTestDatabase();
    repo = await createFixtureRepo();
    gitlab = new FakeGitLab({ token: E2E_GITLAB_TOKEN });
    await gitlab.start();
    gitlab.addProject({ id: 1, pathWithNamespace: REPOSITORY, repoDir: repo.dir });
    await gitlab.addMergeRequest({ projectId: 1, iid: 1, title: 'MS-Viewport', sourceBranch: 'ms-viewport', targetBranch: 'master' });
    model = new FakeAnthropic({ apiKey: E2E_MODEL_KEY });
    await model.start();
    claimsDir = await mkdtemp(join(tmpdir(), 'forgebot-claims-'));
    // One configuration for the three processes, as a deployment's ConfigMap gives them.
    const vars = {
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      AGENT_TASK_QUEUE: agentQueue,
      GITLAB_URL: gitlab.url,
      GITLAB_TOKEN: E2E_GITLAB_TOKEN,
      GITLAB_WEBHOOK_SECRET: TEST_SECRET,
      GITLAB_ALLOWED_PROJECTS: REPOSITORY,
      ANTHROPIC_API_KEY: E2E_MODEL_KEY,
      ANTHROPIC_BASE_URL: model.url,
      REVIEW_DEBOUNCE_SECONDS: '0.3',
      CLAIM_STORE_DIR: claimsDir,
      DATABASE_URL: database.url,
    };
    [main, agent] = await Promise.all([startWorkerProcess('worker', vars), startWorkerProcess('agent-worker', vars)]);
    const config = loadConfig({ ...vars, PORT: '0', LOG_LEVEL: 'silent' });
    server = await startWebhookServer({ config, redis, starter: createTemporalReviewStarter(env.client, taskQueue), logger: createLogger('silent'), dedupePrefix: `forgebot-endpoints:${randomUUID()}:`, ackWithinMs: WORKFLOW_TIMEOUT_MS });
  });
  after(async () => {
    await server?.close();
    await Promise.all([main?.stop(), agent?.stop()]);
    await gitlab?.stop();
    await model?.stop();
    redis?.disconnect();
    await env?.teardown();
    await repo?.remove();
    await database?.drop();
    await closeAdmin();
    if (claimsDir) await rm(claimsDir, { recursive: true, force: true });
  });

  test('one review: one reviewer job succeeded with its duration, tokens and cost (agent-worker); GitLab calls by status and the backlog gauge (worker)', async () => {
    const [mainBefore, agentBefore] = await Promise.all([scrape(main.metricsUrl), scrape(agent.metricsUrl)]);
    // Every bounded series is there from the start, at 0.
    assert.equal(samplesOf(agentBefore, 'forgebot_agent_jobs_total').length, 15, '5 roles × 3 outcomes');
    assert.equal(valueOf(agentBefore, 'forgebot_agent_jobs_total'), 0);
    assert.equal(valueOf(mainBefore, 'forgebot_api_calls_total', { service: 'gitlab' }), 0);

    // One rate-limited answer, retried in place after its Retry-After.
    gitlab.failNext({ method: 'GET', pathPattern: /\/merge_requests\/1$/, status: 429, times: 1, headers: { 'retry-after': '0' } });
    model.script({ content: [toolUse('submit_review', { summary: 'add() subtracts.', findings: [{ path: 'src/app.ts', line: 3, side: 'new', severity: 'major', category: 'bug', confidence: 0.9, title: 'Subtraction in add()', body: 'It subtracts.' }] })] });
    const open = loadFixture('gitlab', 'merge_request--open');
    const answer = await deliver(server.url, { ...open.headers, 'X-Gitlab-Token': TEST_SECRET }, open.body);
    assert.equal(answer.status, 202);
    await eventually(async () => ((await env.client.workflow.getHandle('review:gitlab:1:1').query(statusQuery)).reviewsCompleted === 1 ? true : undefined), 'the review completed', 120_000);
    assert.equal(gitlab.notes(1, 1).filter((note) => note.body.startsWith(SUMMARY_MARKER)).length, 1);

    const agentAfter = await eventually(async () => {
      const samples = await scrape(agent.metricsUrl);
      return valueOf(samples, 'forgebot_agent_jobs_total', { role: 'reviewer', outcome: 'succeeded' }) >= 1 ? samples : undefined;
    }, 'the agent job counted');
    const mainAfter = await scrape(main.metricsUrl);

    // The agent-worker's: exactly one reviewer job, succeeded; nothing else.
    const jobs = samplesOf(agentAfter, 'forgebot_agent_jobs_total').filter((sample) => sample.value > 0).map((sample) => [sample.labels.role, sample.labels.outcome, sample.value]);
    assert.deepEqual(jobs, [['reviewer', 'succeeded', 1]]);
    assert.equal(valueOf(agentAfter, 'forgebot_agent_job_duration_seconds_count', { role: 'reviewer', outcome: 'succeeded' }), 1);
    const duration = valueOf(agentAfter, 'forgebot_agent_job_duration_seconds_sum', { role: 'reviewer', outcome: 'succeeded' });
    assert.ok(duration > 0, `${duration} s`);
    assert.equal(valueOf(agentAfter, 'forgebot_agent_job_duration_seconds_bucket', { role: 'reviewer', outcome: 'succeeded', le: '+Inf' }), 1);
    const reported = (field: 'input_tokens' | 'output_tokens' | 'cache_read_input_tokens' | 'cache_creation_input_tokens') => model.responses.reduce((sum, response) => sum + response.usage[field], 0);
    assert.deepEqual(
      Object.fromEntries(['input', 'output', 'cache_read', 'cache_write'].map((kind) => [kind, valueOf(agentAfter, 'forgebot_agent_tokens_total', { role: 'reviewer', kind })])),
      { input: reported('input_tokens'), output: reported('output_tokens'), cache_read: reported('cache_read_input_tokens'), cache_write: reported('cache_creation_input_tokens') },
    );
    assert.ok(reported('output_tokens') > 0);
    const cost = samplesOf(agentAfter, 'forgebot_agent_cost_usd_total');
    assert.deepEqual(cost.map((sample) => sample.labels), [{ role: 'reviewer', forge: 'gitlab', repository: REPOSITORY }], 'one cost series, of the configured repository');
    assert.ok((cost[0]?.value ?? 0) > 0);
    assert.equal(valueOf(agentAfter, 'forgebot_api_calls_total', { service: 'anthropic', status: '2xx' }), model.requests.length, 'one model call per turn');
    assert.equal(valueOf(agentAfter, 'forgebot_api_calls_total', { service: 'gitlab' }), 0, 'the agent-worker calls no forge API');

    // The main worker's: the forge calls by status, the 429 apart; no agent job of its own.
    assert.equal(valueOf(mainAfter, 'forgebot_api_calls_total', { service: 'gitlab', status: 'rate_limited' }), 1);
    assert.ok(valueOf(mainAfter, 'forgebot_api_calls_total', { service: 'gitlab', status: '2xx' }) >= 3, 'reads and the posted notes');
    // (4xx are answers the review expects, e.g. a repository without .forgebot.yml: not asserted.)
    for (const status of ['5xx', 'error']) assert.equal(valueOf(mainAfter, 'forgebot_api_calls_total', { service: 'gitlab', status }), 0, status);
    assert.equal(valueOf(mainAfter, 'forgebot_agent_jobs_total'), 0);
    // The agent queue's backlog, sampled from Temporal: the configured queue, nothing waiting once the review is done.
    const backlog = samplesOf(mainAfter, 'forgebot_agent_queue_backlog');
    assert.deepEqual(backlog.map((sample) => [sample.labels, sample.value]), [[{ task_queue: agentQueue }, 0]]);
    assert.equal(valueOf(mainAfter, 'forgebot_worker_sampler_errors_total', { sampler: 'queue_backlog' }), 0);
    assert.ok(valueOf(mainAfter, 'forgebot_worker_sampler_last_success_timestamp_seconds', { sampler: 'queue_backlog' }) > 0);

    // Both serve the Temporal SDK's own metrics of their task queue, and only bounded labels.
    const sdkOf = (samples: Sample[], queue: string) => samples.some((sample) => sample.name.startsWith('temporal_') && sample.labels.task_queue === queue);
    assert.ok(sdkOf(mainAfter, taskQueue) && sdkOf(agentAfter, agentQueue), 'temporal_* series of each worker\'s queue');
    for (const samples of [mainAfter, agentAfter]) {
      assert.equal(samples.filter((sample) => Object.values(sample.labels).some((value) => value.includes('review:gitlab') || value.includes('ms-viewport'))).length, 0);
    }
  });
});
