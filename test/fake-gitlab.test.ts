// The fake GitLab over plain HTTP: GitLab's paths, status codes, fields, pagination headers and position checks.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createFakeGitLab } from '../src/fakes/gitlab/fake-gitlab.js';
import { APP_LINES, FEATURE_FILES, featureRepo, type FeatureRepo } from './helpers/git-repo.js';

const TOKEN = 'glpat-fake-test-token';
type Json = Record<string, unknown> & { message?: string };

describe('fake GitLab REST API', () => {
  const gitlab = createFakeGitLab({ token: TOKEN });
  let made: FeatureRepo;
  let api: string;
  const mrPath = '/projects/7/merge_requests/2';

  async function call(method: string, path: string, init: { body?: NonNullable<RequestInit['body']>; headers?: Record<string, string> } = {}) {
    const response = await fetch(`${api}${path}`, {
      method,
      headers: { 'PRIVATE-TOKEN': TOKEN, ...init.headers },
      ...(init.body !== undefined ? { body: init.body } : {}),
      signal: AbortSignal.timeout(5_000),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as unknown };
  }
  const json = (body: unknown) => body as Json;
  const list = (body: unknown) => body as Json[];
  const postJson = (path: string, body: object) =>
    call('POST', path, { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

  before(async () => {
    made = await featureRepo(25, { advanceMain: true });
    const { url } = await gitlab.start();
    api = `${url}/api/v4`;
    gitlab.addProject({ id: 7, pathWithNamespace: 'group/sub/app', repoDir: made.repo.dir });
    await gitlab.addMergeRequest({ projectId: 7, iid: 2, title: 'Feature', description: 'Does things', sourceBranch: 'feature', targetBranch: 'main', author: 'bob', draft: true });
  });
  after(async () => {
    await gitlab.stop();
    await made.repo.remove();
  });

  test('authenticates with PRIVATE-TOKEN or a Bearer token, else 401', async () => {
    assert.equal((await call('GET', '/projects/7')).status, 200);
    assert.equal((await call('GET', '/projects/7', { headers: { 'PRIVATE-TOKEN': '', authorization: `Bearer ${TOKEN}` } })).status, 200);
    const wrong = await call('GET', '/projects/7', { headers: { 'PRIVATE-TOKEN': 'nope' } });
    assert.deepEqual([wrong.status, wrong.body], [401, { message: '401 Unauthorized' }]);
  });

  test('finds projects by id or URL-encoded path, with a clonable file:// URL', async () => {
    const byPath = await call('GET', `/projects/${encodeURIComponent('group/sub/app')}`);
    assert.equal(byPath.status, 200);
    assert.equal(json(byPath.body).id, 7);
    assert.equal(json(byPath.body).http_url_to_repo, `file://${made.repo.dir}`);
    assert.deepEqual((await call('GET', '/projects/8')).body, { message: '404 Project Not Found' });
    assert.deepEqual((await call('GET', '/projects/7/merge_requests/99')).body, { message: '404 Not found' });
    assert.equal((await call('GET', '/nothing/here')).status, 404);
    assert.equal(json((await call('GET', '/user')).body).username, 'forgebot');
  });

  test('the merge request carries diff refs computed with git', async () => {
    const { body } = await call('GET', mrPath);
    const mr = json(body);
    assert.equal(mr.iid, 2);
    assert.equal(mr.project_id, 7);
    assert.equal(mr.state, 'opened');
    assert.equal(mr.draft, true);
    assert.equal(mr.work_in_progress, true);
    assert.equal(mr.sha, made.headSha);
    assert.deepEqual(mr.diff_refs, { base_sha: made.baseSha, head_sha: made.headSha, start_sha: made.startSha });
    assert.notEqual(made.baseSha, made.startSha, 'main moved on after the branch point');
    assert.deepEqual((mr.author as Json).username, 'bob');
    assert.match(String(mr.web_url), /\/group\/sub\/app\/-\/merge_requests\/2$/);
  });

  test('diffs are paginated the GitLab way, with only the hunks in `diff`', async () => {
    const total = 25 + FEATURE_FILES;
    const first = await call('GET', `${mrPath}/diffs`);
    assert.equal(list(first.body).length, 20, 'default per_page is 20');
    assert.equal(first.headers.get('x-total'), String(total));
    assert.equal(first.headers.get('x-total-pages'), '2');
    assert.equal(first.headers.get('x-page'), '1');
    assert.equal(first.headers.get('x-per-page'), '20');
    assert.equal(first.headers.get('x-next-page'), '2');
    assert.equal(first.headers.get('x-prev-page'), '');
    assert.match(first.headers.get('link') ?? '', /page=2[^>]*>; rel="next"/);
    const second = await call('GET', `${mrPath}/diffs?page=2`);
    assert.equal(list(second.body).length, total - 20);
    assert.equal(second.headers.get('x-next-page'), '');
    assert.match(second.headers.get('link') ?? '', /rel="prev"/);
    const capped = await call('GET', `${mrPath}/diffs?per_page=500`);
    assert.equal(capped.headers.get('x-per-page'), '100');

    const files = list(capped.body);
    assert.ok(!files.some((file) => file.new_path === 'README.md'), 'the diff is from the merge base, not the target tip');
    const app = files.find((file) => file.new_path === 'src/app.ts');
    assert.match(String(app?.diff), /^@@ -1,7 \+1,7 @@/);
    assert.doesNotMatch(String(app?.diff), /diff --git|^\+\+\+ /m);
    assert.deepEqual(files.find((file) => file.new_path === 'src/new.ts'), {
      ...files.find((file) => file.new_path === 'src/new.ts'), old_path: 'src/new.ts', new_file: true, a_mode: '0', b_mode: '100644',
    });
    const deleted = files.find((file) => file.old_path === 'obsolete.txt');
    assert.deepEqual([deleted?.deleted_file, deleted?.new_path, deleted?.b_mode], [true, 'obsolete.txt', '0']);
    const renamed = files.find((file) => file.renamed_file === true);
    assert.deepEqual([renamed?.old_path, renamed?.new_path], ['docs/guide.md', 'docs/manual.md']);
  });

  test('a push makes a new diff version, listed first; each version keeps its own diffs', async () => {
    await made.repo.checkout('feature');
    const pushed = await made.repo.commit({ 'src/later.ts': 'export const later = 1;\n' }, 'later');
    await made.repo.checkout('main');
    await gitlab.refreshMergeRequest(7, 2);
    const versions = list((await call('GET', `${mrPath}/versions`)).body);
    assert.deepEqual(versions.map((v) => v.head_commit_sha), [pushed, made.headSha]);
    assert.equal(versions[0]?.base_commit_sha, made.baseSha);
    const older = json((await call('GET', `${mrPath}/versions/${String(versions[1]?.id)}`)).body);
    assert.ok(!list(older.diffs).some((file) => file.new_path === 'src/later.ts'));
    assert.equal(json((await call('GET', mrPath)).body).sha, pushed);
    assert.ok(list((await call('GET', `${mrPath}/diffs?per_page=100`)).body).some((file) => file.new_path === 'src/later.ts'));
  });

  test('notes: created by the token user, edited in place, listed newest first; others’ notes are read-only', async () => {
    const created = await postJson(`${mrPath}/notes`, { body: 'first' });
    assert.equal(created.status, 201);
    const note = json(created.body);
    assert.deepEqual([(note.author as Json).username, note.system, note.noteable_type, note.type], ['forgebot', false, 'MergeRequest', null]);
    await postJson(`${mrPath}/notes`, { body: 'second' });
    const edited = await call('PUT', `${mrPath}/notes/${String(note.id)}`, { body: new URLSearchParams({ body: 'first, edited' }) });
    assert.equal(edited.status, 200);
    assert.deepEqual(list((await call('GET', `${mrPath}/notes`)).body).map((n) => n.body), ['second', 'first, edited']);
    assert.deepEqual(list((await call('GET', `${mrPath}/notes?sort=asc`)).body).map((n) => n.body), ['first, edited', 'second']);
    const human = gitlab.addForeignNote(7, 2, { body: 'a human wrote this', author: 'carol' });
    assert.equal((await call('PUT', `${mrPath}/notes/${human.id}`, { body: new URLSearchParams({ body: 'x' }) })).status, 403);
    assert.equal((await postJson(`${mrPath}/notes`, {})).status, 400);
  });

  test('diff notes: the position must name a diff version and a line the diff shows, with the right sides', async () => {
    const { body } = await call('GET', mrPath);
    const refs = json(body).diff_refs as Record<string, string>;
    const post = (line: { new_line?: number; old_line?: number }, extra: Record<string, string> = {}) => {
      const form = new FormData();
      form.set('body', 'inline');
      const position: Record<string, string | number> = { position_type: 'text', old_path: 'src/app.ts', new_path: 'src/app.ts', ...refs, ...line, ...extra };
      for (const [key, value] of Object.entries(position)) form.set(`position[${key}]`, String(value));
      return call('POST', `${mrPath}/discussions`, { body: form });
    };
    const accepted = [
      { new_line: APP_LINES.added },
      { new_line: APP_LINES.modifiedNew },
      { old_line: APP_LINES.removed },
      { old_line: APP_LINES.context.oldLine, new_line: APP_LINES.context.newLine },
    ];
    for (const line of accepted) {
      const answer = await post(line);
      assert.equal(answer.status, 201, JSON.stringify(line));
      const discussion = json(answer.body);
      assert.match(String(discussion.id), /^[0-9a-f]{40}$/);
      const note = list(discussion.notes)[0];
      assert.equal(note?.type, 'DiffNote');
      assert.deepEqual(note?.position, {
        base_sha: refs.base_sha, start_sha: refs.start_sha, head_sha: refs.head_sha, position_type: 'text',
        old_path: 'src/app.ts', new_path: 'src/app.ts', old_line: line.old_line ?? null, new_line: line.new_line ?? null, line_range: null,
      });
    }
    const refused = [
      [{ new_line: APP_LINES.context.newLine }, {}],
      [{ old_line: APP_LINES.context.oldLine }, {}],
      [{ new_line: APP_LINES.added, old_line: 1 }, {}],
      [{ new_line: 40 }, {}],
      [{ new_line: APP_LINES.added }, { head_sha: made.baseSha }],
      [{ new_line: 1 }, { old_path: 'README.md', new_path: 'README.md' }],
    ] as const;
    for (const [line, extra] of refused) {
      const answer = await post(line, extra);
      assert.equal(answer.status, 400, JSON.stringify({ line, extra }));
      assert.match(String(json(answer.body).message), /^400 Bad request - Note .*line_code/);
    }
    const positioned = gitlab.discussions(7, 2).filter((d) => d.notes[0]?.position);
    assert.equal(positioned.length, accepted.length, 'refused positions leave nothing behind');
  });

  test('discussions are listed with positions and can be resolved', async () => {
    const answer = await call('GET', `${mrPath}/discussions?per_page=100`);
    const discussions = list(answer.body);
    assert.equal(discussions.length, gitlab.discussions(7, 2).length);
    const diffThread = discussions.find((d) => list(d.notes)[0]?.type === 'DiffNote');
    assert.ok(diffThread);
    assert.equal(diffThread.individual_note, false);
    const resolved = await call('PUT', `${mrPath}/discussions/${String(diffThread.id)}?resolved=true`);
    assert.equal(resolved.status, 200);
    assert.equal(list(json(resolved.body).notes)[0]?.resolved, true);
    assert.equal((await call('PUT', `${mrPath}/discussions/feedface?resolved=true`)).status, 404);
  });

  test('failNext answers the given status and headers the given number of times', async () => {
    gitlab.failNext({ method: 'get', pathPattern: /^\/projects\/7$/, status: 429, times: 2, headers: { 'Retry-After': '7' } });
    const first = await call('GET', '/projects/7');
    assert.deepEqual([first.status, first.headers.get('retry-after')], [429, '7']);
    assert.equal((await call('GET', `${mrPath}`)).status, 200, 'other paths are not affected');
    assert.equal((await call('GET', '/projects/7')).status, 429);
    assert.equal((await call('GET', '/projects/7')).status, 200);
  });

  test('closing or merging shows in the state', async () => {
    gitlab.setMergeRequestState(7, 2, 'merged');
    assert.equal(json((await call('GET', mrPath)).body).state, 'merged');
    gitlab.setMergeRequestState(7, 2, 'opened');
  });
});
