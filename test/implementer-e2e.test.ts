// A write-capable role end to end: the real runner (in the local sandbox, and in a pod of the Kubernetes sandbox) edits a
// file and runs the repository's declared test command (a scripted fake model), runAgent keeps its patch behind a claim
// check, and publishWork (outside the sandbox, with the write token) commits it as one commit on a new branch and opens
// a draft MR on the fake GitLab / a draft PR on the fake GitHub.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createAgentActivities } from '../src/activities/agent-activities.js';
import { createAuthorActivities } from '../src/activities/author-activities.js';
import { createFileClaimStore } from '../src/activities/claim-check/file-claim-store.js';
import { getJson } from '../src/activities/claim-check/json-claims.js';
import { createLocalSandbox } from '../src/activities/sandbox/local.js';
import { AgentOutput } from '../src/domain/agent-task.js';
import { FakeAnthropic } from '../src/fakes/anthropic/fake-anthropic.js';
import { toolResultsOf } from '../src/fakes/anthropic/messages.js';
import { createLogger } from '../src/logger.js';
import { AUTHOR_TOKEN, authorWorld, gitIn, PROJECT_ID, READ_ONLY_TOKEN, type AuthorWorld } from './helpers/gitlab-author-world.js';
import { assignmentOf, implementTask, scriptFix, type Fix } from './helpers/implementer-script.js';
import { GITHUB_REPO, GITHUB_TEST_TOKEN, startGitHubFixture, type GitHubFixture } from './helpers/github-fake.js';
import { RUNNER_IMAGE, startKubernetes, type KubeWorld } from './helpers/kubernetes.js';
import { createGitHubConnection, createGitHubForge } from '../src/activities/github/index.js';
import { createKubernetesSandbox } from '../src/activities/sandbox/kubernetes/kubernetes-sandbox.js';

const API_KEY = 'sk-ant-implementer-key-0123456789';

/** Runs an activity in a mock activity context, keeping its result type (the SDK's `run` infers it as unknown). */
function inActivity<A extends unknown[], R>(env: MockActivityEnvironment, fn: (...args: A) => Promise<R>, ...args: A): Promise<R> {
  return env.run<A, R, (...args: A) => Promise<R>>(fn, ...args);
}
const settings = { model: 'claude-test', timeoutMs: 120_000, maxTurns: 8, maxOutputTokens: 1024, tokenBudget: 100_000, heartbeatEveryMs: 1_000 };

