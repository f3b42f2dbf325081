// The Sentry fix end to end on GitHub: the same path as on GitLab (e2e-sentry-gitlab.test.ts) through octokit and
// the fake GitHub — a draft pull request, its checks, a person's decision — and a rejection that closes it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { DecisionRefused, decideAtGate } from '../src/cli/commands/decide.js';
import { decideUpdate } from '../src/workflows/sentry-fix-definitions.js';
import { assertModelClean, fixToReady, openFix, passPipeline } from './helpers/sentry-e2e-cases.js';
import { githubFixForge } from './helpers/sentry-fix-forges.js';
import { startSentryWorld, type SentryWorld } from './helpers/sentry-world.js';

describe('Sentry issue → draft fix pull request on GitHub, end to end', () => {
  let world: SentryWorld;
  before(async () => {
    world = await startSentryWorld(await githubFixForge());
  });
  after(async () => {
    await world?.stop();
  });

  test('issue.created → analysis → a proven fix → a draft PR (Fixes SENTRY-…, the test before/after) → checks pass → approved → ready', async () => {
    await fixToReady(world);
  });

  test('rejected at the merge gate (a reason required): the PR closed and its branch deleted, the outcome on Sentry', async () => {
    const { issue, change } = await openFix(world);
    await passPipeline(world, issue);
    // As the Temporal UI sends it: the Update's validator refuses a rejection without a reason.
    await assert.rejects(
      world.handle(issue).executeUpdate(decideUpdate, { args: [{ gate: 'merge', decision: 'reject', by: { name: 'bob', source: 'ui' } }] }),
      (error: unknown) => error instanceof WorkflowUpdateFailedError && /a rejection needs a reason/.test(error.cause?.message ?? ''),
    );
    await assert.rejects(decideAtGate(world.env.client, { decision: 'reject', workflowId: issue.workflowId, as: 'bob' }), DecisionRefused);
    const outcome = await decideAtGate(world.env.client, { decision: 'reject', workflowId: issue.workflowId, as: 'bob', reason: 'we retire the cart next week' });
    assert.equal(outcome.next, 'closing the change and deleting its branch');
    const final = await world.result(issue);
    assert.equal(final.outcome, 'rejected', final.outcomeDetail);
    assert.equal(world.forge.change(issue.branch)?.state, 'closed', `#${change.number} closed`);
    assert.equal(await world.forge.head(issue.branch), '', 'its branch deleted');
    assert.match(world.comments(issue).at(-1) ?? '', /ended:\*\* rejected\. rejected by bob \(cli\): we retire the cart next week/);
    assertModelClean(world);
  });
});
