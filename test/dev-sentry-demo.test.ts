// The Sentry side of `forgebot dev`'s demo, piece by piece (test/cli.test.ts runs it whole): the fake Sentry's issue
// leads into the demo repository's bug through forgebot's own Sentry client and evidence code; its webhook is signed
// and maps to the demo GitLab project; the scripted demo model, run by the real runner on the demo repository,
// analyses the bug and fixes it test first, and the runner's own proof fails before the fix and passes after.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { issueSummaryFromApi } from '../src/activities/sentry/issue-summary.js';
import { evidenceFromEvent } from '../src/activities/sentry/evidence-from-event.js';
import { renderEvidence } from '../src/activities/sentry/render-evidence.js';
import { createSentryClient } from '../src/activities/sentry/sentry-client.js';
import { runAgentTask } from '../src/agents/roles/registry.js';
import { createDemoRepository, type DemoRepository } from '../src/cli/demo/demo-repository.js';
import { DEMO_MODEL } from '../src/cli/demo/demo.js';
import { startDemoSentry, type DemoSentry } from '../src/cli/demo/demo-sentry.js';
import { progressLines, terminalLine } from '../src/cli/demo/watch-sentry-fix.js';
import { AnalysisResult, ImplementResult, type AnalyzeTask, type ImplementTask } from '../src/domain/agent-task.js';
import { parseRepoSettings } from '../src/domain/review-settings.js';
import { inAppFrames, type SentryEvidence } from '../src/domain/sentry/evidence.js';
import type { SentryProjectMapping } from '../src/domain/sentry/project-mapping.js';
import { demoModel } from '../src/fakes/anthropic/demo-model.js';
import { BADGE_FIX, BADGE_PATH, BUG_LINE, DEMO_FORGEBOT_YML, HEADER_PATH, REPRO_TEST, REPRO_TEST_PATH } from '../src/fakes/anthropic/demo-shop-bug.js';
import { FakeAnthropic } from '../src/fakes/anthropic/fake-anthropic.js';
import { FakeGitLab } from '../src/fakes/gitlab/fake-gitlab.js';
import { createLogger } from '../src/logger.js';
import { decideSentryAction } from '../src/webhooks/sentry/decide-sentry-action.js';
import { parseSentryEvent } from '../src/webhooks/sentry/parse-sentry-event.js';
import { verifySentrySignature } from '../src/webhooks/sentry/verify-signature.js';
import type { SentryFixStatus } from '../src/workflows/sentry-fix-definitions.js';
import { workspaces } from './helpers/workspaces.js';

const API_KEY = 'sk-ant-dev-sentry-demo-0123456789';
const log = createLogger('silent');
const subject = (issueId: string) => ({ kind: 'sentry-issue' as const, org: 'demo', issueId });

