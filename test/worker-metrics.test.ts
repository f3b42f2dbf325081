// The workers' Prometheus endpoint on a real Temporal dev server: after a real review (webhook → workflow → local
// sandbox → fake model → fake GitLab), forgebot's metrics carry the right labels and the Temporal SDK's come along on
// the same port; sandbox failures by reason; API calls by status class (429 apart); the agent queue's backlog from
// DescribeTaskQueue; the approvals waiting, from visibility and the workflows' status.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockActivityEnvironment, TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Worker } from '@temporalio/worker';
import type { Redis } from 'ioredis';
import { createAgentActivities, type RunAgentInput } from '../src/activities/agent-activities.js';
import { createFileClaimStore } from '../src/activities/claim-check/file-claim-store.js';
import { SandboxError, type Sandbox } from '../src/activities/sandbox/sandbox.js';
import { createSentryClient } from '../src/activities/sentry/sentry-client.js';
import { loadConfig } from '../src/config.js';
import { SUMMARY_MARKER } from '../src/domain/render.js';
import { workflowIdFor } from '../src/domain/subject-ref.js';
import { toolUse } from '../src/fakes/anthropic/messages.js';
import { FakeAnthropic } from '../src/fakes/anthropic/fake-anthropic.js';
import { FakeGitLab } from '../src/fakes/gitlab/fake-gitlab.js';
import { FakeSentry } from '../src/fakes/sentry/fake-sentry.js';
import { createLogger } from '../src/logger.js';
import { meteredFetch } from '../src/workers/metrics/metered-fetch.js';
import { startMetricsEndpoint } from '../src/workers/metrics/metrics-endpoint.js';
import { workerRegistry } from '../src/workers/metrics/forgebot-metrics.js';
import { repositoryLabeler } from '../src/workers/metrics/repository-label.js';
import { wireWorkerMetrics, type Samplers, type WorkerMetrics } from '../src/workers/metrics/wire-worker-metrics.js';
import { registerSearchAttributes } from '../src/workers/register-search-attributes.js';
import { workflowBundle } from '../src/workers/workflow-source.js';
import { decideUpdate, SENTRY_FIX_WORKFLOW_TYPE, sentryTriggerSignal } from '../src/workflows/sentry-fix-definitions.js';
import { E2E_GITLAB_TOKEN, E2E_MODEL_KEY } from './helpers/e2e-world.js';
import { loadFixture } from './helpers/fixtures.js';
import { eventually, startForgebot, type Stack } from './helpers/forgebot-stack.js';
import { TestRepo, createFixtureRepo } from './helpers/git-repo.js';
import { connectRedis } from './helpers/redis.js';
import { temporalCliPath, unique } from './helpers/temporal.js';
import { deliver, TEST_SECRET } from './helpers/webhook-server.js';
import { reviewTask } from './helpers/review-task.js';
import { SentryWorld, until, withSentryFix } from './replay/sentry-world.js';

const quietCli = new URL('../scripts/temporal-quiet.sh', import.meta.url).pathname;
const REPOSITORY = 'gitlabhq/gitlab-test';

interface Sample { name: string; labels: Record<string, string>; value: number }

/** The samples of a Prometheus text exposition. */
function parseExposition(text: string): Sample[] {
  return text.split('\n').filter((line) => line !== '' && !line.startsWith('#')).map((line) => {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    assert.ok(match, `an exposition line: ${line}`);
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    return { name: match[1] ?? '', labels, value: Number(match[3]) };
  });
}

/** The sum of the samples of `name` whose labels include `labels`. */
const valueOf = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);