describe('implementer role, local sandbox → GitLab draft MR', () => {
  let world: AuthorWorld;
  let model: FakeAnthropic;
  let claimsDir: string;
  before(async () => {
    world = await authorWorld();
    model = new FakeAnthropic({ apiKey: API_KEY });
    await model.start();
    claimsDir = await mkdtemp(join(tmpdir(), 'forgebot-claims-'));
  });
  after(async () => {
    await model?.stop();
    await world?.remove();
    await rm(claimsDir, { recursive: true, force: true });
  });

  test('edits, runs the declared tests (fail → pass), is refused the CI file; one commit on a new branch, a draft MR', async () => {
    const claims = createFileClaimStore(claimsDir);
    const agent = createAgentActivities({
      sandbox: createLocalSandbox({ logger: createLogger('silent'), network: 'host' }),
      secrets: { anthropicApiKey: API_KEY, anthropicBaseUrl: model.url, cloneToken: READ_ONLY_TOKEN },
      settings,
      claims,
    });
    scriptFix(model);
    const env = new MockActivityEnvironment({ workflowExecution: { workflowId: 'ticket:jira:APP-7', runId: 'run-1' }, activityId: '4' });
    const task = implementTask(`file://${world.bare}`, world.baseSha, world.repo.projectPath, 'gitlab');
    const assignment = assignmentOf(task);
    const stored = await inActivity(env, agent.runAgent, { assignment, timeoutMs: 60_000 });

    assert.equal(stored.digest.role, 'implementer');
    assert.deepEqual(stored.digest.role === 'implementer' ? stored.digest.commands.map((run) => run.exitCode) : [], [1, 0], 'the test failed before the fix and passed after');
    assert.equal(stored.claim.store, 'file');
    const refusal = toolResultsOf(model.requests.at(-2)?.messages.at(-1)).find((result) => /gitlab-ci/.test(result.content));
    assert.ok(refusal?.isError, 'the write to .gitlab-ci.yml was refused, with its reason');

    const output = await getJson(claims, stored.claim, AgentOutput);
    assert.equal(output.role, 'implementer');
    if (output.role !== 'implementer') return;
    assert.deepEqual(output.work.patch.files.map((file) => file.path), ['src/app.ts'], 'only the fix, never the CI file');
    assert.match(output.work.patch.patch, /-export const app = 1;\n\+export const app = 2;/);

    const author = createAuthorActivities({ forges: { gitlab: world.forge }, claims });
    const published = await inActivity(new MockActivityEnvironment(), author.publishWork, {
      repo: world.repo, claim: stored.claim, branch: 'forgebot/app-7', baseSha: world.baseSha, targetBranch: 'main',
      title: 'APP-7: make app 2', intro: 'forgebot implemented [APP-7] after its plan was approved.', labels: ['forgebot'],
    });
    assert.equal(await world.head('forgebot/app-7'), published.commitSha);
    assert.equal(await gitIn(world.bare, 'rev-parse', `${published.commitSha}^`), world.baseSha, 'one commit on top of the SHA the agent worked on');
    assert.equal(await gitIn(world.bare, 'show', `${published.commitSha}:src/app.ts`), 'export const app = 2;');
    assert.equal(await gitIn(world.bare, 'log', '-1', '--format=%s', published.commitSha), 'Make app 2');
    const mr = world.gitlab.state.requireMergeRequest(PROJECT_ID, published.change.ref.number);
    assert.match(mr.title, /^Draft: APP-7/);
    assert.deepEqual(mr.labels, ['forgebot']);
    assert.ok(!/^!\[|^@all/m.test(mr.description), 'the agent’s words are fenced: no mention, no image');
    assert.match(mr.description, /```text\nSet app to 2 @\u200Ball/, 'fenced, the mention neutralized even there');
    assert.ok(!JSON.stringify(model.requests).includes(AUTHOR_TOKEN), 'the write token never reached the model');
  });
});

describe('implementer role, Kubernetes sandbox (the real runner in a pod) → GitHub draft PR', () => {
  let kube: KubeWorld;
  let github: GitHubFixture;
  let model: FakeAnthropic;
  let claimsDir: string;
  const fix: Fix = { path: 'src/app.ts', from: 'const a = 1;', to: 'const a = 2;' };
  before(async () => {
    kube = await startKubernetes();
    github = await startGitHubFixture();
    model = new FakeAnthropic({ apiKey: API_KEY });
    await model.start();
    claimsDir = await mkdtemp(join(tmpdir(), 'forgebot-claims-'));
  });
  after(async () => {
    await model?.stop();
    await github?.stop();
    await kube?.stop();
    await rm(claimsDir, { recursive: true, force: true });
  });

  test('the same work in a Job: the patch leaves the pod behind a claim check; one commit on a new branch, a draft PR', async () => {
    const claims = createFileClaimStore(claimsDir);
    const sandbox = createKubernetesSandbox({
      api: kube.api,
      logger: createLogger('silent'),
      pod: { image: RUNNER_IMAGE, cpuRequest: '100m', cpuLimit: '1', memoryRequest: '64Mi', memoryLimit: '1Gi', ttlSecondsAfterFinished: 1 },
      unschedulableTimeoutMs: 30_000,
      checkEveryMs: 300,
    });
    const agent = createAgentActivities({ sandbox, secrets: { anthropicApiKey: API_KEY, anthropicBaseUrl: model.url }, settings, claims });
    scriptFix(model, fix);
    const baseSha = github.feature.startSha;
    const assignment = assignmentOf(implementTask(`file://${github.feature.repo.dir}`, baseSha, GITHUB_REPO, 'github', fix));
    const env = new MockActivityEnvironment({ workflowExecution: { workflowId: 'ticket:jira:APP-8', runId: 'run-2' }, activityId: '4' });
    const stored = await inActivity(env, agent.runAgent, { assignment, timeoutMs: 60_000 });
    assert.deepEqual(stored.digest.role === 'implementer' ? stored.digest.commands.map((run) => run.exitCode) : [], [1, 0]);
    assert.ok(kube.fake.requests.some((r) => r.method === 'POST' && r.path.endsWith('/jobs')), 'it ran as a Kubernetes Job');

    const forge = createGitHubForge(createGitHubConnection({ kind: 'token', token: GITHUB_TEST_TOKEN }, { baseUrl: github.github.url, timeoutMs: 10_000 }));
    const repo = { forge: 'github' as const, projectId: GITHUB_REPO, projectPath: GITHUB_REPO };
    const author = createAuthorActivities({ forges: { github: forge }, claims });
    const published = await inActivity(new MockActivityEnvironment(), author.publishWork, {
      repo, claim: stored.claim, branch: 'forgebot/app-8', baseSha, targetBranch: 'main', title: 'APP-8: a is 2', intro: 'forgebot implemented APP-8.',
    });
    const git = (...args: string[]) => github.feature.repo.git(...args);
    assert.equal(await git('rev-parse', 'refs/heads/forgebot/app-8'), published.commitSha);
    assert.equal(await git('rev-parse', `${published.commitSha}^`), baseSha);
    assert.match(await git('show', `${published.commitSha}:src/app.ts`), /^const a = 2;/);
    const pull = github.github.state.pulls.find((candidate) => candidate.number === published.change.ref.number && candidate.headRef === 'forgebot/app-8');
    assert.equal(pull?.draft, true, 'a draft pull request');
    assert.equal(published.change.ref.forge, 'github');
  });
});
