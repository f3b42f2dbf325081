// End to end for GitHub: a signed pull_request webhook → webhook server → real Temporal → workers → local sandbox
// running the real runner (real git clone with an App clone token, the Anthropic SDK against the fake model) → one
// review and a summary comment on the fake GitHub through octokit, authenticated as a GitHub App.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { findingFingerprint, SUMMARY_MARKER } from '../src/domain/render.js';
import { toolUse, type ScriptedReply } from '../src/fakes/anthropic/messages.js';
import { FakeGitLab } from '../src/fakes/gitlab/fake-gitlab.js';
import { statusQuery } from '../src/workflows/definitions.js';
import { eventually } from './helpers/forgebot-stack.js';
import { E2E_GITLAB_TOKEN } from './helpers/e2e-world.js';
import { loadFixture } from './helpers/fixtures.js';
import { APP_FEATURE, APP_LINES, featureRepo, type FeatureRepo } from './helpers/git-repo.js';
import { GITHUB_PR, GITHUB_REPO } from './helpers/github-fake.js';
import { deliverGitHub, githubPayload, signedDelivery } from './helpers/github-payloads.js';
import { startGitHubWorld, type GitHubWorld } from './helpers/github-world.js';
import { deliver, TEST_SECRET } from './helpers/webhook-server.js';

const review = (summary: string, findings: Record<string, unknown>[], fixed: string[] = []): ScriptedReply => ({ content: [toolUse('submit_review', { summary, findings, fixed })] });
const finding = (path: string, line: number, side: 'new' | 'old', title: string, severity = 'major') => ({
  path, line, side, severity, category: 'bug', confidence: 0.9, title, body: `${title}: explained.`,
});

/** A real pull_request payload (opened, synchronize, closed …) pointed at acme/widgets#7 at `sha`. */
function pullRequestEvent(name: string, sha: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const json = structuredClone(githubPayload(name).json) as { number: number; repository: Record<string, unknown>; pull_request: Record<string, unknown> & { head: Record<string, unknown>; base: Record<string, unknown> } };
  json.number = GITHUB_PR;
  json.repository.full_name = GITHUB_REPO;
  Object.assign(json.pull_request, { number: GITHUB_PR, draft: false, ...extra });
  Object.assign(json.pull_request.head, { sha, ref: 'feature' });
  Object.assign(json.pull_request.base, { ref: 'main' });
  return json as unknown as Record<string, unknown>;
}

