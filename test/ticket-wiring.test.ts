// The ticket workflow's configuration and its wiring in the main worker: JIRA_REPOSITORIES validated entry by entry
// (the field named, no value echoed), the Jira credential's combinations, the branch name, and the activities a worker
// registers with and without a Jira connection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { createFileClaimStore } from '../src/activities/claim-check/index.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { MAX_SLUG_CHARS, slugOf, ticketBranchName } from '../src/domain/jira/branch-name.js';
import { FakeJira } from '../src/fakes/jira/fake-jira.js';
import { jiraClientFromConfig, ticketActivities } from '../src/workers/ticket-wiring.js';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.problems;
  }
};

const gitlab = { jiraProject: 'SHOP', forge: 'gitlab', projectId: 42, projectPath: 'group/app' };

test('JIRA_REPOSITORIES: mappings with their defaults; every problem named by entry, project and field', () => {
  const config = loadConfig({ JIRA_REPOSITORIES: JSON.stringify([{ ...gitlab, label: 'backend' }, gitlab]) });
  assert.equal(config.JIRA_REPOSITORIES?.length, 2);
  assert.deepEqual(
    { ...config.JIRA_REPOSITORIES?.[1] },
    { ...gitlab, defaultBranch: 'main', testCommand: 'test', maxFiles: 10, maxLines: 400, approvePermission: 'TRANSITION_ISSUES', labels: ['forgebot', 'jira'], mergeOnApprove: false, approvals: 1 },
  );
  const problems = problemsOf({
    JIRA_REPOSITORIES: JSON.stringify([
      { ...gitlab, projectId: 'group/app' },
      { ...gitlab, forge: 'bitbucket' },
      { jiraProject: 'web', forge: 'github', projectId: 'acme/web', projectPath: 'acme/web' },
      { jiraProject: 'API', forge: 'github', projectId: 'acme/api', projectPath: 'acme/other', secretToken: 'hunter2' },
    ]),
  });
  assert.ok(problems.some((problem) => /^JIRA_REPOSITORIES: \[1\] \(SHOP\) forge: /.test(problem)), problems.join('\n'));
  assert.ok(problems.some((problem) => /^JIRA_REPOSITORIES: \[2\] jiraProject: /.test(problem)), problems.join('\n'));
  assert.ok(problems.some((problem) => /^JIRA_REPOSITORIES: \[3\] \(API\).*secretToken/.test(problem)), problems.join('\n'));
  assert.ok(!problems.join('\n').includes('hunter2'), 'no value is echoed');
  assert.deepEqual(problemsOf({ JIRA_REPOSITORIES: '[{"jiraProject": "SHOP",' }), ['JIRA_REPOSITORIES: is not valid JSON (a JSON array of mappings: [{"jiraProject":"PROJ","forge":"gitlab","projectId":42,"projectPath":"group/app"}])']);
  // Shapes a single entry cannot see: the wrong forge's repository id, and an entry an earlier one shadows.
  assert.deepEqual(problemsOf({ JIRA_REPOSITORIES: JSON.stringify([{ ...gitlab, projectId: 'group/app' }, { jiraProject: 'API', forge: 'github', projectId: 'acme/api', projectPath: 'acme/other' }, gitlab, { ...gitlab, label: 'x' }]) }), [
    'JIRA_REPOSITORIES: [0] (SHOP) projectId: a GitLab project id is a number',
    'JIRA_REPOSITORIES: [1] (API) projectId: a GitHub projectId is owner/repo, the same as projectPath',
    'JIRA_REPOSITORIES: [2] (SHOP): never used, [0] takes every ticket it would (the first matching entry wins: put narrower ones first)',
    'JIRA_REPOSITORIES: [3] (SHOP): never used, [0] takes every ticket it would (the first matching entry wins: put narrower ones first)',
  ]);
});

