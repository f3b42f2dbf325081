// The local sandbox running the real runner as a child process.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { createLocalSandbox } from '../src/activities/sandbox/local.js';
import { SandboxError } from '../src/activities/sandbox/sandbox.js';
import { frame } from '../src/agents/result-frame.js';
import { createLogger } from '../src/logger.js';
import { FakeAnthropic } from '../src/fakes/anthropic/fake-anthropic.js';
import { toolUse } from '../src/fakes/anthropic/messages.js';
import { featureRepo, type TestRepo } from './helpers/git-repo.js';
import { jobOf, reviewTask } from './helpers/review-task.js';

const API_KEY = 'sk-ant-sandbox-test-0123456789';

/** Alive and not a zombie (an orphan killed in a container may wait unreaped). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}
const logger = createLogger('silent');

describe('local sandbox', () => {
  let repo: TestRepo;
  let shas: { baseSha: string; headSha: string };
  let model: FakeAnthropic;
  let workRoot: string;
  let scripts: string;

  before(async () => {
    ({ repo, ...shas } = await featureRepo());
    model = new FakeAnthropic({ apiKey: API_KEY });
    await model.start();
    workRoot = await mkdtemp(join(tmpdir(), 'forgebot-sandbox-'));
    scripts = await mkdtemp(join(tmpdir(), 'forgebot-scripts-'));
  });
  after(async () => {
    await model.stop();
    await repo.remove();
    await rm(workRoot, { recursive: true, force: true });
    await rm(scripts, { recursive: true, force: true });
  });

  const job = (name: string, timeoutMs = 60_000) => jobOf(name, reviewTask(`file://${repo.dir}`, shas.baseSha, shas.headSha), timeoutMs);
  const secrets = () => ({ anthropicApiKey: API_KEY, anthropicBaseUrl: model.url });
  /** A stand-in runner: a Node script run in place of the real one. */
  async function scriptRunner(name: string, source: string): Promise<string[]> {
    const path = join(scripts, `${name}.mjs`);
    await writeFile(path, source);
    return [process.execPath, path];
  }

  test('runs the real runner end to end and returns its review; the workspace is removed', async () => {
    model.script({ content: [toolUse('submit_review', { summary: 'Looks fine.', findings: [] })] });
    const sandbox = createLocalSandbox({ logger, workRoot });
    const progress: string[] = [];
    const result = await sandbox.run(job('review-1'), secrets(), { signal: new AbortController().signal, onProgress: (note) => progress.push(note) });
    assert.equal(result.review.summary, 'Looks fine.');
    assert.equal(result.review.headSha, shas.headSha);
    assert.equal(result.review.truncated, false);
    assert.equal(progress[0], 'agent started', 'progress notes are the runner log messages');
    assert.deepEqual(await readdir(workRoot), []);
    assert.deepEqual(model.errors, []);
  });

  test('the runner sees only the variables it needs', async () => {
    process.env.GITLAB_TOKEN = 'glpat-must-not-leak-123456';
    try {
      const command = await scriptRunner('env', `process.stdout.write(${JSON.stringify(frame({ error: { code: 'ENV', message: '' } }))}.replace('"message":""', '"message":' + JSON.stringify(Object.keys(process.env).sort().join(','))));`);
      const sandbox = createLocalSandbox({ logger, workRoot, runnerCommand: command, network: 'host' }); // the isolated case: local-sandbox-network.test.ts
      await assert.rejects(sandbox.run(job('env'), { ...secrets(), cloneToken: 'read-only' }, { signal: new AbortController().signal }), (error: unknown) => {
        assert.ok(error instanceof SandboxError);
        assert.equal(error.message, 'ENV: ANTHROPIC_API_KEY,ANTHROPIC_BASE_URL,FORGEBOT_CLONE_TOKEN,FORGEBOT_TASK_FILE,HOME,LANG,PATH,TMPDIR');
        return true;
      });
    } finally {
      delete process.env.GITLAB_TOKEN;
    }
  });

  test('the workspace is named after the job, sanitized, and is HOME; the task file is there', async () => {
    const command = await scriptRunner(
      'home',
      `import { readFileSync } from 'node:fs'; const task = JSON.parse(readFileSync(process.env.FORGEBOT_TASK_FILE, 'utf8'));
       process.stdout.write(${JSON.stringify(frame({ error: { code: 'HOME', message: '' } }))}.replace('"message":""', '"message":' + JSON.stringify(JSON.stringify({ home: process.env.HOME, cwd: process.cwd(), tmp: process.env.TMPDIR, sha: task.repository.headSha }))));`,
    );
    const sandbox = createLocalSandbox({ logger, workRoot, runnerCommand: command });
    await assert.rejects(sandbox.run(job('../review:github:owner/repo:5'), secrets(), { signal: new AbortController().signal }), (error: unknown) => {
      assert.ok(error instanceof SandboxError && error.runnerCode === 'HOME');
      const seen = JSON.parse(error.message.replace(/^HOME: /, '')) as { home: string; cwd: string; tmp: string; sha: string };
      assert.equal(dirname(seen.home), workRoot);
      assert.match(basename(seen.home), /^review-github-owner-repo-5-/);
      assert.equal(seen.cwd, seen.home);
      assert.equal(seen.tmp, join(seen.home, 'tmp'));
      assert.equal(seen.sha, shas.headSha);
      return true;
    });
    assert.deepEqual(await readdir(workRoot), []);
  });

  test('a runner that dies without a result: ERR_RUNNER_FAILED with its last words; exit 0 without one: ERR_RUNNER_OUTPUT', async () => {
    const crash = await scriptRunner('crash', `console.error(JSON.stringify({ level: 50, msg: 'cannot go on', err: { message: 'disk full' } })); process.exit(3);`);
    await assert.rejects(createLocalSandbox({ logger, workRoot, runnerCommand: crash }).run(job('crash'), secrets(), { signal: new AbortController().signal }), (error: unknown) => {
      assert.ok(error instanceof SandboxError);
      assert.equal(error.code, 'ERR_RUNNER_FAILED');
      assert.match(error.message, /exited with code 3: the runner printed no result block; its last output: cannot go on: disk full$/);
      return true;
    });
    const silent = await scriptRunner('silent', `process.stdout.write('all good, honestly');`);
    await assert.rejects(createLocalSandbox({ logger, workRoot, runnerCommand: silent }).run(job('silent'), secrets(), { signal: new AbortController().signal }), (error: unknown) => error instanceof SandboxError && error.code === 'ERR_RUNNER_OUTPUT');
    const flood = await scriptRunner('flood', `const chunk = 'x'.repeat(1 << 20); for (let i = 0; i < 6; i++) process.stdout.write(chunk);`);
    await assert.rejects(createLocalSandbox({ logger, workRoot, runnerCommand: flood }).run(job('flood'), secrets(), { signal: new AbortController().signal }), (error: unknown) => error instanceof SandboxError && error.code === 'ERR_RUNNER_OUTPUT' && /more than/.test(error.message));
  });

  test('an invalid task is refused before anything runs', async () => {
    const marker = join(scripts, 'ran');
    const command = await scriptRunner('marker', `import { writeFileSync } from 'node:fs'; writeFileSync(${JSON.stringify(marker)}, 'ran');`);
    const bad = { ...job('bad-task'), task: { ...job('bad-task').task, model: '' } };
    await assert.rejects(createLocalSandbox({ logger, workRoot, runnerCommand: command }).run(bad, secrets(), { signal: new AbortController().signal }), (error: unknown) => error instanceof SandboxError && error.runnerCode === 'ERR_RUNNER_INPUT');
    await assert.rejects(readFile(marker), /ENOENT/);
  });

  test('a job over its time limit is killed: ERR_SANDBOX_TIMEOUT', async () => {
    const command = await scriptRunner('sleep', 'setInterval(() => {}, 1000);');
    const sandbox = createLocalSandbox({ logger, workRoot, runnerCommand: command });
    const started = Date.now();
    await assert.rejects(sandbox.run(job('slow', 500), secrets(), { signal: new AbortController().signal }), (error: unknown) => error instanceof SandboxError && error.code === 'ERR_SANDBOX_TIMEOUT');
    assert.ok(Date.now() - started < 10_000);
  });

  test('a runner that ignores SIGTERM is killed after the grace period', async () => {
    const pidFile = join(scripts, 'stubborn.pid');
    const command = await scriptRunner('stubborn', `import { writeFileSync } from 'node:fs'; process.on('SIGTERM', () => {}); writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setInterval(() => {}, 1000);`);
    const sandbox = createLocalSandbox({ logger, workRoot, runnerCommand: command, killGraceMs: 300 });
    await assert.rejects(sandbox.run(job('stubborn', 700), secrets(), { signal: new AbortController().signal }), (error: unknown) => error instanceof SandboxError && error.code === 'ERR_SANDBOX_TIMEOUT');
    assert.equal(isRunning(Number(await readFile(pidFile, 'utf8'))), false);
  });

  test('cancellation kills the job (and its children) before run() settles', async () => {
    const pidFile = join(scripts, 'child.pid');
    const command = await scriptRunner(
      'spawner',
      `import { spawn } from 'node:child_process'; import { writeFileSync } from 'node:fs';
       const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
       writeFileSync(${JSON.stringify(pidFile)}, String(child.pid)); setInterval(() => {}, 1000);`,
    );
    const sandbox = createLocalSandbox({ logger, workRoot, runnerCommand: command });
    const controller = new AbortController();
    const running = sandbox.run(job('cancel-me'), secrets(), { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 800));
    controller.abort();
    await assert.rejects(running, (error: unknown) => error instanceof SandboxError && error.code === 'ERR_SANDBOX_CANCELLED');
    const grandchild = Number(await readFile(pidFile, 'utf8'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(isRunning(grandchild), false, 'the runner’s own child process is gone too');
    assert.deepEqual(await readdir(workRoot), []);
  });

  test('a review held at the model is cancelled: the model sees the client go away, run() settles after the exit', async () => {
    model.script({ hold: true });
    const holdsBefore = model.abortedHolds;
    const asked = model.requests.length;
    const controller = new AbortController();
    const running = createLocalSandbox({ logger, workRoot }).run(job('held'), secrets(), { signal: controller.signal });
    for (let tries = 0; model.requests.length === asked && tries < 300; tries++) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(model.requests.length, asked + 1, 'the runner reached the model');
    controller.abort();
    await assert.rejects(running, (error: unknown) => error instanceof SandboxError && error.code === 'ERR_SANDBOX_CANCELLED');
    for (let tries = 0; model.abortedHolds === holdsBefore && tries < 100; tries++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(model.abortedHolds, holdsBefore + 1);
  });

  test('an already aborted signal runs nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(createLocalSandbox({ logger, workRoot }).run(job('never'), secrets(), { signal: controller.signal }), (error: unknown) => error instanceof SandboxError && error.code === 'ERR_SANDBOX_CANCELLED');
  });

  test("a failing runner's message is surfaced: ERR_RUNNER_FAILED", async () => {
    const sandbox = createLocalSandbox({ logger, workRoot });
    const broken = { ...job('bad-clone'), task: reviewTask(join(tmpdir(), 'no-such-repo'), shas.baseSha, shas.headSha) };
    await assert.rejects(sandbox.run(broken, secrets(), { signal: new AbortController().signal }), (error: unknown) => {
      assert.ok(error instanceof SandboxError);
      assert.equal(error.code, 'ERR_RUNNER_FAILED');
      assert.equal(error.runnerCode, "ERR_CHECKOUT");
      assert.match(error.message, /^ERR_CHECKOUT: could not check out [0-9a-f]+: git fetch failed: fatal: .*no-such-repo/);
      return true;
    });
  });
});