describe('GitHub pull request review, end to end', () => {
  let world: GitHubWorld;
  const summaries = () => world.github.state.issueComments.filter((comment) => comment.body.startsWith(SUMMARY_MARKER));
  const reviews = () => world.github.state.reviews;
  const handle = () => world.env.client.workflow.getHandle(`review:github:${GITHUB_REPO}:${GITHUB_PR}`);
  const send = async (event: string, json: unknown, delivery = randomUUID()) => deliverGitHub(world.stack.server.url, await signedDelivery(event, json, { delivery }));

  async function push(content: string): Promise<string> {
    const repo = world.fixture.feature.repo;
    await repo.checkout('feature');
    const sha = await repo.commit({ 'src/app.ts': content }, `push ${content.length}`);
    await repo.checkout('main');
    return sha;
  }

  // The same deployment also serves a GitLab project: each change goes to its own forge.
  let gitlab: FakeGitLab;
  let gitlabRepo: FeatureRepo;
  before(async () => {
    gitlabRepo = await featureRepo();
    gitlab = new FakeGitLab({ token: E2E_GITLAB_TOKEN });
    await gitlab.start();
    gitlab.addProject({ id: 1, pathWithNamespace: 'gitlabhq/gitlab-test', repoDir: gitlabRepo.repo.dir });
    await gitlab.addMergeRequest({ projectId: 1, iid: 1, title: 'MS-Viewport', sourceBranch: 'feature', targetBranch: 'main' });
    world = await startGitHubWorld({ GITLAB_URL: gitlab.url, GITLAB_TOKEN: E2E_GITLAB_TOKEN, GITLAB_WEBHOOK_SECRET: TEST_SECRET });
  });
  after(async () => {
    await world?.stop();
    await gitlab?.stop();
    await gitlabRepo?.repo.remove();
  });

  test('"opened" sent 20 times at once → one review with every inline comment, and one summary comment', async () => {
    world.model.script(
      review('add() now subtracts; see inline.', [
        finding('src/app.ts', APP_LINES.modifiedNew, 'new', 'Subtraction in add()', 'blocker'),
        finding('src/app.ts', APP_LINES.removed, 'old', 'Removed b is still exported'),
        finding('README.md', 1, 'new', 'Outside the diff'),
      ]),
    );
    const opened = pullRequestEvent('pull_request--opened', world.fixture.feature.headSha);
    const delivery = randomUUID();
    const responses = await Promise.all(Array.from({ length: 20 }, (_, index) => send('pull_request', opened, index < 2 ? delivery : randomUUID())));
    assert.equal(responses.filter((response) => response.status === 202).length, 1);
    assert.equal(responses.filter((response) => response.json.status === 'duplicate').length, 19);

    const [summary] = await eventually(() => (summaries().length > 0 ? summaries() : undefined), 'the summary comment');
    assert.match(summary!.body, /add\(\) now subtracts/);
    assert.match(summary!.body, /Findings outside the diff[\s\S]*README\.md:1/);
    assert.equal(reviews().length, 1, 'one review, all comments in one batch');
    assert.equal(reviews()[0]!.state, 'CHANGES_REQUESTED', 'a blocker requests changes');
    const placed = world.github.state.reviewComments.map((comment) => [comment.path, comment.line, comment.side, comment.reviewId]);
    assert.deepEqual(placed, [
      ['src/app.ts', APP_LINES.modifiedNew, 'RIGHT', reviews()[0]!.id],
      ['src/app.ts', APP_LINES.removed, 'LEFT', reviews()[0]!.id],
    ]);
    assert.equal(summary!.user.login, 'forgebot-test[bot]');
    const status = await eventually(async () => {
      const current = await handle().query(statusQuery);
      return current.reviewsCompleted === 1 ? current : undefined;
    }, 'status shows one review');
    assert.equal(status.lastFindings, 3);
    assert.deepEqual(world.model.errors, []);
    assert.ok(world.github.callers.every((kind) => kind !== 'user'), 'only App credentials were used');
  });

  test('"synchronize" → re-review: the summary is edited in place and known findings are not posted again', async () => {
    const sha = await push(`${APP_FEATURE}// pushed\n`);
    world.model.script(review('Second look: still subtracting.', [finding('src/app.ts', APP_LINES.modifiedNew, 'new', 'Subtraction in add()', 'blocker'), finding('src/app.ts', APP_LINES.added, 'new', 'd is unused', 'minor')]));
    assert.equal((await send('pull_request', pullRequestEvent('pull_request--synchronize', sha))).status, 202);
    await eventually(() => summaries()[0]?.body.includes(sha.slice(0, 12)) || undefined, 'the summary of the new head');
    assert.equal(summaries().length, 1, 'one summary comment, updated');
    assert.match(summaries()[0]!.body, /Second look/);
    assert.equal(world.github.state.reviewComments.filter((comment) => comment.body.includes('Subtraction in add()')).length, 1);
    assert.equal(reviews().length, 2, 'the new finding came in a second review');
    assert.deepEqual(world.github.state.reviewComments.filter((comment) => comment.reviewId === reviews()[1]!.id).map((comment) => comment.line), [APP_LINES.added]);
  });

  test('a rate limit while publishing → the review is posted after the wait GitHub advertised; the thread of a fixed finding is resolved', async () => {
    const sha = await push(`${APP_FEATURE}// third\n`);
    const fixed = findingFingerprint({ path: 'src/app.ts', category: 'bug', title: 'Removed b is still exported' });
    world.model.script(review('Third look.', [finding('src/app.ts', APP_LINES.context.newLine, 'new', 'c deserves a comment', 'minor')], [fixed]));
    world.github.rateLimitNext({ kind: 'secondary', seconds: 6, method: 'POST', pathPattern: /\/pulls\/\d+\/reviews$/ });
    const sent = Date.now();
    assert.equal((await send('pull_request', pullRequestEvent('pull_request--synchronize', sha))).status, 202);
    await eventually(() => summaries()[0]?.body.includes(sha.slice(0, 12)) || undefined, 'the summary of the third push', 90_000);
    assert.equal(reviews().length, 3);
    assert.ok(Date.now() - sent >= 6_000, 'not posted before retry-after');
    assert.equal(summaries().length, 1);
    const resolved = world.github.state.reviewComments.filter((comment) => comment.resolved).map((comment) => comment.line);
    assert.deepEqual(resolved, [APP_LINES.removed], 'the thread of the fixed finding, and only it, is resolved');
  });

  test('"closed" with merged → the workflow ends', async () => {
    const merged = pullRequestEvent('pull_request--closed-merged', world.fixture.feature.headSha, { merged: true });
    const pull = world.github.state.pulls.find((candidate) => candidate.number === GITHUB_PR);
    assert.ok(pull);
    Object.assign(pull, { state: 'closed', merged: true }); // the workflow ends only when the forge confirms it
    assert.equal((await send('pull_request', merged)).json.status, 'merged');
    assert.equal((await handle().result()).phase, 'closed');
  });

  test('a GitLab merge request in the same deployment is reviewed on GitLab, through the same workflow', async () => {
    world.model.script(review('GitLab side.', [finding('src/app.ts', APP_LINES.modifiedNew, 'new', 'Subtraction in add()')]));
    const open = loadFixture('gitlab', 'merge_request--open');
    const githubComments = world.github.state.issueComments.length;
    assert.equal((await deliver(world.stack.server.url, { ...open.headers, 'X-Gitlab-Token': TEST_SECRET }, open.body)).status, 202);
    const summary = await eventually(() => gitlab.notes(1, 1).find((note) => note.body.startsWith(SUMMARY_MARKER)), 'the GitLab summary note');
    assert.match(summary.body, /GitLab side/);
    assert.equal(gitlab.notes(1, 1).filter((note) => note.type === 'DiffNote').length, 1);
    assert.equal(world.github.state.issueComments.length, githubComments, 'nothing went to GitHub');
  });
});
