// run_command: only declared commands, a scrubbed environment, a timeout that kills the process group, capped output.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { createEditTools } from '../src/agents/edit-tools/create-edit-tools.js';
import type { CommandRun } from '../src/domain/patch.js';
import { CommandRun as CommandRunSchema, MAX_COMMAND_OUTPUT_CHARS } from '../src/domain/patch.js';
import { assertRefused, settingsFrom, toolRunner } from './helpers/edit-tools.js';
import { TestRepo } from './helpers/git-repo.js';
import { workspaces } from './helpers/workspaces.js';

const FAKE_KEY = 'sk-ant-fake-key-for-the-env-test-0123456789';
const FAKE_TOKEN = 'glpat-fake-clone-token-0123456789';
/** Variables /bin/sh sets by itself. */
const SHELL_OWN = new Set(['PWD', 'OLDPWD', 'SHLVL', '_']);

const SETTINGS = `
commands:
  test: echo "2 tests passed"; echo "1 warning" >&2; exit 3
  forever: sleep 300 & echo $! > "$TMPDIR/child.pid"; trap '' TERM; while true; do sleep 1; done
  loud: i=0; while [ $i -lt 3000 ]; do echo "line $i of a very long and chatty build log"; i=$((i+1)); done
  env: env
  ci-edit: 'echo "hacked: true" > .gitlab-ci.yml'
changes:
  command_timeout_seconds: 1
`;

/** Alive: the process exists and is not a zombie waiting to be reaped. */
async function alive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

