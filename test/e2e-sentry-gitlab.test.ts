// The Sentry fix end to end on GitLab: a signed Sentry webhook → the webhook app → real Temporal → the main worker's
// activities (the fake Sentry through forgebot's client, the fake GitLab through gitbeaker) and the agent worker's
// local sandbox running the real runner on the buggy cart project (the analyst, then the fixer, its test run for
// real before and after the fix) → a draft MR, its pipeline, a person's decision. And every way it stops short.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Gitlab } from '@gitbeaker/rest';
import { WorkflowNotFoundError } from '@temporalio/client';
import { decideAtGate } from '../src/cli/commands/decide.js';
import { CART_JS, CART_PATH, SPARSE_TEST_PATH } from './helpers/buggy-project.js';
import { SENTRY_ORG } from './helpers/sentry-cart-issue.js';
import { assertModelClean, fixToReady, openFix, scriptAttempt } from './helpers/sentry-e2e-cases.js';
import { GITLAB_PROJECT, gitlabFixForge } from './helpers/sentry-fix-forges.js';
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

  // Last in the file: the merge and its revert move main (back to the same tree).
  test('a regression after a merged fix: a new run of the same workflow, its MR on the next branch (…-2), linking the merged one', async () => {
    const first = await fixToReady(world);
    const { issue } = first;
    const firstRun = (await world.handle(issue).describe()).runId;
    // A person merges the fix through GitLab's API (its branch kept) and Sentry resolves the issue; later the merge
    // is reverted on main, and the error comes back: Sentry marks the issue regressed.
    const gitlab = new Gitlab({ host: world.forge.vars.GITLAB_URL!, token: world.forge.vars.GITLAB_TOKEN! });
    await gitlab.MergeRequests.merge(GITLAB_PROJECT.id, first.change.number);
    assert.equal(world.forge.change(issue.branch)?.state, 'merged');
    world.sentry.setStatus(SENTRY_ORG, issue.id, 'resolved');
    await gitlab.Commits.create(GITLAB_PROJECT.id, 'main', `Revert "${first.change.title}"`, [
      { action: 'update', filePath: CART_PATH, content: CART_JS },
      { action: 'delete', filePath: SPARSE_TEST_PATH },
    ]);
    assert.equal(await world.forge.show('main', CART_PATH), CART_JS.trimEnd(), 'main has the bug again');
    world.sentry.setStatus(SENTRY_ORG, issue.id, 'unresolved');

    scriptAttempt(world);
    const regressed = await world.send(issue, 'regressed');
    assert.equal(regressed.status, 202, JSON.stringify(regressed.json));
    assert.deepEqual(regressed.json, { status: 'accepted', reason: 'regressed', workflowId: issue.workflowId });
    const again = `${issue.branch}-2`;
    const gate = await world.statusWhen(issue, (s) => s.outcome !== undefined || s.openGate !== undefined, 'the second attempt at its merge gate', 120_000);
    assert.equal(gate.outcome, undefined, `the second attempt ended: ${gate.outcomeDetail ?? ''}`);
    assert.notEqual((await world.handle(issue).describe()).runId, firstRun, 'a new run of the same workflow id');
    assert.deepEqual(gate.earlierAttempt, { webUrl: first.status.change?.webUrl, outcome: 'merged' });
    assert.equal(gate.gates.find((check) => check.gate === 'open-fix-change')?.detail, `no open fix change; an earlier one was merged (${first.status.change?.webUrl ?? ''})`);
    assert.equal(gate.change?.branch, again);

    const second = world.forge.change(again);
    assert.ok(second, `an MR from ${again}`);
    assert.notEqual(second.number, first.change.number);
    assert.deepEqual([second.draft, second.state], [true, 'open']);
    assert.ok(second.description.includes(`An earlier fix for this issue was merged and the error came back: [the earlier change](${first.status.change?.webUrl ?? ''})`), second.description);
    assert.ok(second.description.includes(`Fixes SENTRY-${issue.shortId}`));
    assert.match(await world.forge.show(again, CART_PATH), /if \(items\[index\]\)/, 'the fix, on the reverted main');
    const opened = world.comments(issue).filter((comment) => comment.includes('opened a draft fix'));
    assert.equal(opened.length, 2, 'one "opened a draft fix" comment per attempt');
    assert.ok(opened[1]?.includes(gate.change?.webUrl ?? '-'), 'the second links the new MR');

    // The new attempt goes on like any other: no pipeline on this branch (read twice as none), approved → ready.
    await decideAtGate(world.env.client, { decision: 'approve', workflowId: issue.workflowId, as: 'alice' });
    const final = await world.result(issue);
    assert.equal(final.outcome, 'ready', final.outcomeDetail);
    assert.equal(world.forge.change(again)?.draft, false);
    assert.equal(world.forge.change(issue.branch)?.state, 'merged', 'the first MR untouched');
    assertModelClean(world);
  });
});