describe('worker metrics endpoint', () => {
  let metrics: WorkerMetrics;
  let env: TestWorkflowEnvironment;
  let redis: Redis;
  let gitlab: FakeGitLab;
  let model: FakeAnthropic;
  let stack: Stack;
  let repo: TestRepo;
  let samplers: Samplers;
  const agentQueue = unique('metrics-agent');
  const scrape = async () => {
    const response = await fetch(metrics.url ?? 'http://metrics.invalid');
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
    return parseExposition(await response.text());
  };

  before(async () => {
    const config = loadConfig({ WORKER_METRICS_PORT: '0', AGENT_TASK_QUEUE: agentQueue, GITLAB_ALLOWED_PROJECTS: `${REPOSITORY},acme/*` });
    // Before any Temporal connection: it installs the runtime, with the SDK's metrics exporter.
    metrics = await wireWorkerMetrics({ config, logger: createLogger('silent'), host: '127.0.0.1' });
    const path = temporalCliPath();
    env = await TestWorkflowEnvironment.createLocal({ server: { ...(path ? { executable: { type: 'existing-path', path: quietCli } } : {}), log: { format: 'pretty', level: 'error' } } });
    await registerSearchAttributes(env.connection, 'default');
    samplers = metrics.startSamplers(env.connection, 3_600_000);
    redis = await connectRedis();
    repo = await createFixtureRepo();
    gitlab = new FakeGitLab({ token: E2E_GITLAB_TOKEN });
    await gitlab.start();
    gitlab.addProject({ id: 1, pathWithNamespace: REPOSITORY, repoDir: repo.dir });
    await gitlab.addMergeRequest({ projectId: 1, iid: 1, title: 'MS-Viewport', sourceBranch: 'ms-viewport', targetBranch: 'master' });
    model = new FakeAnthropic({ apiKey: E2E_MODEL_KEY });
    await model.start();
    stack = await startForgebot(env, redis, {
      GITLAB_URL: gitlab.url, GITLAB_TOKEN: E2E_GITLAB_TOKEN, GITLAB_WEBHOOK_SECRET: TEST_SECRET, GITLAB_ALLOWED_PROJECTS: REPOSITORY,
      ANTHROPIC_API_KEY: E2E_MODEL_KEY, ANTHROPIC_BASE_URL: model.url,
    });
  });
  after(async () => {
    samplers?.stop();
    await stack?.stop();
    await gitlab?.stop();
    await model?.stop();
    redis?.disconnect();
    await env?.teardown();
    await metrics?.close();
    await repo?.remove();
  });

  test('after a review: the agent job by role and outcome, its duration, tokens and cost by repository, API calls by status (the 429 apart), and the Temporal SDK\'s metrics', async () => {
    const before = await scrape();
    // One rate-limited answer, retried in place after its Retry-After.
    gitlab.failNext({ method: 'GET', pathPattern: /\/merge_requests\/1$/, status: 429, times: 1, headers: { 'retry-after': '0' } });
    model.script({ content: [toolUse('submit_review', { summary: 'add() subtracts.', findings: [{ path: 'src/app.ts', line: 3, side: 'new', severity: 'major', category: 'bug', confidence: 0.9, title: 'Subtraction in add()', body: 'It subtracts.' }] })] });
    const open = loadFixture('gitlab', 'merge_request--open');
    const answer = await deliver(stack.server.url, { ...open.headers, 'X-Gitlab-Token': TEST_SECRET }, open.body);
    assert.equal(answer.status, 202);
    await eventually(() => gitlab.notes(1, 1).some((note) => note.body.startsWith(SUMMARY_MARKER)), 'the review is posted');
    const after = await eventually(async () => {
      const samples = await scrape();
      return valueOf(samples, 'forgebot_agent_jobs_total', { role: 'reviewer', outcome: 'succeeded' }) > valueOf(before, 'forgebot_agent_jobs_total', { role: 'reviewer', outcome: 'succeeded' }) ? samples : undefined;
    }, 'the agent job is counted');
    const delta = (name: string, labels: Record<string, string>) => valueOf(after, name, labels) - valueOf(before, name, labels);

    assert.equal(delta('forgebot_agent_jobs_total', { role: 'reviewer', outcome: 'succeeded' }), 1);
    assert.equal(delta('forgebot_agent_jobs_total', { outcome: 'failed' }), 0);
    assert.equal(delta('forgebot_agent_job_duration_seconds_count', { role: 'reviewer', outcome: 'succeeded' }), 1);
    assert.ok(delta('forgebot_agent_job_duration_seconds_sum', { role: 'reviewer' }) > 0);
    // The tokens the model reported, kind by kind.
    const reported = (field: 'input_tokens' | 'output_tokens' | 'cache_read_input_tokens' | 'cache_creation_input_tokens') => model.responses.reduce((sum, response) => sum + response.usage[field], 0);
    assert.deepEqual(
      Object.fromEntries(['input', 'output', 'cache_read', 'cache_write'].map((kind) => [kind, delta('forgebot_agent_tokens_total', { role: 'reviewer', kind })])),
      { input: reported('input_tokens'), output: reported('output_tokens'), cache_read: reported('cache_read_input_tokens'), cache_write: reported('cache_creation_input_tokens') },
    );
    assert.ok(reported('output_tokens') > 0);
    assert.ok(delta('forgebot_agent_cost_usd_total', { role: 'reviewer', forge: 'gitlab', repository: REPOSITORY }) > 0, 'the cost, labelled with the configured repository');
    assert.equal(after.filter((s) => s.name === 'forgebot_agent_cost_usd_total' && s.labels.repository !== REPOSITORY).length, 0);
    assert.equal(delta('forgebot_api_calls_total', { service: 'gitlab', status: 'rate_limited' }), 1);
    assert.ok(delta('forgebot_api_calls_total', { service: 'gitlab', status: '2xx' }) >= 3, 'reads and the posted notes');
    assert.equal(delta('forgebot_api_calls_total', { service: 'anthropic', status: '2xx' }), model.requests.length, 'one model call per turn');
    assert.equal(valueOf(after, 'forgebot_api_calls_total', { service: 'jira', status: 'rate_limited' }), 0, 'every series exists from the start');

    // The Temporal SDK's own metrics, on the same port.
    assert.equal(valueOf(after, 'forgebot_worker_temporal_sdk_up'), 1);
    assert.ok(after.some((s) => s.name.startsWith('temporal_') && s.labels.task_queue === stack.config.AGENT_TASK_QUEUE), 'temporal_* series of the agent task queue');
    assert.ok(after.some((s) => s.name === 'forgebot_worker_process_cpu_seconds_total'), 'the process metrics');
    // Only bounded labels: no workflow id, no change number.
    assert.equal(after.filter((s) => Object.values(s.labels).some((v) => v.includes('review:gitlab') || v.includes('ms-viewport'))).length, 0);
  });

  test('failed agent jobs: a sandbox failure by its reason, a runner stopped by the model API, a cancelled job', async () => {
    const claims = createFileClaimStore(await mkdtemp(join(tmpdir(), 'forgebot-claims-')));
    const failingWith = (error: Error): Sandbox => ({ run: () => Promise.reject(error) });
    const settings = { model: 'claude-sonnet-4-6', timeoutMs: 60_000, maxTurns: 4, maxOutputTokens: 1024, tokenBudget: 10_000, heartbeatEveryMs: 1_000 };
    const task = reviewTask('file:///nowhere.git', 'a'.repeat(40), 'b'.repeat(40));
    const input: RunAgentInput = {
      assignment: { role: 'reviewer', request: { ...task.request, ref: { ...task.request.ref, projectPath: 'acme/shop' } }, change: { state: 'opened', draft: false, headSha: 'b'.repeat(40), baseSha: 'a'.repeat(40), cloneUrl: 'file:///nowhere.git', changedPaths: ['src/app.ts'] } },
      timeoutMs: 60_000,
    };
    const run = (error: Error) => {
      const agent = createAgentActivities({ sandbox: failingWith(error), secrets: { anthropicApiKey: 'sk-ant-unused' }, settings, claims });
      // Its logger is quiet: these failures are the test's own.
      return new MockActivityEnvironment({ workflowExecution: { workflowId: unique('metrics-review'), runId: 'run-1' }, activityId: '1' }, { logger: new DefaultLogger('ERROR', () => {}) }).run(agent.runAgent, input);
    };
    const before = await scrape();
    await assert.rejects(run(new SandboxError('ERR_SANDBOX_OOM_KILLED', 'the runner went over its memory limit')), /memory limit/);
    await assert.rejects(run(new SandboxError('ERR_RUNNER_FAILED', 'the model refused the key', 'ERR_MODEL_UNAUTHORIZED')), /refused the key/);
    await assert.rejects(run(new SandboxError('ERR_SANDBOX_CANCELLED', 'job x was cancelled and deleted')), /cancelled/);
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string>) => valueOf(after, name, labels) - valueOf(before, name, labels);
    assert.equal(delta('forgebot_agent_jobs_total', { role: 'reviewer', outcome: 'failed' }), 2);
    assert.equal(delta('forgebot_agent_jobs_total', { role: 'reviewer', outcome: 'cancelled' }), 1);
    assert.equal(delta('forgebot_sandbox_failures_total', { reason: 'ERR_SANDBOX_OOM_KILLED' }), 1);
    assert.equal(delta('forgebot_sandbox_failures_total', { reason: 'ERR_RUNNER_FAILED' }), 1);
    assert.equal(delta('forgebot_sandbox_failures_total', {}), 2, 'a cancellation is no sandbox failure');
    assert.equal(delta('forgebot_api_calls_total', { service: 'anthropic', status: '4xx' }), 1);
    assert.equal(delta('forgebot_agent_cost_usd_total', {}), 0, 'a failed job reports no cost');
  });

  test('API calls by status class: Sentry\'s 429 and 404, GitHub\'s rate-limit 403, a call with no answer', async () => {
    const sentry = new FakeSentry({ token: 'sntrys-metrics-token' });
    await sentry.start();
    const github = createServer((_req, res) => void res.writeHead(403, { 'x-ratelimit-remaining': '0', 'content-type': 'application/json' }).end('{"message":"API rate limit exceeded"}'));
    await new Promise<void>((resolve) => github.listen(0, '127.0.0.1', resolve));
    try {
      const before = await scrape();
      const client = createSentryClient({ baseUrl: sentry.url, token: 'sntrys-metrics-token' });
      sentry.rateLimitNext({ seconds: 30 });
      await assert.rejects(client.getIssue('acme', '4001'));
      await assert.rejects(client.getIssue('acme', '4002'));
      const githubFetch = meteredFetch('github');
      assert.equal((await githubFetch(`http://127.0.0.1:${(github.address() as AddressInfo).port}/repos/acme/shop`)).status, 403);
      await assert.rejects(githubFetch('http://127.0.0.1:1/unreachable'));
      const after = await scrape();
      const delta = (labels: Record<string, string>) => valueOf(after, 'forgebot_api_calls_total', labels) - valueOf(before, 'forgebot_api_calls_total', labels);
      assert.deepEqual(
        { sentryLimited: delta({ service: 'sentry', status: 'rate_limited' }), sentry4xx: delta({ service: 'sentry', status: '4xx' }), githubLimited: delta({ service: 'github', status: 'rate_limited' }), githubError: delta({ service: 'github', status: 'error' }) },
        { sentryLimited: 1, sentry4xx: 1, githubLimited: 1, githubError: 1 },
      );
    } finally {
      github.close();
      await sentry.stop();
    }
  });

  test('the agent queue backlog: agent jobs waiting with no agent-worker, from DescribeTaskQueue', async () => {
    const worlds = [1, 2, 3].map((n) => new SentryWorld(SentryWorld.mapping(`group/${unique('backlog')}`), { issueId: String(8100 + n), shortId: `BACKLOG-${n}`, agentTaskQueue: agentQueue }));
    const taskQueue = `${agentQueue}-main`;
    // Only the main worker: the workflows pass their gates and ask for an analyst on the agent queue, which nobody polls.
    const main = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities: worlds[0]!.main(env.client) });
    await main.runUntil(async () => {
      const handles = await Promise.all(worlds.map((world) => env.client.workflow.signalWithStart(SENTRY_FIX_WORKFLOW_TYPE, {
        workflowId: workflowIdFor('sentry-fix', { kind: 'sentry-issue', org: world.issue.org, issueId: world.issue.issueId }),
        taskQueue, args: [{ subject: { kind: 'sentry-issue', org: world.issue.org, issueId: world.issue.issueId } }], signal: sentryTriggerSignal, signalArgs: [world.trigger()],
      })));
      try {
        const backlog = await eventually(async () => {
          await samplers.sampleOnce();
          const samples = await scrape();
          const waiting = valueOf(samples, 'forgebot_agent_queue_backlog', { task_queue: agentQueue });
          return waiting === 3 ? samples : undefined;
        }, 'a backlog of 3 agent jobs', 30_000);
        assert.ok(valueOf(backlog, 'forgebot_agent_queue_backlog_age_seconds', { task_queue: agentQueue }) >= 0);
        assert.ok(valueOf(backlog, 'forgebot_worker_sampler_last_success_timestamp_seconds', { sampler: 'queue_backlog' }) > Date.now() / 1000 - 60);
      } finally {
        await Promise.all(handles.map((handle) => handle.terminate('test over')));
      }
    });
  });

  test('approvals waiting: a fix at its merge gate is counted with its age, and no longer once approved', async () => {
    const world = new SentryWorld(SentryWorld.mapping(`group/${unique('gate')}`), { issueId: '8201', shortId: 'GATE-M', agentTaskQueue: unique('metrics-gate') });
    await withSentryFix(env, world, async (handle) => {
      await until('the merge gate is open', async () => (await handle.query<{ openGate?: { gate: string } }>('status')).openGate?.gate === 'merge');
      const waiting = await eventually(async () => {
        await samplers.sampleOnce();
        const samples = await scrape();
        return valueOf(samples, 'forgebot_approvals_waiting', { gate: 'merge' }) === 1 ? samples : undefined;
      }, 'one approval waiting at the merge gate', 30_000);
      const age = valueOf(waiting, 'forgebot_approval_oldest_wait_seconds', { gate: 'merge' });
      assert.ok(age > 0 && age < 60, `the gate's age in seconds: ${age}`);
      assert.equal(valueOf(waiting, 'forgebot_approvals_waiting', { gate: 'plan' }), 0);
      await handle.executeUpdate(decideUpdate, { args: [{ gate: 'merge', decision: 'approve', by: { name: 'alice', source: 'ui' } }] });
      await handle.result();
      await eventually(async () => {
        await samplers.sampleOnce();
        return valueOf(await scrape(), 'forgebot_approvals_waiting', { gate: 'merge' }) === 0 || undefined;
      }, 'no approval waiting once decided', 30_000);
    });
  });

  test('the endpoint serves forgebot\'s metrics when the Temporal SDK\'s exporter does not answer, and only GET /metrics', async () => {
    const endpoint = await startMetricsEndpoint({ port: 0, host: '127.0.0.1', registry: workerRegistry, temporalSdkUrl: 'http://127.0.0.1:1/metrics', logger: createLogger('silent') });
    try {
      const samples = parseExposition(await (await fetch(endpoint.url)).text());
      assert.equal(valueOf(samples, 'forgebot_worker_temporal_sdk_up'), 0);
      assert.ok(samples.some((s) => s.name === 'forgebot_agent_jobs_total'));
      assert.equal(samples.filter((s) => s.name.startsWith('temporal_')).length, 0);
      assert.equal((await fetch(endpoint.url.replace('/metrics', '/other'))).status, 404);
    } finally {
      await endpoint.close();
    }
  });

  test('repository labels stay within the configured set', () => {
    const label = repositoryLabeler(loadConfig({
      GITLAB_ALLOWED_PROJECTS: 'Group/App,platform/*,platform/infra/*',
      GITHUB_ALLOWED_REPOSITORIES: 'acme/shop',
      SENTRY_PROJECTS: JSON.stringify([{ org: 'acme', project: 'api', forge: 'github', projectId: 'acme/api', projectPath: 'acme/api' }]),
    }));
    assert.deepEqual(
      [label({ forge: 'gitlab', projectPath: 'group/app' }), label({ forge: 'gitlab', projectPath: 'platform/infra/dns' }), label({ forge: 'gitlab', projectPath: 'platform/web' }), label({ forge: 'github', projectPath: 'ACME/Shop' }), label({ forge: 'github', projectPath: 'acme/api' }), label({ forge: 'github', projectPath: 'someone/else' }), label({ forge: 'github', projectPath: 'group/app' })],
      [{ forge: 'gitlab', repository: 'group/app' }, { forge: 'gitlab', repository: 'platform/infra/*' }, { forge: 'gitlab', repository: 'platform/*' }, { forge: 'github', repository: 'acme/shop' }, { forge: 'github', repository: 'acme/api' }, { forge: 'github', repository: 'other' }, { forge: 'github', repository: 'other' }],
    );
    assert.deepEqual(repositoryLabeler(loadConfig({}))({ forge: 'gitlab', projectPath: 'any/thing' }), { forge: 'gitlab', repository: 'other' }, 'no allowlist: no repository names');
  });
});
