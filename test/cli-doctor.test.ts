// `forgebot doctor` against what it checks, all real here or faithful: a Temporal dev server, Redis and PostgreSQL on
// 127.0.0.1, and the fake GitLab, GitHub, Sentry, Jira, Anthropic and Kubernetes servers driven by the real clients.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { SANDBOX_PERMISSIONS } from '../src/activities/sandbox/kubernetes/permissions.js';
import { runDoctor, type DoctorReport } from '../src/cli/commands/doctor.js';
import { AUTHOR_APP_PERMISSIONS } from '../src/fakes/github/app-routes.js';
import { createFakeAnthropic, type FakeAnthropic } from '../src/fakes/anthropic/fake-anthropic.js';
import { FakeGitHub } from '../src/fakes/github/fake-github.js';
import { FakeGitLab } from '../src/fakes/gitlab/fake-gitlab.js';
import { FakeJira } from '../src/fakes/jira/fake-jira.js';
import { FakeKubernetes } from '../src/fakes/kubernetes/fake-kubernetes.js';
import { FakeSentry } from '../src/fakes/sentry/fake-sentry.js';
import { registerSearchAttributes } from '../src/workers/register-search-attributes.js';
import { closedPort, forgebotCommand, linesOf } from './helpers/forgebot-command.js';
import { appPrivateKey } from './helpers/github-fake.js';
import { redisUrl } from './helpers/redis.js';
import { startTemporal } from './helpers/temporal.js';

const databaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const TOKENS = {
  gitlab: 'glpat-doctor-api-0123456789',
  gitlabReadOnly: 'glpat-doctor-readapi-0123456789',
  gitlabClone: 'glpat-doctor-clone-0123456789',
  github: 'ghp_doctorDoctorDoctorDoctorDoctor0123',
  sentry: 'sntrys_doctor_token_0123456789abcdef',
  sentryReadOnly: 'sntrys_doctor_readonly_0123456789abcdef',
  jira: 'ATATT3xFfGF0-doctor-0123456789',
  anthropic: 'sk-ant-api03-doctor-0123456789abcdefghij',
  kubernetes: 'kube-doctor-token-0123456789abcdef',
};
const SECRETS = Object.values(TOKENS);

interface World {
  temporal: TestWorkflowEnvironment;
  gitlab: FakeGitLab;
  github: FakeGitHub;
  githubApp: FakeGitHub;
  sentry: FakeSentry;
  jira: FakeJira;
  anthropic: FakeAnthropic;
  kubernetes: FakeKubernetes;
  narrowKubernetes: FakeKubernetes;
  dir: string;
}

let world: World;

/** An environment where everything forgebot points at answers, and every credential may do what forgebot does. */
function goodEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: world.temporal.address,
    REDIS_URL: redisUrl,
    DATABASE_URL: databaseUrl,
    GITLAB_URL: world.gitlab.url,
    GITLAB_TOKEN: TOKENS.gitlab,
    GITLAB_CLONE_TOKEN: TOKENS.gitlabClone,
    GITHUB_API_URL: world.github.url,
    GITHUB_TOKEN: TOKENS.github,
    SENTRY_URL: world.sentry.url,
    SENTRY_TOKEN: TOKENS.sentry,
    JIRA_URL: world.jira.url,
    JIRA_EMAIL: 'forgebot@example.com',
    JIRA_API_TOKEN: TOKENS.jira,
    ANTHROPIC_API_KEY: TOKENS.anthropic,
    ANTHROPIC_BASE_URL: world.anthropic.url,
    SANDBOX: 'kubernetes',
    RUNNER_IMAGE: 'forgebot-runner:test',
    KUBECONFIG: join(world.dir, 'kubeconfig'),
    KUBERNETES_NAMESPACE: 'forgebot-runners',
    ...extra,
  };
}

async function doctor(env: Record<string, string>): Promise<{ report: DoctorReport; text: string; json: string }> {
  let text = '';
  let json = '';
  const report = await runDoctor(env, { json: false, out: (chunk) => (text += chunk) });
  await runDoctor(env, { json: true, out: (chunk) => (json += chunk) });
  for (const secret of SECRETS) {
    assert.ok(!text.includes(secret) && !json.includes(secret), 'no credential is printed');
  }
  return { report, text, json };
}

