import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChangeRef } from '../src/domain/change-ref.js';
import { ForgeError, type Forge, type InlineComment } from '../src/activities/forge.js';
import { createGitHubConnection, createGitHubForge } from '../src/activities/github/index.js';
import { renderInlineComment, SUMMARY_MARKER } from '../src/domain/render.js';
import { ReviewResult } from '../src/domain/finding.js';
import { publishReview } from '../src/activities/publish-review.js';
import { APP_LINES, FEATURE_FILES } from './helpers/git-repo.js';
import { GITHUB_PR, GITHUB_REPO, GITHUB_TEST_TOKEN, startGitHubFixture, type GitHubFixture } from './helpers/github-fake.js';

const ref: ChangeRef = { forge: 'github', projectId: GITHUB_REPO, projectPath: GITHUB_REPO, number: GITHUB_PR };
const finding = { path: 'src/app.ts', line: APP_LINES.modifiedNew, side: 'new' as const, severity: 'major' as const, category: 'bug' as const, confidence: 0.9, title: 'Subtracts instead of adding', body: 'add() now returns x - y.' };

function forgeWith(fixture: GitHubFixture, token = GITHUB_TEST_TOKEN, perPage = 10): Forge {
  return createGitHubForge(createGitHubConnection({ kind: 'token', token }, { baseUrl: fixture.github.url, timeoutMs: 10_000 }), { perPage });
}

