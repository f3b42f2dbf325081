// The Sentry fix end to end on GitLab: a signed Sentry webhook → the webhook app → real Temporal → the main worker's
// activities (the fake Sentry through forgebot's client, the fake GitLab through gitbeaker) and the agent worker's
// local sandbox running the real runner on the buggy cart project (the analyst, then the fixer, its test run for
// real before and after the fix) → a draft MR, its pipeline, a person's decision. And every way it stops short.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkflowNotFoundError } from '@temporalio/client';
import { assertModelClean, fixToReady, openFix, scriptAttempt } from './helpers/sentry-e2e-cases.js';
import { gitlabFixForge } from './helpers/sentry-fix-forges.js';
import { startSentryWorld, type SentryWorld } from './helpers/sentry-world.js';

describe('Sentry issue → draft fix MR on GitLab, end to end', () => {
  let world: SentryWorld;
  before(async () => {
    world = await startSentryWorld(await gitlabFixForge());
  });
  after(async () => {
    await world?.stop();
  });

  test('issue.created → analysis → a proven fix → a draft MR (Fixes SENTRY-…, the test before/after) → pipeline passes → approved → ready', async () => {
    await fixToReady(world);
  });

  test('an error type outside the allowlist: no model call, the reason on Sentry, no branch', async () => {
    const issue = world.addIssue('cart-strict');
    const calls = world.model.requests.length;
    assert.equal((await world.send(issue, 'created')).status, 202);
    const final = await world.result(issue);
    assert.equal(final.outcome, 'gated', final.outcomeDetail);
    const stopped = final.gates.find((gate) => !gate.passed);
    assert.equal(stopped?.gate, 'error-type');
    assert.match(stopped?.detail ?? '', /TypeError is not in the project's error-type allowlist \(ValueError\)/);
    assert.equal(world.model.requests.length, calls, 'the model was never called');
    const [comment, ...more] = world.comments(issue);
    assert.equal(more.length, 0, 'one comment');
    assert.match(comment ?? '', /did not attempt a fix:\*\* the `error-type` check stopped it/);
    assert.match(comment ?? '', /TypeError is not in the project's error-type allowlist/);
    assert.equal(await world.forge.head(issue.branch), '');
  });

  test('dry run: the analysis and the proven patch on Sentry; no branch, no MR', async () => {
    const issue = world.addIssue('cart-dry');
    scriptAttempt(world);
    assert.equal((await world.send(issue, 'created')).status, 202);
    const final = await world.result(issue);
    assert.equal(final.outcome, 'dry-run', final.outcomeDetail);
    assert.equal(final.dryRun, true);
    assert.equal(final.fix?.verdict, 'proven', 'the fix was still proven by the runner');
    assert.equal(await world.forge.head(issue.branch), '', 'no branch');
    assert.equal(world.forge.change(issue.branch), undefined, 'no MR');
    const comment = world.comments(issue).at(-1) ?? '';
    assert.match(comment, /dry run:\*\* the analysis and the patch it would propose; no branch was pushed/);
    assert.ok(comment.includes('if (items[index]) sum += items[index].price'), 'the patch is in the comment');
    assert.match(comment, /sparse list has holes/, 'and the root cause');
    assertModelClean(world);
  });

  test('an unfixable verdict: the analysis and its reason on Sentry, no fix attempted, no MR', async () => {
    const issue = world.addIssue('cart');
    const reason = 'The holes come from the catalogue service sending sparse lists; the fix belongs there, not in this repository.';
    scriptAttempt(world, 'proven', { fixable: false, confidence: 0.3, reason, proposed_fix: undefined });
    const calls = world.model.requests.length;
    assert.equal((await world.send(issue, 'created')).status, 202);
    const final = await world.result(issue);
    assert.equal(final.outcome, 'unfixable', final.outcomeDetail);
    assert.equal(final.analysis?.fixable, false);
    assert.equal(world.model.requests.length, calls + 3, 'the analyst only: no fixer ran');
    const comment = world.comments(issue).at(-1) ?? '';
    assert.match(comment, /analysed this error and is not attempting a fix/);
    assert.ok(comment.includes('the fix belongs there'), comment);
    assert.equal(await world.forge.head(issue.branch), '');
    assert.equal(world.forge.change(issue.branch), undefined);
    assertModelClean(world);
  });

  test('the test still fails after the fix: not proven, the reason on Sentry, no branch, no MR', async () => {
    const issue = world.addIssue('cart');
    scriptAttempt(world, 'failed-after');
    assert.equal((await world.send(issue, 'created')).status, 202);
    const final = await world.result(issue);
    assert.equal(final.outcome, 'not-proven', final.outcomeDetail);
    assert.equal(final.fix?.verdict, 'failed-after');
    assert.equal(final.gates.find((gate) => !gate.passed)?.gate, 'test-proof');
    const comment = world.comments(issue).at(-1) ?? '';
    assert.match(comment, /wrote a fix but opened no change: it is not proven/);
    assert.match(comment, /still fails/);
    assert.equal(await world.forge.head(issue.branch), '');
    assert.equal(world.forge.change(issue.branch), undefined);
    assertModelClean(world);
  });

  test('the issue resolved in Sentry while the fix waits for its pipeline: the attempt ends, its MR closed and its branch deleted', async () => {
    const { issue, change } = await openFix(world);
    assert.notEqual(await world.forge.head(issue.branch), '');
    const settled = await world.resolve(issue);
    assert.equal(settled.status, 202, JSON.stringify(settled.json));
    assert.equal(settled.json.status, 'settled');
    const final = await world.result(issue);
    assert.equal(final.outcome, 'settled', final.outcomeDetail);
    assert.match(final.outcomeDetail ?? '', /the issue was resolved in Sentry/);
    assert.equal(world.forge.change(issue.branch)?.state, 'closed', `MR !${change.number} closed`);
    assert.equal(await world.forge.head(issue.branch), '', 'no branch left');
    assert.match(world.comments(issue).at(-1) ?? '', /fix attempt ended:\*\* settled/);
    assertModelClean(world);
  });

  test('a bad signature: 401, and no workflow', async () => {
    const issue = world.addIssue('cart');
    const calls = world.sentry.requests.length;
    const response = await world.send(issue, 'created', { secret: 'not-the-integration-secret' });
    assert.equal(response.status, 401);
    await assert.rejects(world.handle(issue).describe(), WorkflowNotFoundError);
    assert.equal(world.sentry.requests.length, calls, 'Sentry was not called');
  });
});