const line = (text: string, name: string) => linesOf(text).find((entry) => entry.slice(2).startsWith(`${name} `)) ?? `(no line for ${name})`;

describe('forgebot doctor', () => {
  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'forgebot-doctor-'));
    const temporal = await startTemporal();
    await registerSearchAttributes(temporal.connection, 'default');
    const gitlab = new FakeGitLab({ token: TOKENS.gitlab, readOnlyTokens: [TOKENS.gitlabReadOnly, TOKENS.gitlabClone], scopes: { [TOKENS.gitlabClone]: ['read_repository'] } });
    const github = new FakeGitHub({ token: TOKENS.github, tokenScopes: ['repo', 'read:org'] });
    const githubApp = new FakeGitHub({ app: { id: 4711, slug: 'forgebot-doctor', privateKey: appPrivateKey(), permissions: AUTHOR_APP_PERMISSIONS } });
    const sentry = new FakeSentry({ token: TOKENS.sentry });
    sentry.addToken(TOKENS.sentryReadOnly, ['event:read', 'project:read']);
    const jira = new FakeJira({ forgebot: { email: 'forgebot@example.com', token: TOKENS.jira } });
    const anthropic = createFakeAnthropic({ apiKey: TOKENS.anthropic });
    const kubernetes = new FakeKubernetes({ token: TOKENS.kubernetes, images: {}, permissions: SANDBOX_PERMISSIONS });
    const narrowKubernetes = new FakeKubernetes({ token: TOKENS.kubernetes, images: {}, permissions: { ...SANDBOX_PERMISSIONS, 'core/secrets': [] } });
    await Promise.all([gitlab.start(), github.start(), githubApp.start(), sentry.start(), jira.start(), anthropic.start(), kubernetes.start(), narrowKubernetes.start()]);
    githubApp.addRepository({ owner: 'acme', name: 'shop', repoDir: dir, installationId: 31 });
    writeFileSync(join(dir, 'kubeconfig'), kubernetes.kubeconfig('forgebot-runners'));
    writeFileSync(join(dir, 'narrow-kubeconfig'), narrowKubernetes.kubeconfig('forgebot-runners'));
    world = { temporal, gitlab, github, githubApp, sentry, jira, anthropic, kubernetes, narrowKubernetes, dir };
  });

  after(async () => {
    if (!world) return;
    await Promise.all([world.gitlab.stop(), world.github.stop(), world.githubApp.stop(), world.sentry.stop(), world.jira.stop(), world.anthropic.stop(), world.kubernetes.stop(), world.narrowKubernetes.stop()]);
    await world.temporal.teardown();
    rmSync(world.dir, { recursive: true, force: true });
  });

  test('everything reachable, every credential sufficient: a ✓ for each check, exit code 0 through ./forgebot', async () => {
    const { report, text, json } = await doctor(goodEnv());
    assert.deepEqual(report.checks.filter((check) => check.status !== 'ok'), [], text);
    assert.deepEqual(report.checks.map((check) => check.name), ['configuration', 'Temporal', 'search attributes', 'Redis', 'PostgreSQL', 'GitLab token', 'GitLab clone token', 'GitHub', 'Sentry token', 'Jira', 'model key', 'Kubernetes']);
    assert.match(line(text, 'Temporal'), /^✓ Temporal\s+127\.0\.0\.1:\d+ answers; namespace default$/);
    assert.match(line(text, 'search attributes'), /^✓ search attributes\s+all \d+ registered in namespace default$/);
    assert.match(line(text, 'Redis'), /^✓ Redis\s+PONG from 127\.0\.0\.1:\d+$/);
    assert.match(line(text, 'PostgreSQL'), /^✓ PostgreSQL\s+select 1 on 127\.0\.0\.1:5432\/\w+$/);
    assert.match(line(text, 'GitLab token'), /^✓ GitLab token\s+scopes api$/);
    assert.match(line(text, 'GitLab clone token'), /^✓ GitLab clone token\s+scopes read_repository \(read-only\)$/);
    assert.match(line(text, 'GitHub'), /^✓ GitHub\s+classic token of forgebot: scopes repo, read:org$/);
    assert.match(line(text, 'Sentry token'), /^✓ Sentry token\s+scopes event:read, event:write, project:read, org:read$/);
    assert.match(line(text, 'Jira'), /^✓ Jira\s+signed in as forgebot on 127\.0\.0\.1:\d+$/);
    assert.match(line(text, 'model key'), /^✓ model key\s+accepted; model claude-sonnet-4-6 available$/);
    assert.match(line(text, 'Kubernetes'), /^✓ Kubernetes\s+all 7 permissions of the sandbox in namespace forgebot-runners/);
    assert.match(text, /^all 12 checks passed\n$/m);
    // Each permission was asked of the API server, one review per verb.
    assert.equal(world.kubernetes.requests.filter((request) => request.path === '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews').length, 2 * 7);
    const parsed = JSON.parse(json) as DoctorReport;
    assert.equal(parsed.ok, true);
    assert.deepEqual(Object.keys(parsed.checks[0] ?? {}).sort(), ['detail', 'name', 'status']);

    const ran = await forgebotCommand(['doctor', '--json'], goodEnv({ LOG_LEVEL: 'warn' }));
    assert.equal(ran.code, 0, ran.stdout + ran.stderr);
    assert.equal((JSON.parse(ran.stdout) as DoctorReport).checks.length, 12);
  });

  test('bad tokens, too few scopes and permissions, an unreachable Redis: ✗ with the fix, exit code 1', async () => {
    const env = goodEnv({
      REDIS_URL: `redis://:${TOKENS.kubernetes}@127.0.0.1:${await closedPort()}`,
      GITLAB_TOKEN: TOKENS.gitlabReadOnly,
      GITLAB_CLONE_TOKEN: TOKENS.gitlab,
      GITHUB_TOKEN: 'ghp_notAValidTokenAtAll0123456789abcd',
      SENTRY_TOKEN: TOKENS.sentryReadOnly,
      JIRA_API_TOKEN: 'ATATT3xFfGF0-wrong-0123456789',
      ANTHROPIC_API_KEY: 'sk-ant-api03-wrong-0123456789abcdefghij',
      KUBECONFIG: join(world.dir, 'narrow-kubeconfig'),
    });
    const { report, text, json } = await doctor(env);
    assert.equal(report.ok, false);
    const failed = report.checks.filter((check) => check.status === 'fail').map((check) => check.name);
    assert.deepEqual(failed, ['Redis', 'GitLab token', 'GitLab clone token', 'GitHub', 'Sentry token', 'Jira', 'model key', 'Kubernetes']);
    assert.ok(report.checks.filter((check) => check.status === 'fail').every((check) => (check.hint ?? '').length > 10), 'every ✗ has a fix');
    assert.match(line(text, 'Redis'), /^✗ Redis\s+no answer at 127\.0\.0\.1:\d+: connect ECONNREFUSED .* → fix: start Redis at 127\.0\.0\.1:\d+, or set REDIS_URL/);
    assert.match(line(text, 'GitLab token'), /^✗ GitLab token\s+scopes read_api; forgebot needs api → fix: create a token with the api scope/);
    assert.match(line(text, 'GitLab clone token'), /^✗ GitLab clone token\s+scopes api: api can write, and the sandbox holds this token → fix: create a token with read_repository only/);
    assert.match(line(text, 'GitHub'), /^✗ GitHub\s+GitHub refused the token \(401 Bad credentials.*\) → fix: check GITHUB_API_URL, and that GITHUB_TOKEN is a valid token/);
    assert.match(line(text, 'Sentry token'), /^✗ Sentry token\s+scopes event:read, project:read; forgebot needs event:write → fix: give the integration Issue & Event: Read & Write/);
    assert.match(line(text, 'Jira'), /^✗ Jira\s+.*401.* → fix: check JIRA_URL and the credential/);
    assert.match(line(text, 'model key'), /^✗ model key\s+the key is refused \(401\) → fix: check ANTHROPIC_API_KEY/);
    assert.match(line(text, 'Kubernetes'), /^✗ Kubernetes\s+denied in namespace forgebot-runners: core\/secrets create → fix: bind the chart's Role/);
    assert.match(text, /^8 of 12 checks failed$/m);
    assert.deepEqual((JSON.parse(json) as DoctorReport).checks.find((check) => check.name === 'Redis')?.status, 'fail');

    const ran = await forgebotCommand(['doctor'], env);
    assert.equal(ran.code, 1, ran.stderr);
    assert.match(ran.stdout, /^✗ Redis .* → fix: /m);
    assert.ok(!ran.stdout.includes(TOKENS.kubernetes), 'the password in REDIS_URL is not printed');
  });

  test('a GitHub App: its installations and their permissions; PostgreSQL and the forges unconfigured are – ', async () => {
    const base = { TEMPORAL_ADDRESS: world.temporal.address, REDIS_URL: redisUrl, ANTHROPIC_API_KEY: TOKENS.anthropic, ANTHROPIC_BASE_URL: world.anthropic.url, GITHUB_API_URL: world.githubApp.url, GITHUB_APP_ID: '4711', GITHUB_APP_PRIVATE_KEY: appPrivateKey() };
    const { report, text } = await doctor(base);
    assert.equal(report.ok, true, text);
    assert.match(line(text, 'GitHub'), /^✓ GitHub\s+App forgebot-doctor: 1 installation with pull_requests: write, contents: read, metadata: read$/);
    for (const name of ['PostgreSQL', 'GitLab token', 'GitLab clone token', 'Sentry token', 'Jira', 'Kubernetes']) assert.match(line(text, name), /^– /);
    assert.match(text, /^all 6 checks passed \(6 skipped\)$/m);
    // With Sentry configured, fixes open pull requests: an installation that may not write contents fails.
    const reviewsOnly = new FakeGitHub({ app: { id: 4712, slug: 'forgebot-reviews', privateKey: appPrivateKey() } });
    await reviewsOnly.start();
    try {
      reviewsOnly.addRepository({ owner: 'acme', name: 'shop', repoDir: world.dir, installationId: 32 });
      const { text: short } = await doctor({ ...base, GITHUB_API_URL: reviewsOnly.url, GITHUB_APP_ID: '4712', SENTRY_URL: world.sentry.url, SENTRY_TOKEN: TOKENS.sentry });
      assert.match(line(short, 'GitHub'), /^✗ GitHub\s+App forgebot-reviews: installation on acme lacks contents: write, checks: read, statuses: read → fix: grant them in the App's settings/);
    } finally {
      await reviewsOnly.stop();
    }
  });

  test('a configuration that does not parse: one ✗ naming the variables, never their values; Temporal down: its own line', async () => {
    const { report, text } = await doctor({ PORT: 'not-a-port', SANDBOX: 'docker', GITLAB_TOKEN: TOKENS.gitlab });
    assert.deepEqual(report.checks.map((check) => [check.name, check.status]), [['configuration', 'fail']]);
    assert.match(text, /^✗ configuration\s+2 problems: PORT: .*; SANDBOX: .* → fix: fix the variables named/m);
    assert.doesNotMatch(text, /not-a-port|docker/);

    const port = await closedPort();
    const { text: down } = await doctor({ TEMPORAL_ADDRESS: `127.0.0.1:${port}`, REDIS_URL: redisUrl, ANTHROPIC_API_KEY: TOKENS.anthropic, ANTHROPIC_BASE_URL: world.anthropic.url });
    assert.match(line(down, 'Temporal'), new RegExp(`^✗ Temporal\\s+cannot reach Temporal \\(TEMPORAL_ADDRESS=127\\.0\\.0\\.1:${port}, namespace default, no TLS\\) within \\d s: connection refused: nothing listens there → fix: check that the Temporal server is running`));
    assert.match(line(down, 'search attributes'), /^– search attributes\s+needs Temporal$/);
  });
});
