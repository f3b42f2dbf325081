// The implementer role in the runner (no sandbox): what the work is checked for before it may leave.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAgentTask } from '../src/agents/roles/registry.js';
import { RunnerError } from '../src/agents/runner-error.js';
import { RepoSettings } from '../src/domain/review-settings.js';
import { FakeAnthropic } from '../src/fakes/anthropic/fake-anthropic.js';
import { toolUse } from '../src/fakes/anthropic/messages.js';
import { createLogger } from '../src/logger.js';
import { TestRepo } from './helpers/git-repo.js';
import { implementTask } from './helpers/implementer-script.js';

const API_KEY = 'sk-ant-implementer-role-0123456789';
const log = createLogger('silent');

describe('implementer role', () => {
  let repo: TestRepo;
  let headSha: string;
  let model: FakeAnthropic;
  const workspaces: string[] = [];
  const workspace = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'forgebot-implementer-'));
    workspaces.push(dir);
    return dir;
  };
  before(async () => {
    repo = await TestRepo.create({ 'src/app.ts': 'export const app = 1;\n', 'README.md': '# app\n' });
    headSha = await repo.git('rev-parse', 'HEAD');
    model = new FakeAnthropic({ apiKey: API_KEY });
    await model.start();
  });
  after(async () => {
    await model?.stop();
    await repo?.remove();
    await Promise.all(workspaces.map((dir) => rm(dir, { recursive: true, force: true })));
  });
  const secrets = () => ({ anthropicApiKey: API_KEY, anthropicBaseUrl: model.url });

  test('a declared command that writes past the line limit: the patch is refused (ERR_PATCH_SCOPE), not handed back', async () => {
    const task = { ...implementTask(`file://${repo.dir}`, headSha, 'group/app', 'gitlab'), settings: RepoSettings.parse({ commands: { gen: 'seq 1 50 > generated.txt' }, changes: { max_lines: 20 } }) };
    model.script({ content: [toolUse('run_command', { name: 'gen' })] }, { content: [toolUse('submit_work', { summary: 'Generated.', commit_message: 'Generate' })] });
    await assert.rejects(runAgentTask(task, { secrets: secrets(), workspace: await workspace(), log }), (error: unknown) => error instanceof RunnerError && error.code === 'ERR_PATCH_SCOPE' && /20/.test(error.message));
  });

  test('a patch that carries the runner’s own credential is never handed back (ERR_PATCH_SECRET)', async () => {
    const task = implementTask(`file://${repo.dir}`, headSha, 'group/app', 'gitlab');
    model.script(
      { content: [toolUse('write_file', { path: 'src/key.ts', content: `export const key = '${API_KEY}';\n` })] },
      { content: [toolUse('submit_work', { summary: 'Saved the key.', commit_message: 'Key' })] },
    );
    await assert.rejects(runAgentTask(task, { secrets: secrets(), workspace: await workspace(), log }), (error: unknown) => error instanceof RunnerError && error.code === 'ERR_PATCH_SECRET');
  });

  test('the model stopping without submitting: the work is returned as truncated, with what it changed', async () => {
    const task = { ...implementTask(`file://${repo.dir}`, headSha, 'group/app', 'gitlab'), limits: { maxTurns: 2, maxOutputTokens: 512, tokenBudget: 100_000 } };
    model.script(
      { content: [toolUse('replace_in_file', { path: 'src/app.ts', old_text: 'app = 1', new_text: 'app = 2' })] },
      { content: [toolUse('read_file', { path: 'README.md' })] },
    );
    const output = await runAgentTask(task, { secrets: secrets(), workspace: await workspace(), log });
    assert.equal(output.role, 'implementer');
    if (output.role !== 'implementer') return;
    assert.equal(output.work.truncated, true);
    assert.equal(output.work.patch.filesChanged, 1);
    assert.match(output.work.summary, /stopped/);
  });
});