describe('edit tools: run_command', () => {
  const spaces = workspaces();
  let repo: TestRepo;
  let workspace: string;
  let run: ReturnType<typeof toolRunner>;
  const runs: CommandRun[] = [];
  const saved = { key: process.env.ANTHROPIC_API_KEY, token: process.env.FORGEBOT_CLONE_TOKEN };

  before(async () => {
    process.env.ANTHROPIC_API_KEY = FAKE_KEY;
    process.env.FORGEBOT_CLONE_TOKEN = FAKE_TOKEN;
    repo = await TestRepo.create({ 'README.md': '# demo\n', '.gitlab-ci.yml': 'test:\n  script: [npm test]\n' });
    workspace = await spaces.make();
    const headSha = await repo.git('rev-parse', 'HEAD');
    const tools = createEditTools(repo.dir, { headSha, settings: settingsFrom(SETTINGS), workspaceDir: workspace, killGraceMs: 500, onCommandRun: (done) => runs.push(done) });
    run = toolRunner(tools);
  });
  after(async () => {
    for (const [name, value] of [['ANTHROPIC_API_KEY', saved.key], ['FORGEBOT_CLONE_TOKEN', saved.token]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await repo.remove();
    await spaces.removeAll();
  });

  test('a declared command runs in the repository; its exit code and output come back and the run is recorded', async () => {
    const result = await run('run_command', { name: 'test' });
    assert.match(result, /^`test` \(echo "2 tests passed".*\) exited with code 3 after \d+\.\d s\./);
    assert.match(result, /2 tests passed/);
    assert.match(result, /1 warning/);
    const recorded = runs.at(-1);
    assert.ok(recorded);
    CommandRunSchema.parse(recorded);
    assert.equal(recorded.name, 'test');
    assert.equal(recorded.exitCode, 3);
    assert.equal(recorded.timedOut, false);
    assert.equal(recorded.outputTruncated, false);
    assert.equal(recorded.output, '2 tests passed\n1 warning\n');
  });

  test('an undeclared name is refused with the declared ones', async () => {
    const before = runs.length;
    await assertRefused(run('run_command', { name: 'rm -rf /' }), /"rm -rf \/" is not a command this repository declares; the declared ones are: test, forever, loud, env, ci-edit\./);
    await assertRefused(run('run_command', { name: 'toString' }), /not a command this repository declares/);
    assert.equal(runs.length, before);
  });

  test('the tool is offered with the declared names as an enum, and the limits in its description', () => {
    const tools = createEditTools(repo.dir, { headSha: 'HEAD', settings: settingsFrom(SETTINGS) });
    const definition = tools.find((tool) => tool.definition.name === 'run_command')?.definition;
    assert.ok(definition);
    assert.deepEqual(definition.input_schema.properties, { name: { type: 'string', enum: ['test', 'forever', 'loud', 'env', 'ci-edit'], description: 'The name of one of the commands the repository declares.' } });
    assert.match(definition.description ?? '', /killed after 1 s/);
    const none = createEditTools(repo.dir, { headSha: 'HEAD', settings: settingsFrom('changes:\n  max_files: 3\n') });
    assert.deepEqual(none.map((tool) => tool.definition.name), ['write_file', 'replace_in_file', 'delete_file']);
    assert.match(none[0]?.definition.description ?? '', /at most 3 files and 500 changed lines/);
  });

  test('a command that runs forever (and ignores SIGTERM) is killed at its timeout, with the child it started', async () => {
    const result = await run('run_command', { name: 'forever' });
    assert.match(result, /ran past its timeout of 1\.0 s and was killed with its process group/);
    const recorded = runs.at(-1);
    assert.ok(recorded);
    assert.equal(recorded.timedOut, true);
    assert.equal(recorded.exitCode, null);
    assert.equal(recorded.signal, 'SIGKILL');
    assert.ok(recorded.durationMs >= 1_000, `ran ${recorded.durationMs} ms`);
    const child = Number((await readFile(join(workspace, 'command-tmp', 'child.pid'), 'utf8')).trim());
    assert.ok(child > 0);
    assert.equal(await alive(child), false, `child ${child} still runs`);
  });

  test('output over the cap keeps its head and tail and says what was cut', async () => {
    const result = await run('run_command', { name: 'loud' });
    const recorded = runs.at(-1);
    assert.ok(recorded);
    assert.equal(recorded.outputTruncated, true);
    assert.ok(recorded.output.length <= MAX_COMMAND_OUTPUT_CHARS);
    assert.ok(result.length < MAX_COMMAND_OUTPUT_CHARS + 500, `${result.length} characters`);
    assert.match(recorded.output, /^line 0 of a very long/);
    assert.match(recorded.output, /line 2999 of a very long and chatty build log\n$/);
    assert.match(recorded.output, /… \[\d+ bytes of output cut here: only the first 9500 and the last 9500 bytes are kept\] …/);
    assert.doesNotMatch(recorded.output, /line 1500 of/);
    assert.match(result, /Output \(its middle cut: see the note in it\):/);
  });

  test("the command's environment holds none of the runner's variables", async () => {
    assert.equal(process.env.ANTHROPIC_API_KEY, FAKE_KEY);
    const result = await run('run_command', { name: 'env' });
    const recorded = runs.at(-1);
    assert.ok(recorded);
    assert.equal(recorded.exitCode, 0);
    const env = new Map(recorded.output.split('\n').filter(Boolean).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
    assert.deepEqual([...env.keys()].filter((name) => !SHELL_OWN.has(name)).sort(), ['CI', 'HOME', 'LANG', 'PATH', 'TMPDIR']);
    assert.equal(env.get('CI'), 'true');
    assert.equal(env.get('HOME'), join(workspace, 'command-home'));
    assert.equal(env.get('TMPDIR'), join(workspace, 'command-tmp'));
    assert.ok(relative(repo.dir, env.get('HOME') ?? '').startsWith('..'));
    for (const text of [result, recorded.output]) {
      assert.doesNotMatch(text, /ANTHROPIC|FORGEBOT/);
      assert.ok(!text.includes(FAKE_KEY) && !text.includes(FAKE_TOKEN));
    }
  });

  test('a command that changes a protected file gets a warning back', async () => {
    const result = await run('run_command', { name: 'ci-edit' });
    assert.match(result, /exited with code 0/);
    assert.match(result, /Warning: after this command the working tree breaks the scope limits.*\.gitlab-ci\.yml is a CI definition/);
    await repo.git('checkout', '--', '.gitlab-ci.yml');
  });
});