async function rejectsWith(work: Promise<unknown>, code: ForgeError['code']): Promise<ForgeError> {
  const error = await work.then(() => undefined, (failure: unknown) => failure);
  assert.ok(error instanceof ForgeError, `expected a ForgeError, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  return error;
}

describe('GitHubForge (token) against the fake GitHub', () => {
  let fixture: GitHubFixture;
  let forge: Forge;
  before(async () => {
    fixture = await startGitHubFixture(25);
    forge = forgeWith(fixture);
  });
  after(async () => fixture?.stop());

  test('reads the pull request and every file across pages, with patches and the merge base', async () => {
    const snapshot = await forge.getChange(ref);
    assert.equal(snapshot.headSha, fixture.feature.headSha);
    assert.equal(snapshot.baseSha, fixture.feature.baseSha);
    assert.equal(snapshot.state, 'opened');
    assert.equal(snapshot.files.length, FEATURE_FILES + 25);
    assert.ok(fixture.github.requests.filter((line) => line.endsWith(`/pulls/${GITHUB_PR}/files`)).length >= 3, 'files read in pages of 10');
    const app = snapshot.files.find((file) => file.newPath === 'src/app.ts')!;
    assert.match(app.diff, /^@@ -1,7 \+1,7 @@/);
    const renamed = snapshot.files.find((file) => file.renamedFile)!;
    assert.deepEqual([renamed.oldPath, renamed.newPath], ['docs/guide.md', 'docs/manual.md']);
    assert.ok(snapshot.files.find((file) => file.newPath === 'obsolete.txt')?.deletedFile);
    assert.ok(snapshot.files.find((file) => file.newPath === 'src/new.ts')?.newFile);
  });

  test('posts one review with every inline comment at its line and side; suggestions use GitHub fences', async () => {
    const snapshot = await forge.getChange(ref);
    const refs = { baseSha: snapshot.baseSha, startSha: snapshot.startSha, headSha: snapshot.headSha };
    const at = (position: InlineComment['target']['position'], body: string): InlineComment => ({ target: { refs, oldPath: 'src/app.ts', newPath: 'src/app.ts', position }, body });
    const withSuggestion = renderInlineComment({ ...finding, suggestion: '  return x + y;' });
    const comments = [at({ newLine: APP_LINES.modifiedNew }, withSuggestion), at({ oldLine: APP_LINES.removed }, 'removed line'), at({ oldLine: 6, newLine: 5 }, 'context')];
    assert.deepEqual(await forge.postReview!(ref, comments, 'blocking'), { posted: 3 });
    const [review] = fixture.github.state.reviews;
    assert.equal(fixture.github.state.reviews.length, 1);
    assert.equal(review?.state, 'CHANGES_REQUESTED');
    const posted = fixture.github.state.reviewComments.map((comment) => [comment.line, comment.side]);
    assert.deepEqual(posted, [[APP_LINES.modifiedNew, 'RIGHT'], [APP_LINES.removed, 'LEFT'], [5, 'RIGHT']]);
    assert.match(fixture.github.state.reviewComments[0]!.body, /^```suggestion\n {2}return x \+ y;\n```$/m);
    assert.deepEqual(await forge.postedFindingFingerprints(ref), new Set([(/forgebot:finding:([0-9a-f]{8})/.exec(withSuggestion) ?? [])[1]]));
    const threads = await forge.findingThreads!(ref);
    assert.deepEqual(threads.map((thread) => [thread.path, thread.line, thread.title, thread.resolved]), [['src/app.ts', APP_LINES.modifiedNew, finding.title, false]]);
  });

  test('finding threads: resolution read and written through GraphQL', async () => {
    const [thread] = await forge.findingThreads!(ref);
    await forge.resolveThread!(ref, thread!.threadId);
    assert.equal((await forge.findingThreads!(ref))[0]?.resolved, true);
    fixture.github.resolveThread(fixture.github.state.reviewComments[0]!.id, false);
    assert.equal((await forge.findingThreads!(ref))[0]?.resolved, false, 'a person reopened it');
    await rejectsWith(forge.resolveThread!(ref, 'PRRT_unknown'), 'ERR_FORGE_NOT_FOUND');
  });

  test('a multi-line comment spans start_line..line, each on its own side', async () => {
    const snapshot = await forge.getChange(ref);
    const refs = { baseSha: snapshot.baseSha, startSha: snapshot.startSha, headSha: snapshot.headSha };
    const range: InlineComment = { target: { refs, oldPath: 'src/app.ts', newPath: 'src/app.ts', position: { newLine: APP_LINES.added }, startPosition: { oldLine: 6, newLine: 5 } }, body: 'range' };
    await forge.postReview!(ref, [range], 'findings');
    const posted = fixture.github.state.reviewComments.at(-1)!;
    assert.deepEqual([posted.startLine, posted.startSide, posted.line, posted.side], [5, 'RIGHT', APP_LINES.added, 'RIGHT']);
    assert.equal(fixture.github.state.reviews.at(-1)?.state, 'COMMENTED');
  });

  test('a comment on a line outside the diff is refused (422 → ERR_FORGE_INVALID) and nothing is posted', async () => {
    const before = fixture.github.state.reviews.length;
    const snapshot = await forge.getChange(ref);
    const refs = { baseSha: snapshot.baseSha, startSha: snapshot.startSha, headSha: snapshot.headSha };
    const outside: InlineComment = { target: { refs, oldPath: 'README.md', newPath: 'src/app.ts', position: { newLine: 40 } }, body: 'nowhere' };
    await rejectsWith(forge.postReview!(ref, [outside], 'findings'), 'ERR_FORGE_INVALID');
    assert.equal(fixture.github.state.reviews.length, before);
    assert.deepEqual(await forge.postReview!(ref, [], 'clean'), { posted: 0 }, 'no approval unless GITHUB_APPROVE_WHEN_CLEAN');
    assert.equal(fixture.github.state.reviews.length, before);
  });

  test('with GITHUB_APPROVE_WHEN_CLEAN a clean review approves the head; findings never do', async () => {
    const approving = createGitHubForge(createGitHubConnection({ kind: 'token', token: GITHUB_TEST_TOKEN }, { baseUrl: fixture.github.url, timeoutMs: 10_000 }), { approveWhenClean: true });
    assert.deepEqual(await approving.postReview!(ref, [], 'findings'), { posted: 0 });
    await approving.postReview!(ref, [], 'clean');
    const review = fixture.github.state.reviews.at(-1)!;
    assert.deepEqual([review.state, review.commitId], ['APPROVED', fixture.feature.headSha]);
  });

  test('the summary is one issue comment, edited in place; a person quoting the marker is left alone', async () => {
    const [owner = '', name = ''] = GITHUB_REPO.split('/');
    const repo = fixture.github.state.repository(owner, name)!;
    fixture.github.state.issueComments.push({ id: 1, issueNumber: GITHUB_PR, repo, body: `quoting ${SUMMARY_MARKER}`, user: { login: 'alice', id: 5, type: 'User' }, createdAt: '', updatedAt: '' });
    const first = await forge.upsertSummary(ref, `${SUMMARY_MARKER}\nfirst`);
    const second = await forge.upsertSummary(ref, `${SUMMARY_MARKER}\nsecond`);
    assert.deepEqual([first.created, second.created, second.id], [true, false, first.id]);
    assert.deepEqual(fixture.github.state.issueComments.map((comment) => comment.body), [`quoting ${SUMMARY_MARKER}`, `${SUMMARY_MARKER}\nsecond`]);
  });

  test('reads a file at a commit; a missing one is undefined', async () => {
    assert.equal(await forge.readFile!(ref, 'src/new.ts', fixture.feature.headSha), 'export const created = true;\n');
    assert.equal(await forge.readFile!(ref, 'src/new.ts', fixture.feature.baseSha), undefined);
  });

  test('a short rate limit is waited out in place (after the advertised reset); a long one is a retryable error with the wait', async () => {
    fixture.github.rateLimitNext({ kind: 'primary', seconds: 1, pathPattern: /\/pulls\/\d+$/ });
    const started = Date.now();
    assert.equal((await forge.getChange(ref)).headSha, fixture.feature.headSha);
    assert.ok(Date.now() - started >= 1_000, 'the retry came after x-ratelimit-reset');
    fixture.github.rateLimitNext({ kind: 'primary', seconds: 120 });
    const primary = await rejectsWith(forge.getChange(ref), 'ERR_FORGE_RATE_LIMITED');
    assert.ok(primary.retryAfterMs! > 100_000 && primary.retryAfterMs! <= 122_000, String(primary.retryAfterMs));
    assert.equal(primary.permanent, false);
    fixture.github.rateLimitNext({ kind: 'secondary', seconds: 90 });
    assert.equal((await rejectsWith(forge.getChange(ref), 'ERR_FORGE_RATE_LIMITED')).retryAfterMs, 90_000);
  });

  test('a bad token is ERR_FORGE_UNAUTHORIZED, an unknown repository ERR_FORGE_NOT_FOUND; no token in messages', async () => {
    const bad = await rejectsWith(forgeWith(fixture, 'ghp_wrongtoken0123456789abcdefABCDEF01').getChange(ref), 'ERR_FORGE_UNAUTHORIZED');
    assert.doesNotMatch(bad.message, /ghp_/);
    await rejectsWith(forge.getChange({ ...ref, projectPath: 'acme/nothing', projectId: 'acme/nothing' }), 'ERR_FORGE_NOT_FOUND');
  });
  test('a finding with startLine is published as a range, with a suggestion replacing all of it', async () => {
    const snapshot = await forge.getChange(ref);
    const ranged = { ...finding, title: 'Range', startLine: APP_LINES.added - 1, line: APP_LINES.added, suggestion: 'const c = 3;\nconst d = 5;' };
    const result = ReviewResult.parse({ headSha: snapshot.headSha, summary: 'One ranged finding.', findings: [ranged], model: 'claude-test', usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, turns: 1 } });
    await publishReview(forge, snapshot, result);
    const posted = fixture.github.state.reviewComments.at(-1)!;
    assert.deepEqual([posted.startLine, posted.startSide, posted.line, posted.side], [APP_LINES.added - 1, 'RIGHT', APP_LINES.added, 'RIGHT']);
    assert.match(posted.body, /^```suggestion\nconst c = 3;\nconst d = 5;\n```$/m);
  });

});
