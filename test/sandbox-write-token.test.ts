// The trust boundary: the sandbox never holds a token that can write to a forge. The real wiring (runnerSecrets from a
// configuration that has write tokens) hands a job to each sandbox; a stand-in runner dumps everything it was given —
// environment, process arguments, every file it can see in its workspace — and none of it holds a write token.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKubernetesSandbox } from '../src/activities/sandbox/kubernetes/kubernetes-sandbox.js';
import { createLocalSandbox } from '../src/activities/sandbox/local.js';
import type { Sandbox } from '../src/activities/sandbox/sandbox.js';
import { frame } from '../src/agents/result-frame.js';
import { runnerSecrets } from '../src/cli/wiring.js';
import { loadConfig } from '../src/config.js';
import type { ImageCommand } from '../src/fakes/kubernetes/kubelet.js';
import { createLogger } from '../src/logger.js';
import { eventually } from './helpers/forgebot-stack.js';
import { implementTask } from './helpers/implementer-script.js';
import { startKubernetes, type KubeWorld } from './helpers/kubernetes.js';
import { jobOf } from './helpers/review-task.js';

const WRITE_TOKENS = { GITLAB_TOKEN: 'glpat-WRITE-api-token-0001', GITHUB_TOKEN: 'ghp_WRITEapitoken00000000000000000002', GITLAB_WEBHOOK_SECRET: 'gitlab-hook-secret-0003', GITHUB_WEBHOOK_SECRET: 'github-hook-secret-0004' };
const READ_TOKENS = { GITLAB_CLONE_TOKEN: 'glpat-read-clone-0005', ANTHROPIC_API_KEY: 'sk-ant-model-key-0006' };
const config = loadConfig({ GITLAB_URL: 'https://gitlab.example.com', GITHUB_CLONE_TOKEN: 'ghp_readclone0000000000000000000000007', ...WRITE_TOKENS, ...READ_TOKENS });

const usage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, turns: 0 };
const patch = { baseSha: 'a'.repeat(40), patch: '', files: [], filesChanged: 0, linesAdded: 0, linesDeleted: 0 };
const DUMPED = { role: 'implementer' as const, work: { summary: 'dumped', commitMessage: 'm', patch, commands: [], model: 'none', usage, truncated: false } };

/** A runner stand-in: writes what it was given (env, argv, the files under its cwd and HOME) to `dump`, then stops. */
function dumpingRunner(dump: string): string[] {
  const script = `
    const fs = require('node:fs'); const path = require('node:path');
    const files = {};
    const walk = (dir) => { for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full); else if (entry.isFile()) files[full] = fs.readFileSync(full, 'utf8');
    } };
    for (const root of new Set([process.cwd(), process.env.HOME, process.env.FORGEBOT_TASK_FILE && path.dirname(process.env.FORGEBOT_TASK_FILE)].filter(Boolean))) walk(root);
    fs.writeFileSync(${JSON.stringify(dump)}, JSON.stringify({ env: process.env, argv: process.argv, files }));
    setTimeout(() => process.stdout.write(${JSON.stringify(frame({ result: DUMPED }))}), 1500);`;
  return [process.execPath, '-e', script];
}

function assertNoWriteToken(seen: string, where: string): void {
  for (const [name, value] of Object.entries(WRITE_TOKENS)) assert.ok(!seen.includes(value), `${name} reached the sandbox (${where})`);
  assert.ok(seen.includes(READ_TOKENS.GITLAB_CLONE_TOKEN) && seen.includes(READ_TOKENS.ANTHROPIC_API_KEY), `the dump is real: the read-only clone token and the model key are in it (${where})`);
}

async function runToDump(sandbox: Sandbox): Promise<void> {
  const task = implementTask('https://gitlab.example.com/group/app.git', 'a'.repeat(40), 'group/app', 'gitlab');
  const secrets = await runnerSecrets(config)({ forge: 'gitlab', projectPath: 'group/app' });
  const output = await sandbox.run(jobOf(`dump-${Date.now()}`, task, 30_000), secrets, { signal: new AbortController().signal });
  assert.equal(output.work.summary, 'dumped');
}

describe('no write token in the sandbox', () => {
  let scratch: string;
  let kube: KubeWorld;
  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'forgebot-dump-'));
    const image: ImageCommand = { command: dumpingRunner(join(scratch, 'kube.json')), env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } };
    kube = await startKubernetes({ images: { 'dump/runner': image } });
  });
  after(async () => {
    await kube?.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  test('local sandbox: environment, arguments and files of the runner', async () => {
    const dump = join(scratch, 'local.json');
    await runToDump(createLocalSandbox({ logger: createLogger('silent'), runnerCommand: dumpingRunner(dump), network: 'host' }));
    assertNoWriteToken(await readFile(dump, 'utf8'), 'local runner');
  });

  test('Kubernetes sandbox: the Job, its Secret, its pod, and what the container process was given', async () => {
    const sandbox = createKubernetesSandbox({
      api: kube.api,
      logger: createLogger('silent'),
      pod: { image: 'dump/runner', cpuRequest: '100m', cpuLimit: '1', memoryRequest: '64Mi', memoryLimit: '256Mi', ttlSecondsAfterFinished: 1 },
      unschedulableTimeoutMs: 30_000,
      checkEveryMs: 300,
    });
    const running = runToDump(sandbox);
    // What the cluster holds while the job runs: the Job, its Secret, its pod.
    const objects = await eventually(() => {
      const [jobs, secrets, pods] = [kube.fake.list('jobs'), kube.fake.list('secrets'), kube.fake.list('pods')];
      return jobs.length > 0 && secrets.length > 0 && pods.length > 0 ? JSON.stringify([jobs, secrets, pods]) : undefined;
    }, 'the Job, its Secret and its pod');
    await running;
    assert.ok(objects.includes(Buffer.from(READ_TOKENS.ANTHROPIC_API_KEY).toString('base64')), 'the Job and its Secret are still there to look at');
    for (const [name, value] of Object.entries(WRITE_TOKENS)) {
      assert.ok(!objects.includes(value) && !objects.includes(Buffer.from(value).toString('base64')), `${name} is in a Kubernetes object`);
    }
    assertNoWriteToken(await readFile(join(scratch, 'kube.json'), 'utf8'), 'pod process');
  });
});
