// The fix proof of the implementer (task.verify): the runner itself runs the declared test command on clean copies of
// the head — the test files alone must fail, the whole patch must pass — on a real Node.js project with a real bug,
// through runAgentTask and the scripted fake Anthropic API.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { runAgentTask } from '../src/agents/roles/registry.js';
import { ImplementResult, type ImplementTask } from '../src/domain/agent-task.js';
import { RepoSettings } from '../src/domain/review-settings.js';
import { FakeAnthropic } from '../src/fakes/anthropic/fake-anthropic.js';
import { toolUse } from '../src/fakes/anthropic/messages.js';
import { createLogger } from '../src/logger.js';
import { buggyProject, CART_FIX, CART_PATH, fixTask, scriptTestFirstFix, SPARSE_TEST, SPARSE_TEST_PATH, type FixScript } from './helpers/buggy-project.js';
import type { TestRepo } from './helpers/git-repo.js';
import { workspaces } from './helpers/workspaces.js';

const API_KEY = 'sk-ant-fix-verification-0123456789';
const log = createLogger('silent');

describe('fix verification (implementer with task.verify)', () => {
  let repo: TestRepo;
  let headSha: string;
  let model: FakeAnthropic;
  const dirs = workspaces();
  before(async () => {
    ({ repo, headSha } = await buggyProject());
    model = new FakeAnthropic({ apiKey: API_KEY });
    await model.start();
  });
  after(async () => {
    await model?.stop();
    await repo?.remove();
    await dirs.removeAll();
  });

  const fix = async (task: ImplementTask, script?: FixScript) => {
    if (script) scriptTestFirstFix(model, script);
    const workspace = await dirs.make();
    const output = await runAgentTask(task, { secrets: { anthropicApiKey: API_KEY, anthropicBaseUrl: model.url }, workspace, log });
    assert.equal(output.role, 'implementer');
    if (output.role !== 'implementer') throw new Error('not an implementer result');
    assert.deepEqual(model.errors, []);
    assert.equal(model.pending, 0, 'the whole script was used');
    // The proof's clean copies are gone; the agent's checkout is all that is left.
    assert.deepEqual((await readdir(workspace)).filter((name) => name.startsWith('fix-proof-')), []);
    const work = ImplementResult.parse(output.work);
    assert.ok(work.verification, 'a task with verify gets a verification');
    return { work, verification: work.verification };
  };
  const task = (overrides: Parameters<typeof fixTask>[2] = {}) => fixTask(`file://${repo.dir}`, headSha, overrides);

  test('proven: the new test fails at the head (the real TypeError) and the whole patch passes', async () => {
    const first = model.requests.length;
    const { work, verification } = await fix(task(), 'proven');
    assert.equal(verification.verdict, 'proven', verification.reason);
    assert.deepEqual(verification.testPaths, [SPARSE_TEST_PATH]);
    assert.ok(verification.before && verification.after);
    assert.notEqual(verification.before.exitCode, 0);
    assert.equal(verification.before.timedOut, false);
    assert.match(verification.before.output, /TypeError: Cannot read properties of undefined \(reading 'price'\)/);
    assert.match(verification.before.output, /(?:ℹ|#) pass 2\n(?:ℹ|#) fail 1/, 'the existing tests pass, the new one fails');
    assert.equal(verification.after.exitCode, 0);
    assert.match(verification.after.output, /(?:ℹ|#) pass 3\n(?:ℹ|#) fail 0/);
    assert.match(verification.reason, /exited with code 1 .*; with the whole patch it passes \(exited with code 0/);

    // The agent's own two runs, then the proof's two: all in `commands`.
    assert.equal(work.commands.length, 4);
    assert.deepEqual(work.commands.slice(2), [verification.before, verification.after]);
    assert.notEqual(work.commands[0]?.exitCode, 0);
    assert.equal(work.commands[1]?.exitCode, 0);
    // The patch is the agent's whole work, untouched by the proof.
    assert.deepEqual(work.patch.files.map((file) => file.path).sort(), [CART_PATH, SPARSE_TEST_PATH]);
    const sparse = work.patch.files.find((file) => file.path === SPARSE_TEST_PATH);
    assert.equal(sparse && sparse.action !== 'delete' ? Buffer.from(sparse.contentBase64, 'base64').toString('utf8') : undefined, SPARSE_TEST);
    assert.match(work.patch.patch, new RegExp(`\\+.*${CART_FIX.to.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));

    // The model was told what the proof is, and submit_work asked for test_paths.
    const submit = model.requests[first]?.tools?.find((tool) => tool.name === 'submit_work');
    assert.deepEqual((submit?.input_schema as { required?: string[] } | undefined)?.required?.includes('test_paths'), true);
    const brief = JSON.stringify(model.requests[first]?.messages[0]?.content);
    assert.match(brief, /must fail without your fix and pass with it/);
    assert.match(brief, /test_paths/);
  });

  test('passed-before: a test that does not reach the bug proves nothing (the fix is not run)', async () => {
    const { verification } = await fix(task(), 'passed-before');
    assert.equal(verification.verdict, 'passed-before', verification.reason);
    assert.equal(verification.before?.exitCode, 0);
    assert.equal(verification.after, undefined);
    assert.match(verification.reason, /does not reproduce the error/);
  });

  test('failed-after: a test still failing with the whole patch', async () => {
    const { verification } = await fix(task(), 'failed-after');
    assert.equal(verification.verdict, 'failed-after', verification.reason);
    assert.notEqual(verification.before?.exitCode, 0);
    assert.notEqual(verification.after?.exitCode, 0);
    assert.match(verification.after?.output ?? '', /(?:ℹ|#) fail 1/);
    assert.match(verification.reason, /still fails/);
  });

  test('no-test: no test paths, test paths outside the patch, or a patch of test files only', async () => {
    const none = await fix(task(), 'no-test');
    assert.equal(none.verification.verdict, 'no-test');
    assert.equal(none.verification.before, undefined);
    assert.match(none.verification.reason, /named no test file/);
    assert.equal(none.work.commands.length, 2, 'only the agent’s own runs');

    model.script(
      { content: [toolUse('replace_in_file', { path: CART_PATH, old_text: CART_FIX.from, new_text: CART_FIX.to })] },
      { content: [toolUse('submit_work', { summary: 'Fixed; the existing test covers it.', commit_message: 'Fix', test_paths: ['test/cart.test.js'] })] },
    );
    const outside = await fix(task());
    assert.equal(outside.verification.verdict, 'no-test');
    assert.match(outside.verification.reason, /not part of the patch \(test\/cart\.test\.js\)/);

    model.script(
      { content: [toolUse('write_file', { path: SPARSE_TEST_PATH, content: SPARSE_TEST })] },
      { content: [toolUse('submit_work', { summary: 'A test only.', commit_message: 'Test', test_paths: [SPARSE_TEST_PATH] })] },
    );
    const testsOnly = await fix(task());
    assert.equal(testsOnly.verification.verdict, 'no-test');
    assert.match(testsOnly.verification.reason, /only its test files/);
  });

  test('not-run: the test command is not declared, or the test run without the fix times out', async () => {
    const undeclared = await fix(task({ verify: { testCommand: 'unit' } }), 'proven');
    assert.equal(undeclared.verification.verdict, 'not-run');
    assert.match(undeclared.verification.reason, /`unit` is not declared/);
    assert.equal(undeclared.verification.before, undefined);

    const hanging = "'use strict';\nrequire('node:test')('hangs', () => new Promise(() => setInterval(() => {}, 1_000)));\n";
    const settings = RepoSettings.parse({ commands: { test: 'node --test' }, changes: { command_timeout_seconds: 1 } });
    model.script(
      { content: [toolUse('write_file', { path: SPARSE_TEST_PATH, content: hanging }), toolUse('replace_in_file', { path: CART_PATH, old_text: CART_FIX.from, new_text: CART_FIX.to })] },
      { content: [toolUse('submit_work', { summary: 'Fixed.', commit_message: 'Fix', test_paths: [SPARSE_TEST_PATH] })] },
    );
    const timedOut = await fix(task({ settings }));
    assert.equal(timedOut.verification.verdict, 'not-run', timedOut.verification.reason);
    assert.equal(timedOut.verification.before?.timedOut, true);
    assert.equal(timedOut.verification.after, undefined);
    assert.match(timedOut.verification.reason, /ran past its timeout of 1\.0 s .*not a clean failure/);
  });
});