test('the Jira credential: a site with Basic or a bearer token, never both, never a token without a site', () => {
  assert.deepEqual(problemsOf({ JIRA_URL: 'https://acme.atlassian.net', JIRA_EMAIL: 'bot@acme.example', JIRA_API_TOKEN: 't' }), []);
  assert.deepEqual(problemsOf({ JIRA_URL: 'https://jira.acme.example/jira', JIRA_TOKEN: 'pat' }), []);
  assert.deepEqual(problemsOf({ JIRA_URL: 'https://acme.atlassian.net' }), ['JIRA_API_TOKEN: JIRA_URL needs a credential: JIRA_EMAIL + JIRA_API_TOKEN, or JIRA_TOKEN']);
  assert.deepEqual(problemsOf({ JIRA_URL: 'https://acme.atlassian.net', JIRA_API_TOKEN: 't' }), ['JIRA_EMAIL: JIRA_EMAIL and JIRA_API_TOKEN go together']);
  assert.deepEqual(problemsOf({ JIRA_URL: 'https://acme.atlassian.net', JIRA_EMAIL: 'bot@acme.example', JIRA_API_TOKEN: 't', JIRA_TOKEN: 'pat' }), ['JIRA_TOKEN: set either JIRA_TOKEN or JIRA_EMAIL + JIRA_API_TOKEN, not both']);
  assert.deepEqual(problemsOf({ JIRA_TOKEN: 'secret-pat' }), ['JIRA_URL: is required when a Jira credential is set']);
  assert.deepEqual(problemsOf({ JIRA_URL: 'https://acme.atlassian.net', JIRA_TOKEN: 'pat', JIRA_ACCEPTANCE_FIELD: 'Acceptance' }), ['JIRA_ACCEPTANCE_FIELD: a custom field id such as customfield_10050']);
});

test('the branch: forgebot/<KEY>-<slug>, lower-case ASCII, at most 50 characters of slug, safe in a git ref', () => {
  assert.equal(ticketBranchName('SHOP-2', 'Guest checkout fails!'), 'forgebot/SHOP-2-guest-checkout-fails');
  assert.equal(ticketBranchName('SHOP-3', 'Crème brûlée: “naïve” façade… ../.lock @{u} ~^:?*[\\'), 'forgebot/SHOP-3-creme-brulee-naive-facade-lock-u');
  assert.equal(ticketBranchName('SHOP-4', '日本語のみ'), 'forgebot/SHOP-4');
  const long = slugOf('Make the checkout page accept guests who have no account and show them the total before they pay');
  assert.ok(long.length <= MAX_SLUG_CHARS, long);
  assert.equal(long, 'make-the-checkout-page-accept-guests-who-have-no');
  assert.equal(slugOf('x'.repeat(80)).length, MAX_SLUG_CHARS, 'one long word: a hard cut');
  for (const summary of ['a..b', 'end.', 'x.lock', '-lead', 'sp ace', 'tab\tand\nnewline']) assert.match(slugOf(summary), /^(?:[a-z0-9]+(?:-[a-z0-9]+)*)?$/);
});

test('the worker’s ticket activities: through the configured Jira, or failing for good without one', async () => {
  const claimsDir = await mkdtemp(join(tmpdir(), 'forgebot-ticket-wiring-'));
  const jira = new FakeJira({ forgebot: { email: 'bot@acme.example', token: 'jira-wiring-token' } });
  try {
    const claims = createFileClaimStore(claimsDir);
    const bare = ticketActivities(loadConfig({}), { forges: {}, claims });
    await assert.rejects(bare.readTicketForWork('SHOP-1'), (error: unknown) => error instanceof ApplicationFailure && error.type === 'ERR_JIRA_NOT_CONFIGURED' && error.nonRetryable);
    await assert.rejects(bare.commentOnTicket('SHOP-1', { kind: 'unmapped', reason: 'x' }), (error: unknown) => error instanceof ApplicationFailure && error.type === 'ERR_JIRA_NOT_CONFIGURED');

    await jira.start();
    jira.addProject({ key: 'SHOP' });
    jira.addIssue({ project: 'SHOP', summary: 'Wired', status: 'Ready for Dev' });
    const config = loadConfig({ JIRA_URL: `${jira.url}/rest/api/3`, JIRA_EMAIL: 'bot@acme.example', JIRA_API_TOKEN: 'jira-wiring-token', JIRA_REPOSITORIES: JSON.stringify([gitlab]) });
    assert.ok(jiraClientFromConfig(config));
    const wired = ticketActivities(config, { forges: { gitlab: {} as never }, claims });
    const reading = await wired.readTicketForWork('SHOP-1');
    assert.ok(reading.kind === 'found');
    assert.deepEqual([reading.ticket.inReady, reading.mapping?.projectPath, reading.ticket.webUrl], [true, 'group/app', `${jira.url}/browse/SHOP-1`]);
  } finally {
    await jira.stop();
    await rm(claimsDir, { recursive: true, force: true });
  }
});
