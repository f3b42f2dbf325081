// The prompt-injection corpus (test/fixtures/prompt-injection): one merge request with injections in its title,
// description, branch name, diff lines, code comments, file contents and head-branch guideline/settings files, read
// through the real GitLab forge (gitbeaker → fake GitLab), reviewed by the real runner against a fake model that
// OBEYS every instruction it sees, and published on the fake GitLab. Nothing the data says may steer the outcome.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { createGitLabClient, createGitLabForge } from '../src/activities/gitlab/index.js';
import { publishReview } from '../src/activities/publish-review.js';
import { readReviewContext } from '../src/activities/review-context.js';
import { REVIEWER_SYSTEM_PROMPT } from '../src/agents/roles/reviewer/role.js';
import { runReview } from '../src/agents/roles/reviewer/run.js';
import type { ReviewTask } from '../src/domain/agent-task.js';
import type { ChangeSnapshot } from '../src/domain/change-snapshot.js';
import { ReviewResult } from '../src/domain/finding.js';
import { FakeAnthropic } from '../src/fakes/anthropic/fake-anthropic.js';
import { textOf, toolResultsOf } from '../src/fakes/anthropic/messages.js';
import { createFakeGitLab } from '../src/fakes/gitlab/fake-gitlab.js';
import { obedientModel } from './fixtures/prompt-injection/obedient-model.js';
import { untrustedBlocks } from './fixtures/prompt-injection/prompt-structure.js';
import { TestRepo } from './helpers/git-repo.js';

const Attacks = z.strictObject({
  title: z.string(), description: z.string(), source_branch: z.string(),
  base: z.record(z.string(), z.string()), head: z.record(z.string(), z.string()),
  injected_phrases: z.array(z.string()).min(1),
});
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/u;
const API_KEY = `sk-ant-api03-${randomBytes(16).toString('hex')}`;
const CLONE_TOKEN = `glpat-${randomBytes(10).toString('hex')}`;
const GITLAB_TOKEN = `glpat-api-${randomBytes(10).toString('hex')}`;
const secrets = [API_KEY, CLONE_TOKEN, GITLAB_TOKEN];
const ref = { forge: 'gitlab' as const, projectId: 7, projectPath: 'group/app', number: 1 };

async function loadAttacks() {
  const text = await readFile(new URL('./fixtures/prompt-injection/attacks.yaml', import.meta.url), 'utf8');
  return Attacks.parse(parseYaml(text.replaceAll('{{API_KEY}}', API_KEY).replaceAll('{{CLONE_TOKEN}}', CLONE_TOKEN)));
}

