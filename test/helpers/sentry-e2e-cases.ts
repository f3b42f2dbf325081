// What both forges' Sentry fix end-to-end tests check of a fix that reaches its draft change: the change, its
// commit, its description, the Sentry comment linking it, and the merge gate (pipeline, then a person's Update).
import assert from 'node:assert/strict';
import { DecisionRefused, decideAtGate } from '../../src/cli/commands/decide.js';
import type { SentryFixStatus } from '../../src/workflows/sentry-fix-definitions.js';
import { scriptAnalysis } from './analyst-script.js';
import { CART_FIX, CART_PATH, scriptTestFirstFix, SPARSE_TEST, SPARSE_TEST_PATH, type FixScript } from './buggy-project.js';
import { GITHUB_TEST_TOKEN } from './github-fake.js';
import { E2E_GITLAB_TOKEN } from './e2e-world.js';
import type { CartIssue } from './sentry-cart-issue.js';
import type { FixChange } from './sentry-fix-forges.js';
import { SENTRY_E2E_TOKEN, type CartProject, type SentryWorld } from './sentry-world.js';

/** The scripted agents of one attempt: the analyst (fixable), then the fixer (`fix`: how its test behaves). */
export function scriptAttempt(world: SentryWorld, fix: FixScript = 'proven', analysis: Record<string, unknown> = {}): void {
  scriptAnalysis(world.model, analysis);
  if (analysis.fixable !== false) scriptTestFirstFix(world.model, fix);
}

/** Every scripted reply was used, none was missing, and no credential of forgebot's ever reached the model. */
export function assertModelClean(world: SentryWorld): void {
  assert.equal(world.model.pending, 0, 'every scripted reply was used');
  assert.deepEqual(world.model.errors, []);
  const sent = JSON.stringify(world.model.requests);
  for (const secret of [SENTRY_E2E_TOKEN, E2E_GITLAB_TOKEN, GITHUB_TEST_TOKEN]) assert.ok(!sent.includes(secret), 'no forge or Sentry token in any prompt');
}

/** Fails with the workflow's own words when it ended before `what`. */
function stillRunning(status: SentryFixStatus, what: string): void {
  assert.equal(status.outcome, undefined, `the attempt ended (${status.outcome ?? ''}: ${status.outcomeDetail ?? ''}) before ${what}`);
}

export interface OpenedFix {
  issue: CartIssue;
  change: FixChange;
  status: SentryFixStatus;
}

/**
 * A signed `issue.created` → analysis → a fix whose test fails before and passes after (run by the runner) → a draft
 * change from `forgebot/sentry-<shortId>` with its pipeline running (the forge's CI, driven by the test); checked.
 */
export async function openFix(world: SentryWorld, project: CartProject = 'cart'): Promise<OpenedFix> {
  const issue = world.addIssue(project);
  scriptAttempt(world);
  world.forge.startPipelineOnFirstRead(issue.branch);
  const response = await world.send(issue, 'created');
  assert.equal(response.status, 202, JSON.stringify(response.json));
  assert.equal(response.json.workflowId, issue.workflowId);

  const waiting = (s: SentryFixStatus) => s.phase === 'pipeline' && s.pipeline?.state === 'running';
  const status = await world.statusWhen(issue, (s) => s.outcome !== undefined || s.phase === 'awaiting-approval' || waiting(s), 'the draft change with its pipeline running', 120_000);
  stillRunning(status, 'its pipeline ran');
  assert.ok(waiting(status), `waiting for the pipeline, not ${status.phase} (pipeline ${status.pipeline?.state ?? 'unread'})`);
  const change = world.forge.change(issue.branch);
  assert.ok(change, `a change from ${issue.branch}`);
  assert.equal(change.draft, true, 'a draft');
  assert.equal(change.state, 'open');
  assert.equal(status.change?.branch, issue.branch);
  assert.equal(status.change?.ref.number, change.number);
  assert.deepEqual([...change.labels].sort(), ['forgebot', 'sentry']);

  // The commit: the one-line fix and the reproducing test, on top of main.
  assert.match(await world.forge.show(issue.branch, CART_PATH), new RegExp(CART_FIX.to.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  assert.equal(await world.forge.show(issue.branch, SPARSE_TEST_PATH), SPARSE_TEST.trimEnd());
  assert.equal(await world.forge.show(`${issue.branch}~1`, CART_PATH), await world.forge.show('main', CART_PATH), 'one commit on top of main');

  // The description: the proof as the runner ran it, and the line the integrations read.
  assert.ok(change.description.includes(`Fixes SENTRY-${issue.shortId}`), change.description);
  assert.match(change.description, /proven: the test failed without the fix and passes with it/);
  assert.match(change.description, /Before the fix \(only the test files applied\): `node --test` [^\n]*exit(?:ed)?[^\n]*1/);
  assert.match(change.description, /After the fix \(the whole patch\): `node --test`/);
  assert.ok(change.description.includes('a sparse cart skips its holes'), 'the test run output is in the description');

  // On Sentry: the analysis and the link to the change.
  const webUrl = status.change?.webUrl ?? '';
  assert.ok(webUrl !== '');
  const opened = world.comments(issue).find((comment) => comment.includes('opened a draft fix'));
  assert.ok(opened?.includes(webUrl), `a Sentry comment links ${webUrl}: ${world.comments(issue).join('\n---\n')}`);
  return { issue, change, status };
}

/** The pipeline passes and the merge gate opens; an approval before that was refused. */
export async function passPipeline(world: SentryWorld, issue: CartIssue): Promise<SentryFixStatus> {
  await assert.rejects(decideAtGate(world.env.client, { decision: 'approve', workflowId: issue.workflowId, as: 'alice' }), (error: unknown) => {
    assert.ok(error instanceof DecisionRefused, String(error));
    assert.match(error.message, /waits at no gate \(phase: pipeline\)/);
    return true;
  });
  await world.forge.finishPipeline(issue.branch, 'success');
  const gate = await world.statusWhen(issue, (s) => s.outcome !== undefined || s.openGate !== undefined, 'the merge gate to open');
  stillRunning(gate, 'the merge gate opened');
  assert.equal(gate.openGate?.gate, 'merge');
  assert.equal(gate.pipeline?.state, 'success');
  assert.equal(gate.phase, 'awaiting-approval');
  return gate;
}

/**
 * The whole happy path: draft → pipeline → approved through the `decide` Update (the CLI's function) → ready.
 * Resolves to the change as it was opened and the final status.
 */
export async function fixToReady(world: SentryWorld): Promise<OpenedFix> {
  const { issue, change } = await openFix(world);
  await passPipeline(world, issue);
  const outcome = await decideAtGate(world.env.client, { decision: 'approve', workflowId: issue.workflowId, as: 'alice' });
  assert.deepEqual(outcome, { gate: 'merge', decision: 'approve', next: 'marking the change ready for review' });

  const final = await world.result(issue);
  assert.equal(final.outcome, 'ready', final.outcomeDetail);
  assert.equal(final.decisions.length, 1);
  assert.equal(final.decisions[0]?.by.name, 'alice');
  assert.equal(final.decisions[0]?.by.source, 'cli');
  const ready = world.forge.change(issue.branch);
  assert.equal(ready?.draft, false, 'marked ready');
  assert.equal(ready?.state, 'open', 'not merged: mergeOnApprove is off');
  assert.ok(!/^Draft:/i.test(ready?.title ?? ''), ready?.title);
  assert.match(world.comments(issue).at(-1) ?? '', /fix attempt ended:\*\* ready\. approved by alice \(cli\)/);
  assertModelClean(world);
  return { issue, change, status: final };
}
