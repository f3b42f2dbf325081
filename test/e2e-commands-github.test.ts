// Commands in comments on GitHub, end to end: a real issue_comment / pull_request_review_comment payload (signed,
// pointed at a comment the fake GitHub holds) → webhook server → real Temporal → main and agent workers → the local
// sandbox running the real runner (real git clone with an App token, the Anthropic SDK against the scripted model) →
// reactions and answers on the fake GitHub through octokit, as the GitHub App; access from collaborator permissions.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { SUMMARY_MARKER } from '../src/domain/render.js';
import type { FakeGitHubUser, FakeIssueComment, FakeReviewComment } from '../src/fakes/github/state.js';
import { statusQuery } from '../src/workflows/definitions.js';
import { answererRequests, answerReply, appFinding, briefOf, githubCommentEvent, HOSTILE_PROSE, reviewReply } from './helpers/command-e2e.js';
import { fixturesAvailable } from './helpers/fixtures.js';
import { eventually } from './helpers/forgebot-stack.js';
import { APP_FEATURE } from './helpers/git-repo.js';
import { GITHUB_APP_ID, GITHUB_PR, GITHUB_REPO } from './helpers/github-fake.js';
import { deliverGitHub, githubPayload, signedDelivery } from './helpers/github-payloads.js';
import { startGitHubWorld, type GitHubWorld } from './helpers/github-world.js';
import { liveParts } from './helpers/markdown-check.js';

const FINDING = 'Subtraction in add()';
/** The App's bot account on the fake (FakeGitHub: 9000 + the App id), which writes all of forgebot's comments. */
const FORGEBOT: FakeGitHubUser = { login: 'forgebot-test[bot]', id: 9000 + GITHUB_APP_ID, type: 'Bot' };
/** A collaborator with read (help only), and one with write (not approve: that needs maintain). */
const READER: FakeGitHubUser = { login: 'rita', id: 501, type: 'User' };
const DEVELOPER: FakeGitHubUser = { login: 'dev', id: 502, type: 'User' };

type Answered = { status: number; json: Record<string, unknown> };

function assertTaken(response: Answered, what: string): void {
  assert.equal(response.status, 202, what);
  assert.ok(response.json.status === 'accepted' || response.json.status === 'queued', `${what}: ${JSON.stringify(response.json)}`);
}

/** A real pull_request payload (opened, synchronize) pointed at acme/widgets#7 at `sha`. */
function pullRequestEvent(name: string, sha: string): Record<string, unknown> {
  const json = structuredClone(githubPayload(name).json) as { number: number; repository: Record<string, unknown>; pull_request: Record<string, unknown> & { head: Record<string, unknown>; base: Record<string, unknown> } };
  json.number = GITHUB_PR;
  json.repository.full_name = GITHUB_REPO;
  Object.assign(json.pull_request, { number: GITHUB_PR, draft: false });
  Object.assign(json.pull_request.head, { sha, ref: 'feature' });
  Object.assign(json.pull_request.base, { ref: 'main' });
  return json as unknown as Record<string, unknown>;
}