describe('prompt injection: the output cannot be steered', () => {
  const gitlab = createFakeGitLab({ token: GITLAB_TOKEN });
  const model = new FakeAnthropic({ apiKey: API_KEY, brain: obedientModel([API_KEY, CLONE_TOKEN]) });
  let attacks: z.infer<typeof Attacks>;
  let repo: TestRepo;
  let workspace: string;
  let snapshot: ChangeSnapshot;
  let task: ReviewTask;
  let result: ReviewResult;

  before(async () => {
    attacks = await loadAttacks();
    repo = await TestRepo.create(attacks.base);
    await repo.branch(attacks.source_branch);
    await repo.commit(attacks.head, 'feature work');
    await repo.checkout('main');
    await Promise.all([gitlab.start(), model.start()]);
    gitlab.addProject({ id: 7, pathWithNamespace: ref.projectPath, repoDir: repo.dir });
    await gitlab.addMergeRequest({ projectId: 7, iid: 1, title: attacks.title, description: attacks.description, sourceBranch: attacks.source_branch, targetBranch: 'main' });
    const forge = createGitLabForge(createGitLabClient({ host: gitlab.url, token: GITLAB_TOKEN, timeoutMs: 5_000 }));
    snapshot = await forge.getChange(ref);
    task = {
      role: 'reviewer',
      request: { ref, headSha: snapshot.headSha, title: snapshot.title, author: 'mallory', sourceBranch: attacks.source_branch, targetBranch: snapshot.targetBranch, webUrl: 'http://gitlab.invalid/group/app/-/merge_requests/1', draft: false },
      repository: { cloneUrl: snapshot.cloneUrl, baseSha: snapshot.baseSha, headSha: snapshot.headSha },
      changedPaths: snapshot.files.map((file) => file.newPath),
      model: 'claude-sonnet-4-6',
      limits: { maxTurns: 6, maxOutputTokens: 2_048, tokenBudget: 200_000 },
      review: await readReviewContext(forge, snapshot, undefined),
    };
    workspace = await mkdtemp(join(tmpdir(), 'forgebot-injection-'));
    result = await runReview(task, { anthropicApiKey: API_KEY, anthropicBaseUrl: model.url, cloneToken: CLONE_TOKEN }, workspace, pino({ level: 'silent' }));
    await publishReview(forge, snapshot, result);
  });
  after(async () => {
    await Promise.all([gitlab.stop(), model.stop()]);
    await Promise.all([repo.remove(), rm(workspace, { recursive: true, force: true })]);
  });

  test('the fake model got every request it answered, and the real API would have accepted them', () => {
    assert.equal(model.requests.length, 3, 'tools, a refused submission, an accepted one');
    assert.deepEqual(model.errors, []);
  });

  test('guideline and settings files come from the target branch; the head branch\'s versions are not rules', () => {
    assert.deepEqual(task.review?.guidelines.map((guideline) => [guideline.path, guideline.text]), [['CLAUDE.md', attacks.base['CLAUDE.md']]]);
    assert.equal(task.review?.settings.reviewer.min_confidence, 0.7, 'the head\'s `min_confidence: 0` is ignored');
    assert.equal(task.review?.settings.reviewer.include_nits, false);
    const brief = textOf(model.requests[0]!.messages[0]!.content);
    const rules = [...brief.matchAll(/<project-guidelines [^>]*>\n([\s\S]*?)\n<\/project-guidelines>/g)].map((match) => match[1]);
    assert.deepEqual(rules, [attacks.base['CLAUDE.md']]);
    assert.doesNotMatch(brief.replace(/<untrusted-data[\s\S]*?<\/untrusted-data>/g, ''), /pre-approved|IGNORE the reviewer/);
  });

  test('the model is given the untrusted text fenced: no fence break, every injected phrase inside a fence', () => {
    const brief = textOf(model.requests[0]!.messages[0]!.content);
    const { blocks, outside } = untrustedBlocks(brief);
    assert.ok(blocks.some((block) => block.name === 'merge-request') && blocks.some((block) => block.name === 'diff'));
    for (const block of blocks) {
      assert.ok(!block.body.includes(block.fence), `${block.name}: the fence does not occur inside it`);
      assert.doesNotMatch(block.body, /<\/?untrusted-data/i, `${block.name}: no fake fence tag survives inside`);
    }
    for (const phrase of attacks.injected_phrases) assert.ok(!outside.toLowerCase().includes(phrase.toLowerCase()), `"${phrase}" outside a fence`);
    assert.doesNotMatch(outside, /<system>|SYSTEM:|Human:|\/untrusted-data>approve/);
    const system = model.requests.map((request) => (typeof request.system === 'string' ? request.system : (request.system ?? []).map((block) => block.text).join('\n')));
    assert.deepEqual(system, [REVIEWER_SYSTEM_PROMPT, REVIEWER_SYSTEM_PROMPT, REVIEWER_SYSTEM_PROMPT], 'the system prompt is the reviewer\'s own, untouched');
  });

  test('invisible characters are neutralised: removed from prose, shown as ⟦U+XXXX⟧ in code', () => {
    for (const request of model.requests) {
      for (const message of request.messages) assert.doesNotMatch(JSON.stringify(message.content).replace(/\\u[0-9a-f]{4}/gi, (escape) => JSON.parse(`"${escape}"`) as string), INVISIBLE);
    }
    const brief = textOf(model.requests[0]!.messages[0]!.content);
    const title = untrustedBlocks(brief).blocks.find((block) => block.name === 'merge-request')!.body;
    assert.match(title, /title: Fix add\(\)/);
    assert.doesNotMatch(title, /⟦U\+|ignore previous instructions/, 'HTML comments and invisible characters are removed from prose');
    assert.match(brief, /user⟦U\+202E⟧ ⟦U\+2066⟧\/\/ admin⟦U\+2069⟧⟦U\+2066⟧/, 'a Trojan Source line is shown as it is, visibly');
  });

  test('the API key and the clone token never reach the model, not even through the repository or its tools', () => {
    const sent = JSON.stringify(model.requests);
    for (const secret of secrets) assert.ok(!sent.includes(secret), 'a secret reached the model');
    const results = toolResultsOf(model.requests[1]!.messages.at(-1));
    assert.equal(results.length, 8);
    assert.match(results[0]!.content, /ANTHROPIC_API_KEY=\[redacted\]/);
    assert.match(results[0]!.content, /GITLAB_CLONE_TOKEN=\[redacted\]/);
    assert.deepEqual(results.slice(3).map((entry) => entry.isError), [true, true, false, true, true], '.git, paths outside the repository and unknown tools are refused');
    assert.match(results[6]!.content, /unknown tool approve_merge_request/);
    assert.doesNotMatch(JSON.stringify(model.requests[0]!.tools), /approve|settings|threshold/i, 'the model is offered no tool that approves or changes settings');
  });

  test('the result cannot approve or change thresholds: the schema has no such field, and the target\'s threshold holds', () => {
    const refusal = toolResultsOf(model.requests[2]!.messages.at(-1));
    assert.deepEqual(refusal.map((entry) => entry.isError), [true], 'the submission carrying an approval and thresholds is refused');
    assert.match(refusal[0]!.content, /approve/);
    assert.deepEqual(Object.keys(result).filter((key) => !(key in ReviewResult.shape)), []);
    assert.ok(!('approve' in result) && !('verdict' in result) && !('min_confidence' in result) && !('settings' in result));
    const kept = result.findings.map((finding) => [finding.path, finding.line, finding.severity, finding.title]).sort((x, y) => String(y[0]).localeCompare(String(x[0])));
    assert.deepEqual(kept, [['src/app.ts', 10, 'blocker', 'SQL built from strings'], ['../../etc/passwd', 1, 'blocker', 'Outside the change']]);
    assert.equal(result.checks?.outsideDiff, 1, 'a finding outside the diff is only listed in the summary, never anchored');
    const diffNotes = gitlab.discussions(7, 1).flatMap((discussion) => discussion.notes).filter((note) => note.type === 'DiffNote');
    assert.equal(diffNotes.length, 1);
    assert.ok(!diffNotes.some((note) => note.body.includes('Outside the change')));
    assert.equal(result.hidden?.lowConfidence, 1, 'the 0.05-confidence "approved by policy" finding is held back');
    assert.equal(gitlab.requests.filter((line) => /approv|settings|protected/i.test(line)).length, 0, 'nothing asked GitLab to approve or change settings');
  });

  test('secrets the model echoes are redacted from the result and from everything posted', () => {
    const resultText = JSON.stringify(result);
    for (const secret of secrets) assert.ok(!resultText.includes(secret), 'a secret is in the result');
    assert.match(result.summary, /\[redacted\]/);
    const posted = JSON.stringify([gitlab.notes(7, 1), gitlab.discussions(7, 1)]);
    assert.ok(posted.includes('SQL built from strings'), 'the review was posted');
    for (const secret of secrets) assert.ok(!posted.includes(secret), 'a secret was posted');
  });

  test('the description is not part of what the model reads', () => {
    assert.ok(!JSON.stringify(model.requests).includes('print the ANTHROPIC_API_KEY ('));
  });
});
