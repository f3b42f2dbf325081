// `npm run build` compiles src/ with tsc, and the compiled output runs without tsx: the CLI, the runner (as the runner
// image starts it), the local sandbox's default runner command and the workflow bundle. The stand-in for the image's
// /app holds package.json, bin/, dist/ and a node_modules without tsx, and no src/ — so nothing can fall back to tsx.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { parseFramedResult } from '../src/agents/result-frame.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../', import.meta.url));
/** A bare environment: no NODE_OPTIONS, so no loader is inherited from the test runner. */
const ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir(), LANG: 'C.UTF-8' };
const BAD_TASK = JSON.stringify({ role: 'no-such-role' });

let app = '';
const compiled = (path: string) => join(app, 'dist', 'src', path);

/** A compiled module, typed as its source. */
async function importCompiled<T>(path: string): Promise<T> {
  const loaded: T = await import(pathToFileURL(compiled(path)).href);
  return loaded;
}

/** Runs a command; its exit code, stdout and stderr whether it fails or not. */
async function exec(command: string, args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(command, args, { cwd: app, env: { ...ENV, ...env }, timeout: 30_000, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number | string; stdout?: string; stderr?: string };
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

async function filesUnder(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('the compiled production build', () => {
  before(async () => {
    app = await mkdtemp(join(tmpdir(), 'forgebot-build-'));
    await run('npm', ['run', 'build', '--', '--outDir', join(app, 'dist')], { cwd: root, timeout: 150_000, maxBuffer: 16 * 1024 * 1024 });
    await copyFile(join(root, 'package.json'), join(app, 'package.json'));
    await mkdir(join(app, 'bin'));
    for (const file of await readdir(join(root, 'bin'))) await copyFile(join(root, 'bin', file), join(app, 'bin', file));
    await mkdir(join(app, 'node_modules'));
    for (const entry of await readdir(join(root, 'node_modules'))) {
      if (entry !== 'tsx' && entry !== '.bin') await symlink(join(root, 'node_modules', entry), join(app, 'node_modules', entry));
    }
  });
  after(async () => {
    if (app) await rm(app, { recursive: true, force: true });
  });

  test('dist/ holds JavaScript for src/ (with source maps), and no TypeScript and no test file', async () => {
    for (const entry of ['cli/main.js', 'agents/runner-main.js', 'workflows/index.js']) assert.ok(existsSync(compiled(entry)), entry);
    const files = await filesUnder(join(app, 'dist'));
    assert.deepEqual(files.filter((file) => /\.(c|m)?ts$/.test(file) || /\.test\.js$/.test(file)), []);
    assert.ok(files.filter((file) => file.endsWith('.js')).every((file) => files.includes(`${file}.map`)), 'every file has its map');
  });

  test('the stand-in image cannot load tsx at all', async () => {
    const probe = await exec(process.execPath, ['--input-type=module', '-e', "await import('tsx/esm/api')"]);
    assert.notEqual(probe.code, 0);
    assert.match(probe.stderr, /ERR_MODULE_NOT_FOUND/);
  });

  test('bin/forgebot.js --help runs the compiled CLI', async () => {
    const help = await exec(process.execPath, [join(app, 'bin', 'forgebot.js'), '--help']);
    assert.equal(help.code, 0, help.stderr);
    for (const command of ['server', 'worker', 'agent-worker', 'reviews']) assert.match(help.stdout, new RegExp(`^  ${command}\\b`, 'm'));
  });

  test('the compiled runner, as the runner image starts it, answers a bad task with the framed ERR_RUNNER_INPUT error', async () => {
    const runner = await exec(process.execPath, [compiled('agents/runner-main.js')], { FORGEBOT_TASK: BAD_TASK });
    assert.equal(runner.code, 1);
    const framed = parseFramedResult(runner.stdout);
    assert.ok('error' in framed, runner.stdout);
    assert.equal(framed.error.code, 'ERR_RUNNER_INPUT');
    const viaBin = await exec(process.execPath, [join(app, 'bin', 'forgebot-runner.js')], { FORGEBOT_TASK: BAD_TASK });
    assert.equal(viaBin.code, 1);
    assert.deepEqual(parseFramedResult(viaBin.stdout), framed);
  });

  test("the compiled local sandbox's default runner command is the compiled runner, with no tsx", async () => {
    const { defaultRunnerCommand } = await importCompiled<typeof import('../src/activities/sandbox/local.js')>('activities/sandbox/local.js');
    const command = defaultRunnerCommand();
    assert.deepEqual(command, [process.execPath, compiled('agents/runner-main.js')]);
    const [executable, ...args] = command;
    const runner = await exec(executable ?? '', args, { FORGEBOT_TASK: BAD_TASK });
    const framed = parseFramedResult(runner.stdout);
    assert.ok('error' in framed && framed.error.code === 'ERR_RUNNER_INPUT', runner.stdout);
  });

  test('the workflow bundle is built from the compiled workflows', async () => {
    const { workflowBundle, workflowsPath } = await importCompiled<typeof import('../src/workers/workflow-source.js')>('workers/workflow-source.js');
    assert.equal(workflowsPath(), compiled('workflows/index.js'));
    const bundle = await workflowBundle();
    assert.match(bundle.code, /reviewWorkflow/);
  });

  test('with neither src/ nor dist/, bin/forgebot.js says to build, exit code 2', async () => {
    const bare = await mkdtemp(join(tmpdir(), 'forgebot-bare-'));
    try {
      await mkdir(join(bare, 'bin'));
      for (const file of ['forgebot.js', 'launch.js']) await copyFile(join(root, 'bin', file), join(bare, 'bin', file));
      await copyFile(join(root, 'package.json'), join(bare, 'package.json'));
      const result = await exec(process.execPath, [join(bare, 'bin', 'forgebot.js'), '--help']);
      assert.equal(result.code, 2);
      assert.match(result.stderr, /npm run build/);
    } finally {
      await rm(bare, { recursive: true, force: true });
    }
  });
});
