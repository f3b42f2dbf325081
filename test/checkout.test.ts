// The runner's checkout: a shallow fetch of exactly what a review reads (the base, the commits from it to the head,
// the last reviewed head when it lies there), deepened only when that cannot settle it; over file:// and smart HTTP.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { checkoutAt, checkoutRepository, type CheckoutOptions } from '../src/agents/checkout.js';
import { RunnerError } from '../src/agents/runner-error.js';
import { TestRepo } from './helpers/git-repo.js';
import { startGitHttpServer, type GitHttpServer } from './helpers/git-http-server.js';
import { workspaces } from './helpers/workspaces.js';

const run = promisify(execFile);
const git = async (dir: string, ...args: string[]) => (await run('git', args, { cwd: dir })).stdout.trim();
const has = (dir: string, sha: string) => git(dir, 'cat-file', '-e', `${sha}^{commit}`).then(() => true, () => false);
const isAncestor = (dir: string, a: string, b: string) => git(dir, 'merge-base', '--is-ancestor', a, b).then(() => true, () => false);

describe('checkout', () => {
  // master: m0 - m1 - m2 - m3 - m4; feature (from m2): f1 - f2 - f3; other (from m1): o1.
  let repo: TestRepo;
  const c: Record<string, string> = {};
  const spaces = workspaces();
  let http: GitHttpServer;
  let httpV0: GitHttpServer;
  const checkout = async (options: Omit<CheckoutOptions, 'dir' | 'cloneUrl'> & { cloneUrl?: string }) => {
    const dir = join(await spaces.make(), 'repo');
    const fetched = await checkoutAt({ cloneUrl: `file://${repo.dir}`, dir, ...options });
    return { dir, fetched };
  };

  before(async () => {
    repo = await TestRepo.create({ 'README.md': '# m0\n' }, 'master');
    c.m0 = await repo.git('rev-parse', 'HEAD');
    c.m1 = await repo.commit({ 'old.txt': 'history behind the base\n' }, 'm1');
    c.m2 = await repo.commit({ 'src/app.ts': 'export const a = 1;\n' }, 'm2');
    await repo.branch('other', c.m1);
    c.o1 = await repo.commit({ 'other.txt': 'o1\n' }, 'o1');
    await repo.branch('feature', c.m2);
    c.f1 = await repo.commit({ 'src/app.ts': 'export const a = 2;\n' }, 'f1');
    c.f2 = await repo.commit({ 'src/new.ts': 'export const n = 1;\n' }, 'f2');
    c.f3 = await repo.commit({ 'src/app.ts': 'export const a = 3;\n' }, 'f3');
    await repo.checkout('master');
    c.m3 = await repo.commit({ 'README.md': '# m3\n' }, 'm3');
    c.m4 = await repo.commit({ 'README.md': '# m4\n' }, 'm4');
    http = await startGitHttpServer(dirname(repo.dir));
    // Protocol v0 without allowReachableSHA1InWant: only advertised tips may be fetched by SHA (m2 is none).
    httpV0 = await startGitHttpServer(dirname(repo.dir), { protocolV0: true });
  });
  after(async () => {
    await http?.close();
    await httpV0?.close();
    await spaces.removeAll();
    await repo?.remove();
  });

  test('file://: the base at depth 1 and the commits from it to the head, nothing behind the base; the head checked out', async () => {
    const { dir, fetched } = await checkout({ baseSha: c.m2!, headSha: c.f3! });
    assert.equal(fetched, 'shallow');
    assert.equal(await git(dir, 'rev-parse', '--is-shallow-repository'), 'true');
    assert.equal(await git(dir, 'rev-parse', 'HEAD'), c.f3);
    assert.equal(await git(dir, 'rev-list', '--count', 'HEAD'), '4', 'f3, f2, f1 and the base');
    assert.equal(await has(dir, c.m1!), false, 'history behind the base is not fetched');
    assert.equal(await has(dir, c.m4!), false, 'nor the target branch past the base');
    assert.equal(await git(dir, 'diff', '--name-only', `${c.m2}...${c.f3}`), 'src/app.ts\nsrc/new.ts');
    assert.equal(await git(dir, 'status', '--porcelain'), '');
  });

  test('the last reviewed head between base and head is there: an incremental review reads last..head', async () => {
    const { dir, fetched } = await checkout({ baseSha: c.m2!, headSha: c.f3!, alsoWanted: c.f1! });
    assert.equal(fetched, 'shallow');
    assert.equal(await isAncestor(dir, c.f1!, c.f3!), true);
    assert.equal(await git(dir, 'diff', '--name-only', `${c.f1}..${c.f3}`), 'src/app.ts\nsrc/new.ts');
  });

  test('a last reviewed head behind the base: the whole history is fetched, so it is still found an ancestor', async () => {
    const { dir, fetched } = await checkout({ baseSha: c.f2!, headSha: c.f3!, alsoWanted: c.f1! });
    assert.equal(fetched, 'full');
    assert.equal(await git(dir, 'rev-parse', '--is-shallow-repository'), 'false');
    assert.equal(await isAncestor(dir, c.f1!, c.f3!), true);
  });

  test('a last reviewed head that is in no history of head or base (a force push): full history, and it is absent', async () => {
    const { dir, fetched } = await checkout({ baseSha: c.m2!, headSha: c.f3!, alsoWanted: c.o1! });
    assert.equal(fetched, 'full');
    assert.equal(await has(dir, c.o1!), false);
    assert.equal(await has(dir, c.m0!), true);
  });

  test('a base that is not an ancestor of the head: the whole history, and base...head has its merge base', async () => {
    const { dir, fetched } = await checkout({ baseSha: c.m4!, headSha: c.f3! });
    assert.equal(fetched, 'full');
    assert.equal(await git(dir, 'merge-base', c.m4!, c.f3!), c.m2);
    assert.equal(await git(dir, 'diff', '--name-only', `${c.m4}...${c.f3}`), 'src/app.ts\nsrc/new.ts');
  });

  test('base and head the same commit: that one commit', async () => {
    const { dir, fetched } = await checkout({ baseSha: c.f3!, headSha: c.f3! });
    assert.equal(fetched, 'shallow');
    assert.equal(await git(dir, 'rev-list', '--count', 'HEAD'), '1');
  });

  test('smart HTTP (protocol v2): shallow too, and every request carries the clone token as basic auth', async () => {
    const before = http.requests.length;
    const { dir, fetched } = await checkout({ cloneUrl: http.url(basename(repo.dir)), baseSha: c.m2!, headSha: c.f3!, cloneToken: 'glpat-clone-0123456789' });
    assert.equal(fetched, 'shallow');
    assert.equal(await git(dir, 'rev-list', '--count', 'HEAD'), '4');
    const requests = http.requests.slice(before);
    assert.ok(requests.length > 0);
    assert.ok(requests.every((request) => request.protocol === 'version=2'), 'git spoke protocol v2');
    const basic = `Basic ${Buffer.from('oauth2:glpat-clone-0123456789').toString('base64')}`;
    assert.ok(requests.every((request) => request.authorization === basic));
  });

  test('a server that refuses fetching by SHA (protocol v0: only advertised tips): the full history by the tip, else every branch', async () => {
    const url = httpV0.url(basename(repo.dir));
    const byTip = await checkout({ cloneUrl: url, baseSha: c.m2!, headSha: c.f3! });
    assert.equal(byTip.fetched, 'full', 'the head is a branch tip: fetched by SHA, with the base in its history');
    assert.equal(await git(byTip.dir, 'diff', '--name-only', `${c.m2}...${c.f3}`), 'src/app.ts\nsrc/new.ts');
    const noTip = await checkout({ cloneUrl: url, baseSha: c.m2!, headSha: c.f2! });
    assert.equal(noTip.fetched, 'refs');
    assert.equal(await git(noTip.dir, 'rev-parse', 'HEAD'), c.f2);
    assert.equal(await git(noTip.dir, 'diff', '--name-only', `${c.m2}...${c.f2}`), 'src/app.ts\nsrc/new.ts');
  });

  test('checkoutRepository: a commit the forge does not have is ERR_CHECKOUT; a checkout logs what it fetched and how long it took', async () => {
    const lines: Array<{ msg: string; fetched?: string; ms?: number }> = [];
    const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as (typeof lines)[number]) });
    await checkoutRepository({ cloneUrl: `file://${repo.dir}`, baseSha: c.m2!, headSha: c.f3! }, 'gitlab', undefined, join(await spaces.make(), 'repo'), { log });
    const [line] = lines.filter((entry) => entry.msg === 'checked out');
    assert.equal(line?.fetched, 'shallow');
    assert.equal(typeof line?.ms, 'number');
    const missing = 'f'.repeat(40);
    await assert.rejects(
      checkoutRepository({ cloneUrl: `file://${repo.dir}`, baseSha: c.m2!, headSha: missing }, 'gitlab', undefined, join(await spaces.make(), 'repo')),
      (error: unknown) => error instanceof RunnerError && error.code === 'ERR_CHECKOUT' && error.message.includes(`commit ${missing} is not in the repository`),
    );
  });
});
