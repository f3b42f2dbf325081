// The ticket workflow's forge-side activities on the fake GitLab and the fake GitHub, through gitbeaker and octokit:
// the plan's draft change (GitHub's first an empty commit, since it opens no pull request without one; a retry adopts
// the branch and the change), its description brought up to the next plan and then the implementation, and the
// implementer's patch committed on the branch (a retry whose commit landed finds it, a moved branch is a conflict).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { createFileClaimStore } from '../src/activities/claim-check/index.js';
import type { ClaimCheckStore } from '../src/activities/claim-check/claim-check-store.js';
import type { FullForge } from '../src/activities/forge.js';
import { createGitHubConnection, createGitHubForge } from '../src/activities/github/index.js';
import type { JiraApi } from '../src/activities/jira/jira-api.js';
import { createTicketActivities } from '../src/activities/jira/ticket-activities.js';
import type { TicketActivities } from '../src/activities/jira/ticket-contracts.js';
import type { ChangeRef, RepositoryRef } from '../src/domain/change-ref.js';
import { ticketBranchName } from '../src/domain/jira/branch-name.js';
import { JiraRepositoryMapping } from '../src/domain/jira/ticket-mapping.js';
import { GITHUB_REPO, GITHUB_TEST_TOKEN, startGitHubFixture } from './helpers/github-fake.js';
import { authorWorld, gitIn } from './helpers/gitlab-author-world.js';
import { plan, store, textFile, work } from './helpers/ticket-outputs.js';

/** A change as the fake forge holds it. */
interface HeldChange {
  number: number;
  title: string;
  description: string;
  draft: boolean;
  labels: string[];
}

interface World {
  repo: RepositoryRef;
  forge: FullForge;
  baseSha: string;
  /** The head of `branch` in the served repository ('' when none). */
  head(branch: string): Promise<string>;
  git(...args: string[]): Promise<string>;
  changes(branch: string): HeldChange[];
  stop(): Promise<void>;
}

async function gitlabWorld(): Promise<World> {
  const world = await authorWorld();
  return {
    repo: world.repo,
    forge: world.forge,
    baseSha: world.baseSha,
    head: (branch) => world.head(branch),
    git: (...args) => gitIn(world.bare, ...args),
    changes: (branch) =>
      [...world.gitlab.state.mergeRequests.values()]
        .filter((mr) => mr.projectId === 42 && mr.sourceBranch === branch)
        .map((mr) => ({ number: mr.iid, title: mr.title, description: mr.description, draft: mr.draft, labels: [...mr.labels] })),
    stop: () => world.remove(),
  };
}

async function githubWorld(): Promise<World> {
  const fixture = await startGitHubFixture();
  const forge = createGitHubForge(createGitHubConnection({ kind: 'token', token: GITHUB_TEST_TOKEN }, { baseUrl: fixture.github.url, timeoutMs: 10_000 }));
  const dir = fixture.feature.repo.dir;
  return {
    repo: { forge: 'github', projectId: GITHUB_REPO, projectPath: GITHUB_REPO },
    forge,
    baseSha: fixture.feature.startSha,
    head: (branch) => gitIn(dir, 'rev-parse', '--verify', '--quiet', `refs/heads/${branch}`).catch(() => ''),
    git: (...args) => gitIn(dir, ...args),
    changes: (branch) =>
      fixture.github.state.pulls
        .filter((pull) => pull.headRef === branch)
        .map((pull) => ({ number: pull.number, title: pull.title, description: pull.body ?? '', draft: pull.draft, labels: [...(pull.labels ?? [])] })),
    stop: () => fixture.stop(),
  };
}

/** No Jira is asked by the forge-side activities. */
const noJira = new Proxy({}, { get: () => () => Promise.reject(new Error('Jira is not asked here')) }) as JiraApi;

function conflict(error: unknown): boolean {
  assert.ok(error instanceof ApplicationFailure, String(error));
  assert.equal(error.type, 'ERR_FORGE_CONFLICT', error.message);
  assert.equal(error.nonRetryable, true);
  return true;
}

