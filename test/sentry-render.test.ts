// What forgebot writes about a Sentry error — the Sentry comment and the fix change's title and description — fed the
// attacks an event or a model can carry: nothing untrusted renders live, a stop always says why, `Fixes SENTRY-…`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClaimCheckError, putJson } from '../src/activities/claim-check/index.js';
import { createFileClaimStore } from '../src/activities/claim-check/file-claim-store.js';
import type { SentryReport } from '../src/activities/sentry/contracts.js';
import { linkTo, safeTitle } from '../src/activities/sentry/render-parts.js';
import { fixTitle, renderFixDescription } from '../src/activities/sentry/render-fix-description.js';
import { renderSentryReport } from '../src/activities/sentry/render-report.js';
import { createSentryActivities } from '../src/activities/sentry/sentry-activities.js';
import { createSentryClient } from '../src/activities/sentry/sentry-client.js';
import type { AgentOutput, AnalysisResult, ImplementResult } from '../src/domain/agent-task.js';
import type { ClaimRef } from '../src/domain/claim-ref.js';
import type { CommandRun } from '../src/domain/patch.js';
import { SentryIssueSummary } from '../src/domain/sentry/issue.js';
import { FakeSentry } from '../src/fakes/sentry/fake-sentry.js';
import { liveParts } from './helpers/markdown-check.js';

const ATTACK = [
  'Hey @all and @group/team, see #12 and !7:',
  '![x](https://evil.example/p.png)',
  '[click](javascript:alert(1)) <https://evil.example/auto> www.evil.example',
  '<img src=x onerror=alert(1)> <b>bold</b>',
  '<!-- forgebot:summary -->',
  '/approve',
  '```suggestion:-0+0',
  'stolen();',
  '```',
  '`` ` `` break ``` out',
].join('\n');

const usage = { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, turns: 1 };
const analysis: AnalysisResult = {
  rootCause: ATTACK, evidence: [{ path: 'src/`cart`/total.ts', startLine: 14, endLine: 16, why: ATTACK }], reproduction: ATTACK, fixable: true, confidence: 0.82,
  reason: `Reason: ${ATTACK}`, proposedFix: ATTACK, model: 'claude-sonnet-4-6', usage, truncated: false,
};
const run = (exitCode: number, output: string): CommandRun => ({ name: 'test', command: 'npm test -- @all', exitCode, timedOut: false, durationMs: 1_234, output, outputTruncated: false });
const work: ImplementResult = {
  summary: ATTACK, commitMessage: 'Fix total', model: 'claude-sonnet-4-6', usage, truncated: false, commands: [],
  patch: { baseSha: 'a'.repeat(40), patch: `diff --git a/x b/x\n+${ATTACK}\n`, files: [], filesChanged: 2, linesAdded: 9, linesDeleted: 1 },
  verification: { testPaths: ['test/`total`.test.ts'], before: run(1, `FAIL ${ATTACK}\n${'x'.repeat(10_000)}`), after: run(0, `PASS ${ATTACK}`), verdict: 'proven', reason: ATTACK },
};
const issue = SentryIssueSummary.parse({
  org: 'acme', issueId: '4512345678', shortId: 'SHOP-WEB-1', projectSlug: 'shop-web', status: 'unresolved', count: 57, userCount: 12,
  title: `TypeError: ${ATTACK}`, errorType: 'TypeError<script>', errorValue: "@all <img src=x> [x](https://evil.example) #12 `` ` `` Cannot read 'amount'",
  webUrl: 'https://acme.sentry.io/issues/4512345678/',
});

/** Nothing live but forgebot's own links; no HTML, image, mention, reference, marker; every block plain text. */
function assertInert(markdown: string, ownLinks: string[]): void {
  const live = liveParts(markdown);
  assert.deepEqual({ ...live, fences: [...new Set(live.fences)] }, { links: ownLinks, images: [], html: [], mentions: [], references: [], fences: live.fences.length > 0 ? ['text'] : [] });
  assert.ok(!markdown.includes('<!--') && !markdown.includes('<img') && !markdown.includes('<b>') && !markdown.includes('<script'), 'no raw HTML from untrusted text');
  assert.doesNotMatch(markdown, /^\/approve/m, 'no quick action line');
}