describe('GitHub commands in comments, end to end', { skip: fixturesAvailable('github') ? false : 'needs the GitHub payloads in ../shared/fixtures/webhooks/github' }, () => {
  let world: GitHubWorld;
  /** forgebot's finding comment, from the first review: the root of its thread. */
  let findingRoot: FakeReviewComment;

  const state = () => world.github.state;
  const handle = () => world.env.client.workflow.getHandle(`review:github:${GITHUB_REPO}:${GITHUB_PR}`);
  const status = () => handle().query(statusQuery);
  const send = async (event: string, json: unknown, delivery = randomUUID()) => deliverGitHub(world.stack.server.url, await signedDelivery(event, json, { delivery }));
  const sendComment = (comment: Parameters<typeof githubCommentEvent>[0], options: Parameters<typeof githubCommentEvent>[1] = {}) => {
    const { event, json } = githubCommentEvent(comment, options);
    return send(event, json);
  };
  const summary = () => state().issueComments.find((comment) => comment.body.startsWith(SUMMARY_MARKER));
  const findingRoots = () => state().reviewComments.filter((comment) => comment.user.login === FORGEBOT.login && comment.inReplyToId === undefined);
  /** forgebot's replies in the review thread `root` starts. */
  const repliesIn = (root: FakeReviewComment) => state().reviewComments.filter((comment) => comment.inReplyToId === root.id && comment.user.login === FORGEBOT.login);
  /** forgebot's answers to a conversation comment: new comments that link it (GitHub has no threads there). */
  const prefixOf = (comment: FakeIssueComment) => `> In reply to @${comment.user.login}: https://github.com/${GITHUB_REPO}/pull/${GITHUB_PR}#issuecomment-${comment.id}\n\n`;
  const answersTo = (comment: FakeIssueComment) => state().issueComments.filter((candidate) => candidate.user.login === FORGEBOT.login && candidate.body.startsWith(prefixOf(comment)));
  const eyesOn = (kind: 'issue-comment' | 'review-comment', id: number) =>
    state().reactions.filter((reaction) => reaction.subject.kind === kind && reaction.subject.id === id && reaction.content === 'eyes' && reaction.user.login === FORGEBOT.login);

  /** Writes `body` as a conversation comment by `by`, delivers it, and returns forgebot's one answer (its link cut off). */
  async function ask(body: string, by: FakeGitHubUser, what: string): Promise<{ comment: FakeIssueComment; answer: string }> {
    const comment = world.github.addIssueComment(GITHUB_REPO, GITHUB_PR, { body, user: by });
    assertTaken(await sendComment({ kind: 'issue', of: comment }), what);
    const [answer] = await eventually(() => (answersTo(comment).length > 0 ? answersTo(comment) : undefined), `the answer to ${what}`);
    return { comment, answer: answer!.body.slice(prefixOf(comment).length) };
  }

  async function push(content: string): Promise<string> {
    const repo = world.fixture.feature.repo;
    await repo.checkout('feature');
    const sha = await repo.commit({ 'src/app.ts': content }, `push ${content.length}`);
    await repo.checkout('main');
    return sha;
  }

  before(async () => {
    world = await startGitHubWorld();
    world.github.addCollaborator(GITHUB_REPO, READER, 'read');
    world.github.addCollaborator(GITHUB_REPO, DEVELOPER, 'write');
  });
  after(async () => {
    await world?.stop();
  });

  test('the PR opened → one review, its finding inline', async () => {
    world.model.script(reviewReply('add() now subtracts.', [appFinding(FINDING, 3)]));
    assert.equal((await send('pull_request', pullRequestEvent('pull_request--opened', world.fixture.feature.headSha))).status, 202);
    await eventually(() => summary(), 'the summary comment');
    const [root, ...more] = await eventually(() => (findingRoots().length > 0 ? findingRoots() : undefined), "forgebot's finding comment");
    assert.equal(more.length, 0);
    assert.deepEqual([root!.path, root!.line, root!.side], ['src/app.ts', 3, 'RIGHT']);
    assert.match(root!.body, /Subtraction in add\(\)/);
    findingRoot = root!;
    await eventually(async () => ((await status()).reviewsCompleted === 1) || undefined, 'the review recorded');
  });

  test('/claude help from a reader → 👀 on the comment, and the commands listed in a reply to it', async () => {
    const { comment, answer } = await ask('Which commands are there?\r\n\r\n/claude help', READER, 'help');
    for (const command of ['/claude review', '/claude pause', '/claude approve', '/claude explain', '/claude suggest', '/claude help']) assert.ok(answer.includes(command), command);
    assert.match(answer, /Maintain or more/);
    await eventually(() => eyesOn('issue-comment', comment.id).length === 1 || undefined, 'the 👀 reaction');
  });

  test('/claude approve from a write collaborator, no workflow owns the PR → refused with what was needed; nothing else changes', async () => {
    const commentsBefore = state().issueComments.length;
    const { comment, answer } = await ask('/claude approve', DEVELOPER, 'approve');
    assert.equal(answer, '`/claude approve` needs Maintain or more on `acme/widgets`; you have Write. Nothing was done.');
    const current = await status();
    assert.deepEqual([current.lastCommand?.verb, current.lastCommand?.by, current.lastCommand?.result], ['approve', 'dev', 'refused: needs maintain, has write']);
    assert.equal(state().issueComments.length, commentsBefore + 2, 'the comment and its answer, nothing more');
    const updates = ((await handle().fetchHistory()).events ?? []).filter((event) => event.workflowExecutionUpdateAcceptedEventAttributes || event.workflowExecutionUpdateAdmittedEventAttributes);
    assert.deepEqual(updates, [], 'no Update reached a workflow');
    await eventually(() => eyesOn('issue-comment', comment.id).length === 1 || undefined, 'the 👀 reaction');
  });

  test('/claude learn in a deployment without an audit database → the answer says learnings are not enabled', async () => {
    const { answer } = await ask('/claude learn we log raw SQL in dev on purpose', DEVELOPER, 'learn');
    assert.match(answer, /^Learnings are not enabled in this forgebot: they are kept in its audit database .*Nothing was recorded\.$/);
    assert.deepEqual([(await status()).lastCommand?.verb, (await status()).lastCommand?.result], ['learn', 'learnings not enabled']);
  });

  test("forgebot's own comment carrying /claude review → 202 ignored, no reaction, no answer; an edited comment → nothing", async () => {
    const requests = world.model.requests.length;
    const commandBefore = (await status()).lastCommand;
    const own = world.github.addIssueComment(GITHUB_REPO, GITHUB_PR, { body: '/claude review', user: FORGEBOT });
    const ownResponse = await sendComment({ kind: 'issue', of: own }, { viaApp: GITHUB_APP_ID });
    assert.deepEqual([ownResponse.status, ownResponse.json.status, ownResponse.json.reason], [202, 'ignored', "forgebot's own comment"]);
    const edited = world.github.addIssueComment(GITHUB_REPO, GITHUB_PR, { body: 'LGTM', user: DEVELOPER });
    const editResponse = await sendComment({ kind: 'issue', of: edited }, { action: 'edited', body: 'LGTM\r\n\r\n/claude review' });
    assert.deepEqual([editResponse.status, editResponse.json.status, editResponse.json.reason], [202, 'ignored', 'comment action "edited" is not a new comment']);
    assert.deepEqual([eyesOn('issue-comment', own.id), eyesOn('issue-comment', edited.id), answersTo(own), answersTo(edited)], [[], [], [], []]);
    assert.deepEqual((await status()).lastCommand, commandBefore, 'the workflow took no command');
    assert.equal(world.model.requests.length, requests);
  });

  test('20 concurrent duplicate deliveries of one /claude help → one answer, one reaction', async () => {
    const comment = world.github.addIssueComment(GITHUB_REPO, GITHUB_PR, { body: '/claude help', user: READER });
    const responses = await Promise.all(Array.from({ length: 20 }, () => sendComment({ kind: 'issue', of: comment })));
    assert.equal(responses.filter((response) => response.status === 202).length, 1, JSON.stringify(responses.map((response) => response.status)));
    assert.equal(responses.filter((response) => response.json.status === 'duplicate').length, 19);
    await eventually(() => answersTo(comment).length > 0 || undefined, 'the answer');
    await eventually(() => eyesOn('issue-comment', comment.id).length > 0 || undefined, 'the reaction');
    assert.deepEqual([answersTo(comment).length, eyesOn('issue-comment', comment.id).length], [1, 1]);
  });

  test('/claude explain src/app.ts:2-4 → the answerer reads those lines; its answer, rendered inert', async () => {
    world.model.script(answerReply({ answer: `add() subtracts at src/app.ts:3. ${HOSTILE_PROSE}` }));
    const { comment, answer } = await ask('/claude explain src/app.ts:2-4 why subtract?', DEVELOPER, 'explain');
    const brief = briefOf(answererRequests(world.model).at(-1));
    assert.match(brief, /Kind: explain/);
    assert.match(brief, /src\/app\.ts:2-4/);
    assert.match(brief, /2 {2}function add\(x, y\) \{/);
    assert.match(brief, /3 {4}return x - y;/);
    assert.match(brief, /why subtract\?/);
    assert.match(answer, /add\(\) subtracts at src\/app\.ts:3/);
    const live = liveParts(answer);
    assert.deepEqual([live.mentions, live.images, live.links, live.html], [[], [], [], []], answer);
    await eventually(() => eyesOn('issue-comment', comment.id).length === 1 || undefined, 'the 👀 reaction');
  });

  test('/claude suggest on a review comment on a line → a one-click suggestion in its thread', async () => {
    world.model.script(answerReply({ answer: 'Add, as the name says.', suggestion: { path: 'src/app.ts', start_line: 3, end_line: 3, replacement: '  return x + y;' } }));
    const root = await world.github.addReviewComment(GITHUB_REPO, GITHUB_PR, { body: '/claude suggest make it add again', user: DEVELOPER, path: 'src/app.ts', line: 3 });
    assertTaken(await sendComment({ kind: 'review', of: root }), 'suggest');
    const [answer] = await eventually(() => (repliesIn(root).length > 0 ? repliesIn(root) : undefined), 'the suggestion');
    assert.match(answer!.body, /^Add, as the name says\.\n\n```suggestion\n {2}return x \+ y;\n```$/);
    const brief = briefOf(answererRequests(world.model).at(-1));
    assert.match(brief, /Kind: suggest/);
    assert.match(brief, /make it add again/);
    assert.match(brief, /src\/app\.ts:3-3/);
    await eventually(() => eyesOn('review-comment', root.id).length === 1 || undefined, 'the 👀 reaction');
  });

  test("\"won't fix\" in forgebot's finding thread → answered there; after a push the same finding is not raised again; a person's own thread → nothing", async () => {
    world.model.script(answerReply({ answer: 'Understood: the subtraction is intended.', disposition: 'wont-fix' }));
    const reply = await world.github.addReviewComment(GITHUB_REPO, GITHUB_PR, { body: "won't fix: this is on purpose", user: DEVELOPER, inReplyTo: findingRoot.id });
    assertTaken(await sendComment({ kind: 'review', of: reply }), 'the reply');
    const [answer] = await eventually(() => (repliesIn(findingRoot).length > 0 ? repliesIn(findingRoot) : undefined), 'the answer in the finding thread');
    assert.equal(answer!.body, "Understood: the subtraction is intended.\n\nNoted as won't fix: forgebot will not raise this finding again on this pull request.");
    await eventually(() => eyesOn('review-comment', reply.id).length === 1 || undefined, 'the 👀 reaction on the reply');
    const brief = briefOf(answererRequests(world.model).at(-1));
    assert.match(brief, /Kind: reply/);
    assert.match(brief, /won't fix: this is on purpose/);
    assert.match(brief, /title: Subtraction in add\(\)/);
    const feedback = await eventually(async () => (await status()).findingFeedback, 'the feedback recorded');
    assert.deepEqual(feedback.map((entry) => [entry.disposition, entry.by]), [['wont-fix', 'dev']]);

    // A push; the review raises the same finding again.
    const sha = await push(`${APP_FEATURE}// pushed\n`);
    world.model.script(reviewReply('Second look: still subtracting.', [appFinding(FINDING, 3)]));
    assert.equal((await send('pull_request', pullRequestEvent('pull_request--synchronize', sha))).status, 202);
    const updated = await eventually(() => (summary()?.body.includes(sha.slice(0, 12)) ? summary() : undefined), 'the summary of the push');
    assert.match(updated!.body, /1 finding already resolved or dismissed by a person was not raised again\./);
    assert.equal(findingRoots().length, 1, 'no second inline comment');
    assert.equal(repliesIn(findingRoot).length, 1, 'nothing more in the finding thread');

    // A reply in a person's own thread: the workflow reads the thread, finds it is not forgebot's, and says nothing.
    const root = await world.github.addReviewComment(GITHUB_REPO, GITHUB_PR, { body: 'Is this constant right?', user: READER, path: 'src/app.ts', line: 6 });
    const own = await world.github.addReviewComment(GITHUB_REPO, GITHUB_PR, { body: 'I think so, yes.', user: DEVELOPER, inReplyTo: root.id });
    // Signalled before the answer (`accepted`, not `queued`), and the workflow takes notes one at a time in the order
    // they came: once a later command is answered, this reply was taken.
    const handed = await sendComment({ kind: 'review', of: own });
    assert.deepEqual([handed.status, handed.json.status], [202, 'accepted'], "the reply in a person's thread");
    await ask('/claude help', READER, 'the help after the reply');
    assert.deepEqual([repliesIn(root), eyesOn('review-comment', own.id), eyesOn('review-comment', root.id)], [[], [], []]);
  });

  test('/claude review by a write collaborator → a review runs now and the answer says what was reviewed', async () => {
    const earlier = await status();
    const requests = world.model.requests.length;
    world.model.script(reviewReply('Reviewed on request: fine.', []));
    const { answer } = await ask('/claude review', DEVELOPER, 'review');
    const head = (earlier.lastReviewedSha ?? '').slice(0, 12);
    assert.ok(head.length === 12, 'a head was reviewed before');
    assert.equal(answer, `Reviewed \`${head}\` (the whole pull request): no findings. The summary note has the details.`);
    assert.equal(world.model.requests.length, requests + 1, 'the reviewer ran');
    const current = await status();
    assert.equal(current.reviewsCompleted, earlier.reviewsCompleted + 1);
    assert.equal(current.lastCommand?.result, `reviewed ${head}`);
    assert.deepEqual(world.model.errors, []);
    assert.ok(world.github.callers.every((kind) => kind !== 'user'), 'only App credentials were used');
  });
});
