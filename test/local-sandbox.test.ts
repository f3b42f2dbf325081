// The local sandbox running the real runner as a child process.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalSandbox } from '../src/activities/sandbox/local.js';
import { SandboxError } from '../src/activities/sandbox/sandbox.js';
import { frame } from '../src/agents/result-frame.js';
import { createLogger } from '../src/logger.js';
import { FakeAnthropic } from '../src/fakes/anthropic/fake-anthropic.js';
import { toolUse } from '../src/fakes/anthropic/messages.js';
import { featureRepo, type TestRepo } from './helpers/git-repo.js';
import { reviewTask } from './helpers/review-task.js';

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

  const job = (name: string, timeoutMs = 60_000) => ({ name, task: reviewTask(`file://${repo.dir}`, shas.baseSha, shas.headSha), timeoutMs });
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
    assert.equal(result.summary, 'Looks fine.');
    assert.equal(result.headSha, shas.headSha);
    assert.deepEqual(await readdir(workRoot), []);
  });

  test('the runner sees only the variables it needs', async () => {
    process.env.GITLAB_TOKEN = 'glpat-must-not-leak-123456';
    try {
      const command = await scriptRunner('env', `process.stdout.write(${JSON.stringify(frame({ error: { code: 'ENV', message: '' } }))}.replace('"message":""', '"message":' + JSON.stringify(Object.keys(process.env).sort().join(','))));`);
      const sandbox = createLocalSandbox({ logger, workRoot, runnerCommand: command });
      await assert.rejects(sandbox.run(job('env'), { ...secrets(), cloneToken: 'read-only' }, { signal: new AbortController().signal }), (error: unknown) => {
        assert.ok(error instanceof SandboxError);
        assert.equal(error.message, 'ENV: ANTHROPIC_API_KEY,ANTHROPIC_BASE_URL,FORGEBOT_CLONE_TOKEN,FORGEBOT_TASK_FILE,HOME,LANG,PATH,TMPDIR');
        return true;
      });
    } finally {
      delete process.env.GITLAB_TOKEN;
    }
  });

  test('a job over its time limit is killed: ERR_SANDBOX_TIMEOUT', async () => {
    const command = await scriptRunner('sleep', 'setInterval(() => {}, 1000);');
    const sandbox = createLocalSandbox({ logger, workRoot, runnerCommand: command });
    const started = Date.now();
    await assert.rejects(sandbox.run(job('slow', 500), secrets(), { signal: new AbortController().signal }), (error: unknown) => error instanceof SandboxError && error.code === 'ERR_SANDBOX_TIMEOUT');
    assert.ok(Date.now() - started < 10_000);
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
  });

  test("a failing runner's message is surfaced: ERR_RUNNER_FAILED", async () => {
    const sandbox = createLocalSandbox({ logger, workRoot });
    const broken = { ...job('bad-clone'), task: reviewTask(join(tmpdir(), 'no-such-repo'), shas.baseSha, shas.headSha) };
    await assert.rejects(sandbox.run(broken, secrets(), { signal: new AbortController().signal }), (error: unknown) => {
      assert.ok(error instanceof SandboxError);
      assert.equal(error.code, 'ERR_RUNNER_FAILED');
      assert.match(error.message, /ERR_RUNNER: .*no-such-repo/s);
      return true;
    });
  });
});