describe('the Sentry demo of forgebot dev', () => {
  let dir: string;
  let repo: DemoRepository;
  let sentry: DemoSentry;
  let model: FakeAnthropic;
  let mapping: SentryProjectMapping;
  /** The issue's latest event as forgebot reads it (its Sentry client, the fake Sentry) and renders it for the agents. */
  let found: SentryEvidence;
  let evidence: string;
  const dirs = workspaces();
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'forgebot-sentry-demo-'));
    repo = await createDemoRepository(join(dir, 'repo'));
    // The fake GitLab is only read for the fix MR (waitForFixChange): not started here.
    sentry = await startDemoSentry({ fake: new FakeGitLab({ token: 'glpat-unused' }), projectId: 1, projectPath: 'demo/shop' });
    model = new FakeAnthropic({ apiKey: API_KEY, brain: demoModel });
    await model.start();
    const { SENTRY_URL, SENTRY_TOKEN, SENTRY_PROJECTS } = sentry.config;
    const first = SENTRY_PROJECTS?.[0];
    assert.ok(SENTRY_TOKEN && first, 'the demo configures a Sentry token and a mapping');
    mapping = first;
    const client = createSentryClient({ baseUrl: SENTRY_URL, token: SENTRY_TOKEN });
    const issue = issueSummaryFromApi('demo', await client.getIssue('demo', sentry.issue.id), SENTRY_URL);
    found = evidenceFromEvent(await client.latestEvent('demo', sentry.issue.id), mapping);
    evidence = renderEvidence(issue, found);
  });
  after(async () => {
    await model?.stop();
    await sentry?.stop();
    await dirs.removeAll();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const secrets = () => ({ anthropicApiKey: API_KEY, anthropicBaseUrl: model.url });
  // The sentry-fix workflow checks out the default branch's head (main: the demo repository's base commit).
  const repository = () => ({ cloneUrl: `file://${repo.dir}`, baseSha: repo.baseSha, headSha: repo.baseSha });
  const limits = { maxTurns: 8, maxOutputTokens: 1024, tokenBudget: 100_000 };

  test("the issue's latest event, read through forgebot's Sentry client, has its in-app frames in the demo repository's buggy file", async () => {
    assert.equal(mapping.dryRun, false, 'not a dry run: an MR appears');
    assert.deepEqual([mapping.forge, mapping.projectId, mapping.projectPath], ['gitlab', 1, 'demo/shop']);
    const frames = inAppFrames(found);
    assert.deepEqual(frames.map((frame) => [frame.repositoryPath, frame.lineNo]), [[BADGE_PATH, BUG_LINE], [HEADER_PATH, 6]], 'innermost first: the bug, then its caller');
    // The frame's source lines are the repository's own.
    const source = (await readFile(join(repo.dir, BADGE_PATH), 'utf8')).split('\n');
    const raising = frames[0]?.context.find(([line]) => line === BUG_LINE)?.[1];
    assert.equal(raising, source[BUG_LINE - 1]);
    assert.ok(raising?.includes(BADGE_FIX.from));
    assert.match(evidence, /TypeError: Cannot read properties of undefined \(reading 'reduce'\)/);
    assert.match(evidence, new RegExp(`^\\s*\\* #1 ${BADGE_PATH}:${BUG_LINE}`, 'm'));
    // The declared test command the fix is proven with.
    assert.equal(await readFile(join(repo.dir, '.forgebot.yml'), 'utf8'), DEMO_FORGEBOT_YML);
  });

  test('its issue.created webhook is signed with the demo secret and starts sentry-fix:demo:<id> for the demo GitLab project', async () => {
    let received: { headers: IncomingMessage['headers']; body: Buffer } | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received = { headers: req.headers, body: Buffer.concat(chunks) };
        res.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"accepted"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const answer = await sentry.deliverIssueCreated(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      assert.equal(answer.status, 202);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    assert.ok(received);
    assert.equal(received.headers['sentry-hook-resource'], 'issue');
    assert.ok(verifySentrySignature(received.body, String(received.headers['sentry-hook-signature']), sentry.config.SENTRY_CLIENT_SECRET ?? []));
    assert.ok(!verifySentrySignature(received.body, String(received.headers['sentry-hook-signature']), ['another-secret']));
    const event = parseSentryEvent(JSON.parse(received.body.toString('utf8')), 'issue');
    const action = decideSentryAction(event, { mappings: sentry.config.SENTRY_PROJECTS ?? [], sentryUrl: sentry.config.SENTRY_URL });
    assert.equal(action.kind, 'start');
    assert.deepEqual(action.kind === 'start' ? action.subject : undefined, subject(sentry.issue.id));
    assert.equal(sentry.workflowId, `sentry-fix:demo:${sentry.issue.id}`);
  });

  test('the scripted analyst (run by the real runner) finds the root cause: fixable, with the evidence at the bug', async () => {
    const task: AnalyzeTask = {
      role: 'analyst', subject: subject(sentry.issue.id), forge: 'gitlab', repositoryPath: 'demo/shop', repository: repository(),
      goal: { title: "TypeError: Cannot read properties of undefined (reading 'reduce')", instructions: 'Find the root cause of this production error.', context: evidence },
      model: DEMO_MODEL, limits,
    };
    const output = await runAgentTask(task, { secrets: secrets(), workspace: await dirs.make(), log });
    assert.equal(output.role, 'analyst');
    const analysis = AnalysisResult.parse(output.role === 'analyst' ? output.analysis : undefined);
    assert.equal(analysis.fixable, true, analysis.reason);
    assert.ok(analysis.confidence >= mapping.minConfidence, 'above the mapping\'s threshold');
    assert.deepEqual(analysis.evidence[0] && [analysis.evidence[0].path, analysis.evidence[0].startLine], [BADGE_PATH, BUG_LINE]);
    assert.match(analysis.rootCause, /new session's cart has no items/);
    assert.deepEqual(model.errors, []);
  });

  test("the scripted fixer writes the reproducing test first and fixes the bug; the runner's own proof fails before (the real TypeError) and passes after", async () => {
    const { settings, problems } = parseRepoSettings(DEMO_FORGEBOT_YML);
    assert.deepEqual(problems, []);
    const task: ImplementTask = {
      role: 'implementer', subject: subject(sentry.issue.id), forge: 'gitlab', repositoryPath: 'demo/shop', repository: repository(),
      goal: { title: "Fix TypeError: Cannot read properties of undefined (reading 'reduce')", instructions: 'Fix the error with a small change and a test that reproduces it.', context: evidence },
      settings, verify: { testCommand: 'test' }, model: DEMO_MODEL, limits,
    };
    const output = await runAgentTask(task, { secrets: secrets(), workspace: await dirs.make(), log });
    assert.equal(output.role, 'implementer');
    const work = ImplementResult.parse(output.role === 'implementer' ? output.work : undefined);
    const proof = work.verification;
    assert.equal(proof?.verdict, 'proven', proof?.reason);
    assert.deepEqual(proof.testPaths, [REPRO_TEST_PATH]);
    assert.notEqual(proof.before?.exitCode, 0);
    assert.equal(proof.before?.timedOut, false);
    assert.match(proof.before?.output ?? '', /TypeError: Cannot read properties of undefined \(reading 'reduce'\)/);
    assert.match(proof.before?.output ?? '', /(?:ℹ|#) pass 1\n(?:ℹ|#) fail 1/, 'the existing test passes, the new one fails');
    assert.equal(proof.after?.exitCode, 0);
    assert.match(proof.after?.output ?? '', /(?:ℹ|#) pass 2\n(?:ℹ|#) fail 0/);
    // The agent's own runs: failing before its fix, passing after.
    assert.notEqual(work.commands[0]?.exitCode, 0);
    assert.equal(work.commands[1]?.exitCode, 0);
    assert.deepEqual(work.patch.files.map((file) => file.path).sort(), [BADGE_PATH, REPRO_TEST_PATH]);
    const written = work.patch.files.find((file) => file.path === REPRO_TEST_PATH);
    assert.equal(written && written.action !== 'delete' ? Buffer.from(written.contentBase64, 'base64').toString('utf8') : undefined, REPRO_TEST);
    assert.ok(work.patch.patch.includes(`+  ${BADGE_FIX.to}`));
    assert.deepEqual(model.errors, []);
  });

  test('an error the demo model does not know: the analyst says so (not fixable, confidence 0, a reason), never guesses', async () => {
    const task: AnalyzeTask = {
      role: 'analyst', subject: subject('1'), forge: 'gitlab', repositoryPath: 'demo/shop', repository: repository(),
      goal: { title: 'RangeError: Invalid array length', instructions: 'Find the root cause of this production error.', context: 'Exception (unhandled): RangeError: Invalid array length\n  Frames, innermost first (* in-app; > the line that raised):\n  * #1 src/cart.ts:8:10 in total' },
      model: DEMO_MODEL, limits,
    };
    const output = await runAgentTask(task, { secrets: secrets(), workspace: await dirs.make(), log });
    const analysis = AnalysisResult.parse(output.role === 'analyst' ? output.analysis : undefined);
    assert.equal(analysis.fixable, false);
    assert.equal(analysis.confidence, 0);
    assert.match(analysis.reason, /scripted demo analyst .* knows only the demo shop's TypeError/);
  });

  test('the progress lines: each fact once, in order, with untrusted text made safe for a terminal', () => {
    const status: SentryFixStatus = {
      subject: subject('7'), phase: 'awaiting-approval', dryRun: false, decisions: [], triggers: 1,
      gates: [{ gate: 'error-type', passed: true, detail: 'TypeError\u001b[2J\u001b]0;owned\u0007 is allowlisted' }],
      change: { ref: { forge: 'gitlab', projectId: 1, projectPath: 'demo/shop', number: 2 }, webUrl: 'http://127.0.0.1:1/demo/shop/-/merge_requests/2', branch: 'forgebot/sentry-SHOP-1' },
      pipeline: { state: 'none' },
      openGate: { gate: 'merge', since: '2026-03-02T10:00:00.000Z', expiresAt: '2026-03-16T10:00:00.000Z' },
    };
    const lines = progressLines(status);
    assert.deepEqual(lines.map((line) => line.split(':')[0]), ['check error-type', 'draft MR opened', 'pipeline', "waiting for a person's decision at the merge gate (until 2026-03-16T10"]);
    assert.ok(lines.every((line) => !/[\u0000-\u001f\u007f-\u009f]/.test(line)), 'no escape sequence reaches the terminal');
    assert.equal(terminalLine('**forgebot opened a draft fix:** demo/shop!\u200b2\nnext'), 'forgebot opened a draft fix: demo/shop!2 next');
  });
});