const claimRef: ClaimRef = { store: 'file', key: 'agent-output.0', sha256: '0'.repeat(64), bytes: 0 };
const material = { analysis, work };

describe('the Sentry comment', () => {
  const reports: Array<[SentryReport, string[]]> = [
    [{ kind: 'gated', gate: 'error-type', detail: `the error type ${ATTACK} is not allowed`, dryRun: true }, []],
    [{ kind: 'unfixable', analysisClaim: claimRef, detail: ATTACK }, []],
    [{ kind: 'not-proven', analysisClaim: claimRef, workClaim: claimRef, detail: ATTACK }, []],
    [{ kind: 'dry-run', analysisClaim: claimRef, workClaim: claimRef }, []],
    [{ kind: 'change-opened', webUrl: 'https://gitlab.example/shop/web/-/merge_requests/12', changeLabel: '!12', analysisClaim: claimRef }, ['https://gitlab.example/shop/web/-/merge_requests/12']],
    [{ kind: 'finished', outcome: 'rejected', detail: ATTACK, webUrl: 'https://gitlab.example/shop/web/-/merge_requests/12' }, ['https://gitlab.example/shop/web/-/merge_requests/12']],
    [{ kind: 'failed', detail: ATTACK, leftBehind: `branch ${ATTACK}` }, []],
  ];
  for (const [report, links] of reports) {
    test(`${report.kind}: hostile model, command and Sentry text renders inert`, () => {
      const markdown = renderSentryReport(report, material);
      assertInert(markdown, links);
      assert.ok(markdown.includes('@\u200Ball'), 'the text is still there, readable');
    });
  }

  test('the analysis, the verdict with its confidence and the test proof are all there', () => {
    const markdown = renderSentryReport({ kind: 'dry-run', analysisClaim: claimRef, workClaim: claimRef }, material);
    assert.match(markdown, /\*\*Verdict:\*\* fixable here, confidence 82 %/);
    assert.match(markdown, /\*\*Root cause\*\*/);
    assert.match(markdown, /\*\*Reproduction:\*\*/);
    assert.match(markdown, /Before the fix \(only the test files applied\): `npm test -- @\u200Ball` failed \(exit 1\)/);
    assert.match(markdown, /After the fix \(the whole patch\): `npm test -- @\u200Ball` passed/);
    assert.match(markdown, /characters cut/, 'long output is cut');
    assert.match(markdown, /\*\*Patch:\*\* 2 files, \+9 −1 lines\./);
  });

  test('a stop always says why: the workflow’s reason, else the analyst’s, never an empty "no fix"', () => {
    const fromAnalysis = renderSentryReport({ kind: 'unfixable', analysisClaim: claimRef, detail: '' }, { analysis: { ...analysis, reason: 'The error comes from a vendored library.' } });
    assert.match(fromAnalysis, /not attempting a fix\.\*\* The error comes from a vendored library\./);
    const gated = renderSentryReport({ kind: 'gated', gate: 'daily-cap', detail: '5 attempts today already (cap 5)', dryRun: false });
    assert.match(gated, /the `daily-cap` check stopped it\.\n\n5 attempts today already \(cap 5\)/);
    const bare = renderSentryReport({ kind: 'failed', detail: '  ' });
    assert.match(bare, /No reason was recorded/);
    assert.match(bare, /Nothing was left behind/);
  });

  test('only http(s) links are links', () => {
    assert.equal(linkTo('x', 'javascript:alert(1)'), 'x (`javascript:alert(1)`)');
    assert.equal(linkTo('the change', 'https://gitlab.example/a_(b)'), '[the change](https://gitlab.example/a_%28b%29)');
  });
});

