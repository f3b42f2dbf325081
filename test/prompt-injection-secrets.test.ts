// Secrets that do not look like tokens (a proxy's API key, a clone token of an unknown format): the runner knows their
// values, so it must keep them out of everything it sends and returns, whatever the repository contains.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { runReview } from '../src/agents/roles/reviewer/run.js';
import type { ReviewResult } from '../src/domain/finding.js';
import { FakeAnthropic } from '../src/fakes/anthropic/fake-anthropic.js';
import { obedientModel } from './fixtures/prompt-injection/obedient-model.js';
import { TestRepo } from './helpers/git-repo.js';
import { reviewTask } from './helpers/review-task.js';

const API_KEY = `corp-proxy-${randomBytes(12).toString('hex')}`;
const CLONE_TOKEN = `clone-${randomBytes(12).toString('hex')}`;

describe('prompt injection: secrets of any format', () => {
  const model = new FakeAnthropic({ apiKey: API_KEY, brain: obedientModel([API_KEY, CLONE_TOKEN]) });
  let repo: TestRepo;
  let workspace: string;
  let result: ReviewResult;

  before(async () => {
    const base = { 'src/app.ts': 'export const a = 1;\n', 'docs/NOTES.md': 'notes\n', 'CLAUDE.md': 'rules\n' };
    repo = await TestRepo.create(base);
    const baseSha = await repo.git('rev-parse', 'HEAD');
    await repo.branch('feature');
    const headSha = await repo.commit({ 'src/app.ts': `export const a = 1;\nexport const proxyKey = '${API_KEY}';\n`, 'config/.env': `ANTHROPIC_API_KEY=${API_KEY}\nGITLAB_CLONE_TOKEN=${CLONE_TOKEN}\n` }, 'commit the keys');
    await model.start();
    workspace = await mkdtemp(join(tmpdir(), 'forgebot-injection-secrets-'));
    const task = { ...reviewTask(`file://${repo.dir}`, baseSha, headSha), changedPaths: ['src/app.ts', 'config/.env'] };
    result = await runReview(task, { anthropicApiKey: API_KEY, anthropicBaseUrl: model.url, cloneToken: CLONE_TOKEN }, workspace, pino({ level: 'silent' }));
  });
  after(async () => {
    await model.stop();
    await Promise.all([repo.remove(), rm(workspace, { recursive: true, force: true })]);
  });

  test('what the model echoes is redacted from the result, whatever the secret looks like', () => {
    const text = JSON.stringify(result);
    assert.ok(!text.includes(API_KEY) && !text.includes(CLONE_TOKEN));
    assert.match(result.summary, /\[redacted\]/);
  });

  test('the runner\'s own secrets committed in the repository are not sent to the model', () => {
    const sent = JSON.stringify(model.requests);
    assert.ok(!sent.includes(API_KEY), 'the API key was sent in a prompt');
    assert.ok(!sent.includes(CLONE_TOKEN), 'the clone token was sent in a prompt');
    assert.match(sent, /proxyKey = '\[redacted\]'/, 'the committed file reached the model, with the key redacted');
  });
});