for (const [name, start] of [['GitLab', gitlabWorld], ['GitHub', githubWorld]] as const) {
  describe(`ticket activities on the fake ${name}`, () => {
    let world: World;
    let claims: ClaimCheckStore;
    let claimsDir = '';
    let activities: TicketActivities;
    const key = 'SHOP-2';
    const branch = ticketBranchName(key, 'Guest checkout fails!');
    let ref: ChangeRef;
    let planHead = '';

    before(async () => {
      world = await start();
      claimsDir = await mkdtemp(join(tmpdir(), 'forgebot-ticket-change-'));
      claims = createFileClaimStore(claimsDir);
      const mapping = JiraRepositoryMapping.parse({ jiraProject: 'SHOP', forge: world.repo.forge, projectId: world.repo.projectId, projectPath: world.repo.projectPath, approvePermission: 'EDIT_ISSUES' });
      activities = createTicketActivities({ jira: noJira, forges: { [world.repo.forge]: world.forge }, claims, mappings: [mapping], readyStatus: 'Ready for Dev', jiraUrl: 'https://acme.atlassian.net' });
    });
    after(async () => {
      await world?.stop();
      await rm(claimsDir, { recursive: true, force: true });
    });

    const planInput = async (version: number) => ({
      repo: world.repo, key, branch, baseSha: world.baseSha, targetBranch: 'main', title: `${key}: Guest checkout fails`,
      planClaim: await store(claims, { role: 'planner', plan: plan({ summary: `Plan number ${version}.` }) }), version, labels: ['forgebot', 'jira'], workflowId: `ticket:jira:${key}`,
    });

    test('openPlanChange: a branch at the base and a draft change whose description is the plan', async () => {
      assert.equal(branch, 'forgebot/SHOP-2-guest-checkout-fails');
      const opened = await activities.openPlanChange(await planInput(1));
      ref = opened.change.ref;
      planHead = opened.headSha;
      assert.equal(opened.branch, branch);
      assert.equal(await world.head(branch), opened.headSha);
      if (name === 'GitHub') {
        // An empty commit: on the base, with the base's own tree.
        assert.notEqual(opened.headSha, world.baseSha);
        assert.equal(await world.git('rev-parse', `${opened.headSha}^`), world.baseSha);
        assert.equal(await world.git('rev-parse', `${opened.headSha}^{tree}`), await world.git('rev-parse', `${world.baseSha}^{tree}`));
      } else {
        assert.equal(opened.headSha, world.baseSha, 'GitLab opens a merge request without commits');
      }
      const [change, ...others] = world.changes(branch);
      assert.equal(others.length, 0);
      assert.equal(change?.number, ref.number);
      assert.match(change?.title ?? '', /SHOP-2: Guest checkout fails$/);
      assert.equal(change?.draft, true);
      assert.deepEqual(change?.labels.sort(), ['forgebot', 'jira']);
      assert.match(change?.description ?? '', /Jira ticket \[SHOP-2\]\(https:\/\/acme\.atlassian\.net\/browse\/SHOP-2\): plan version 1\./);
      assert.match(change?.description ?? '', /Plan number 1\./);
      assert.match(change?.description ?? '', /`\/claude approve` in a comment on this change/);
      assert.match(change?.description ?? '', /Jira permission `EDIT_ISSUES`/);
      assert.match(change?.description ?? '', /`forgebot approve ticket:jira:SHOP-2`/);
    });

    test('openPlanChange again (a retry, then the next plan): the branch and the change are adopted, never a second', async () => {
      const retried = await activities.openPlanChange(await planInput(1));
      assert.deepEqual([retried.change.ref, retried.headSha], [ref, planHead]);
      const next = await activities.openPlanChange(await planInput(2));
      assert.deepEqual([next.change.ref, next.headSha], [ref, planHead]);
      const changes = world.changes(branch);
      assert.equal(changes.length, 1);
      assert.match(changes[0]?.description ?? '', /plan version 2\./);
      assert.match(changes[0]?.description ?? '', /Plan number 2\./);
    });

    test('openPlanChange: a branch it made is deleted when the change cannot open', async () => {
      const input = { ...(await planInput(1)), branch: 'forgebot/SHOP-9-no-target', key: 'SHOP-9', targetBranch: 'no-such-branch' };
      await assert.rejects(activities.openPlanChange(input), (error: unknown) => error instanceof ApplicationFailure && error.nonRetryable === true);
      assert.equal(await world.head('forgebot/SHOP-9-no-target'), '', 'nothing left behind');
      assert.equal(world.changes('forgebot/SHOP-9-no-target').length, 0);
    });

    test('commitTicketWork: the patch as one commit on the plan’s head; a retry finds it; a moved branch conflicts', async () => {
      const files = [textFile('src/app.ts', 'export const app = 2;\n'), { action: 'create' as const, path: 'src/guest.ts', contentBase64: Buffer.from('export const guest = true;\n').toString('base64'), executable: false }];
      const workClaim = await store(claims, { role: 'implementer', work: work(files, world.baseSha) });
      const input = { repo: world.repo, branch, parentSha: planHead, workClaim, message: 'SHOP-2: Guest checkout fails' };
      const { sha } = await activities.commitTicketWork(input);
      assert.equal(await world.head(branch), sha);
      assert.equal(await world.git('rev-parse', `${sha}^`), planHead);
      assert.equal(await world.git('show', `${sha}:src/guest.ts`), 'export const guest = true;');
      assert.equal(await world.git('log', '-1', '--format=%s', sha), 'SHOP-2: Guest checkout fails');

      assert.deepEqual(await activities.commitTicketWork(input), { sha }, 'the answer of the first attempt was lost: nothing committed twice');
      assert.equal(await world.head(branch), sha);
      const other = await store(claims, { role: 'implementer', work: work([textFile('src/app.ts', 'export const app = 3;\n')], world.baseSha) });
      await assert.rejects(activities.commitTicketWork({ ...input, workClaim: other }), conflict);
    });

    test('describeTicketChange: the approved plan and the implementation’s account replace the description', async () => {
      const workClaim = await store(claims, { role: 'implementer', work: work([textFile('src/app.ts', 'export const app = 2;\n')], world.baseSha) });
      const { planClaim } = await planInput(2);
      await activities.describeTicketChange(ref, { key, planClaim, version: 2, workClaim, workflowId: `ticket:jira:${key}` });
      const description = world.changes(branch)[0]?.description ?? '';
      assert.match(description, /plan version 2\./);
      assert.match(description, /\*\*Files changed:\*\* 1 file, \+3 −1 lines\.\n\n- `src\/app\.ts` \(update\)/);
      assert.match(description, /- `test` \(`npm test`\) passed in 2\.3 s\./);
      assert.match(description, /- `lint` \(`npm run lint`\) failed \(exit 1\) in 0\.9 s\.\n\n```text\nsrc\/app\.ts: 1 problem\n```/);
      assert.match(description, /\*\*To approve this change:\*\* `\/claude approve`/);
      assert.doesNotMatch(description, /To approve plan version/, 'the plan is approved by now');
    });
  });
}