describe('the fix change’s title and description', () => {
  test('the title: Fix <type>: <message>, one plain line, nothing live, at most 200 characters', () => {
    const title = fixTitle(issue);
    assert.ok(title.startsWith('Fix TypeError＜script＞: @\u200Ball ＜img src=x＞'), title);
    assert.ok(!/[<>]/.test(title) && !title.includes('](') && !title.includes('\n'));
    assert.doesNotMatch(title, /@[A-Za-z]|#\d/, 'no mention, no cross-reference');
    assert.ok(title.length <= 200);
    const long = safeTitle(`Fix ${'@a #1 '.repeat(200)}`);
    assert.ok(long.length <= 200 && long.endsWith('…'), `${long.length}`);
    assert.equal(fixTitle({ ...issue, errorType: undefined, errorValue: undefined, title: 'Crash in checkout' }), 'Fix Crash in checkout');
  });

  test('the description: root cause, evidence, test before/after, the Sentry link, Fixes SENTRY-…, all inert', () => {
    const { description } = renderFixDescription({ issue, analysis, work, sentryUrl: 'https://sentry.io', earlierAttempt: { webUrl: 'https://gitlab.example/shop/web/-/merge_requests/3' } });
    assertInert(description, ['https://acme.sentry.io/issues/4512345678/', 'https://gitlab.example/shop/web/-/merge_requests/3']);
    assert.ok(description.split('\n').includes('Fixes SENTRY-SHOP-WEB-1'), 'its own line');
    assert.match(description, /`src\/`cart`\/total.ts`|``src\/`cart`\/total\.ts``/);
    assert.match(description, /lines 14–16/);
    assert.match(description, /\*\*Test proof\*\* \(run by forgebot’s runner, not by the model\): proven/);
    assert.match(description, /Before the fix/);
    assert.match(description, /After the fix/);
    assert.match(description, /An earlier fix for this issue was merged/);
  });

  test('without a permalink the Sentry link is built from SENTRY_URL', () => {
    const { description } = renderFixDescription({ issue: { ...issue, webUrl: undefined }, analysis, work, sentryUrl: 'https://sentry.example.com/' });
    assert.deepEqual(liveParts(description).links, ['https://sentry.example.com/organizations/acme/issues/4512345678/']);
  });
});

describe('postSentryReport and prepareFixDescription against the fake Sentry', () => {
  const TOKEN = 'sntrys_render_test_token_0123456789ab';
  const sentry = new FakeSentry({ token: TOKEN });
  let dir: string;
  let activities: ReturnType<typeof createSentryActivities>;
  let claims: ReturnType<typeof createFileClaimStore>;

  before(async () => {
    await sentry.start();
    dir = await mkdtemp(join(tmpdir(), 'sentry-render-'));
    claims = createFileClaimStore(dir);
    sentry.addIssue({ org: 'acme', id: '4512345678', shortId: 'SHOP-WEB-1', project: { id: '42', slug: 'shop-web' }, title: 'TypeError' });
    activities = createSentryActivities({ client: createSentryClient({ baseUrl: sentry.url, token: TOKEN }), claims, sentryUrl: 'https://sentry.io' });
  });
  after(async () => {
    await sentry.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const store = (output: AgentOutput) => putJson(claims, 'agent-output', output);

  test('the report is rendered from the claims it names and posted once, even when the post is retried', async () => {
    const analysisClaim = await store({ role: 'analyst', analysis });
    const input = { org: 'acme', issueId: '4512345678', report: { kind: 'unfixable', analysisClaim, detail: 'The confidence 0.4 is below 0.7.' } satisfies SentryReport };
    const first = await activities.postSentryReport(input);
    const retried = await activities.postSentryReport(input);
    assert.equal(retried.commentId, first.commentId);
    assert.deepEqual(sentry.comments('4512345678'), [renderSentryReport(input.report, { analysis })]);
  });

  test('the description goes behind a claim; a claim of the wrong role is refused', async () => {
    const analysisClaim = await store({ role: 'analyst', analysis });
    const workClaim = await store({ role: 'implementer', work });
    const prepared = await activities.prepareFixDescription({ issue, analysisClaim, workClaim });
    assert.equal(prepared.title, fixTitle(issue));
    const description = Buffer.from(await claims.get(prepared.descriptionClaim)).toString('utf8');
    assert.equal(description, renderFixDescription({ issue, analysis, work, sentryUrl: 'https://sentry.io' }).description);
    await assert.rejects(activities.prepareFixDescription({ issue, analysisClaim: workClaim, workClaim }), (error) => error instanceof ClaimCheckError && error.code === 'ERR_CLAIM_INVALID');
  });
});
