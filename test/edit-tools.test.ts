// The write tools of agents that change code, on real git repositories: edits, path confinement, protected paths, limits.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEditTools } from '../src/agents/edit-tools/create-edit-tools.js';
import { assertRefused, settingsFrom, toolRunner } from './helpers/edit-tools.js';
import { TestRepo } from './helpers/git-repo.js';

const RUN_SH = '#!/bin/sh\n' + Array.from({ length: 11 }, (_, index) => `echo ${index}`).join('\n') + '\n';
const TWENTY_LINES = Array.from({ length: 20 }, (_, index) => `line ${index + 1}`).join('\n') + '\n';

async function newRepo(): Promise<{ repo: TestRepo; headSha: string }> {
  const repo = await TestRepo.create({
    'README.md': '# demo\n',
    'src/app.ts': 'export const a = 1;\nexport const b = 2;\nexport const b2 = 2;\n',
    'docs/long.md': TWENTY_LINES,
    'scripts/run.sh': RUN_SH,
    '.gitignore': 'dist/\n',
    '.gitlab-ci.yml': 'test:\n  script: [npm test]\n',
    '.github/workflows/ci.yml': 'on: push\n',
    '.forgebot.yml': 'reviewer:\n  enabled: true\n',
    'infra/main.tf': 'resource {}\n',
  });
  await chmod(join(repo.dir, 'scripts/run.sh'), 0o755);
  return { repo, headSha: await repo.commit({}, 'make run.sh executable') };
}

/** What git sees of the working tree: any change a refused call made would show here. */
const treeState = (repo: TestRepo) => repo.git('status', '--porcelain=v1', '--untracked-files=all', '--ignored');

describe('edit tools: write_file, replace_in_file, delete_file', () => {
  let repo: TestRepo;
  let headSha: string;
  let outside: string;
  let run: ReturnType<typeof toolRunner>;

  before(async () => {
    ({ repo, headSha } = await newRepo());
    outside = await mkdtemp(join(tmpdir(), 'forgebot-outside-'));
    await writeFile(join(outside, 'target.txt'), 'outside\n');
    await symlink(outside, join(repo.dir, 'out-dir'));
    await symlink(join(outside, 'target.txt'), join(repo.dir, 'out-file.txt'));
    await symlink('src/app.ts', join(repo.dir, 'inner-link.ts'));
    const settings = settingsFrom('changes:\n  protected_paths: ["infra/**", "*.lock"]\n');
    run = toolRunner(createEditTools(repo.dir, { headSha, settings }));
  });
  after(async () => {
    await repo.remove();
    await rm(outside, { recursive: true, force: true });
  });

  test('write_file creates files (and their folders) and rewrites files, keeping the executable bit', async () => {
    const created = await run('write_file', { path: 'src/new/deep/file.ts', content: 'export const x = 1;\nexport const y = 2;\n' });
    assert.match(created, /Created src\/new\/deep\/file\.ts \(2 lines\)/);
    assert.match(created, /touches \d+ of at most 20 files/);
    assert.equal(await readFile(join(repo.dir, 'src/new/deep/file.ts'), 'utf8'), 'export const x = 1;\nexport const y = 2;\n');
    assert.match(await run('write_file', { path: './scripts/run.sh', content: '#!/bin/sh\necho changed\n' }), /Rewrote scripts\/run\.sh/);
    assert.equal(await readFile(join(repo.dir, 'scripts/run.sh'), 'utf8'), '#!/bin/sh\necho changed\n');
    assert.equal((await stat(join(repo.dir, 'scripts/run.sh'))).mode & 0o777, 0o755);
  });

  test('replace_in_file replaces text that occurs exactly once, and refuses 0 or 2 occurrences saying how many', async () => {
    assert.match(await run('replace_in_file', { path: 'src/app.ts', old_text: 'a = 1', new_text: 'a = 10' }), /Replaced the one occurrence in src\/app\.ts \(line 1\)/);
    assert.equal(await readFile(join(repo.dir, 'src/app.ts'), 'utf8'), 'export const a = 10;\nexport const b = 2;\nexport const b2 = 2;\n');
    const state = await treeState(repo);
    await assertRefused(run('replace_in_file', { path: 'src/app.ts', old_text: 'const z', new_text: 'x' }), /occurs 0 times in src\/app\.ts/);
    await assertRefused(run('replace_in_file', { path: 'src/app.ts', old_text: '= 2;', new_text: '= 3;' }), /occurs 2 times in src\/app\.ts.*more surrounding lines/);
    await assertRefused(run('replace_in_file', { path: 'src/missing.ts', old_text: 'a', new_text: 'b' }), /does not exist/);
    assert.equal(await treeState(repo), state);
    assert.equal(await readFile(join(repo.dir, 'src/app.ts'), 'utf8'), 'export const a = 10;\nexport const b = 2;\nexport const b2 = 2;\n');
  });

  test('delete_file deletes a file, and refuses a file that is not there', async () => {
    assert.match(await run('delete_file', { path: 'README.md' }), /Deleted README\.md/);
    await assert.rejects(stat(join(repo.dir, 'README.md')), { code: 'ENOENT' });
    await assertRefused(run('delete_file', { path: 'README.md' }), /does not exist/);
  });

  const refusals: [string, string, RegExp][] = [
    ['GitLab CI', '.gitlab-ci.yml', /\.gitlab-ci\.yml is a CI definition/],
    ['a GitHub workflow', '.github/workflows/ci.yml', /CI definition/],
    ['a GitLab CI include', '.gitlab/ci/build.yml', /CI definition/],
    ['.git/config', '.git/config', /inside a \.git folder/],
    ['a nested .git folder', 'sub/.git/x', /inside a \.git folder/],
    ['.forgebot.yml', '.forgebot.yml', /forgebot's own settings/],
    ['a protected folder glob', 'infra/main.tf', /protected by \.forgebot\.yml \(changes\.protected_paths: "infra\/\*\*"\)/],
    ['a protected name glob', 'deep/down/package.lock', /protected by .*"\*\.lock"/],
    ['a path with ..', '../outside.txt', /must not contain "\.\."/],
    ['a path with .. that stays inside', 'src/../README.md', /must not contain "\.\."/],
    ['an absolute path', '/tmp/forgebot-absolute.txt', /relative to the repository root, not absolute/],
    ['a symlinked folder pointing outside', 'out-dir/target.txt', /out-dir is a symbolic link/],
    ['a symlinked file pointing outside', 'out-file.txt', /out-file\.txt is a symbolic link/],
    ['a symlink pointing inside', 'inner-link.ts', /writing through a symlink is not allowed/],
    ['a file ignored by git', 'dist/bundle.js', /ignored by git/],
    ['a folder', 'src', /is a folder/],
  ];
  for (const [what, path, reason] of refusals) {
    test(`a write to ${what} (${path}) is refused with its reason and changes nothing`, async () => {
      const state = await treeState(repo);
      await assertRefused(run('write_file', { path, content: 'pwned\n' }), reason);
      await assertRefused(run('delete_file', { path }), reason);
      assert.equal(await treeState(repo), state);
    });
  }

  test('the refused writes left every target as it was', async () => {
    assert.equal(await readFile(join(outside, 'target.txt'), 'utf8'), 'outside\n');
    assert.equal(await readFile(join(repo.dir, '.gitlab-ci.yml'), 'utf8'), 'test:\n  script: [npm test]\n');
    assert.equal(await readFile(join(repo.dir, 'infra/main.tf'), 'utf8'), 'resource {}\n');
    assert.doesNotMatch(await readFile(join(repo.dir, '.git/config'), 'utf8'), /pwned/);
    await assert.rejects(stat(join(repo.dir, '..', 'outside.txt')), { code: 'ENOENT' });
    await assert.rejects(stat('/tmp/forgebot-absolute.txt'), { code: 'ENOENT' });
    await assert.rejects(stat(join(repo.dir, 'sub')), { code: 'ENOENT' });
    await assert.rejects(stat(join(outside, 'x')), { code: 'ENOENT' });
  });

  test('invalid input is refused with the field at fault', async () => {
    await assertRefused(run('write_file', { path: 'a.txt' }), /invalid input: content/);
    await assertRefused(run('replace_in_file', { path: 'src/app.ts', old_text: '', new_text: 'x' }), /invalid input: old_text/);
  });
});

describe('edit tools: the file and line limits', () => {
  let repo: TestRepo;
  let headSha: string;
  let run: ReturnType<typeof toolRunner>;

  before(async () => {
    ({ repo, headSha } = await newRepo());
    run = toolRunner(createEditTools(repo.dir, { headSha, settings: settingsFrom('changes:\n  max_files: 2\n  max_lines: 10\n') }));
  });
  after(() => repo.remove());

  test('the write that would cross max_files is refused, the earlier ones stay', async () => {
    assert.match(await run('write_file', { path: 'one.txt', content: 'a\nb\nc\n' }), /touches 1 of at most 2 files and has 3 of at most 10 changed lines/);
    assert.match(await run('write_file', { path: 'two/two.txt', content: 'a\nb\nc\n' }), /touches 2 of at most 2 files and has 6 of at most 10/);
    const state = await treeState(repo);
    await assertRefused(run('write_file', { path: 'three/deeper/three.txt', content: 'x\n' }), /touch 3 files, more than the limit of 2 \(changes\.max_files\), so nothing was changed/);
    await assertRefused(run('delete_file', { path: 'README.md' }), /more than the limit of 2 \(changes\.max_files\)/);
    assert.equal(await treeState(repo), state);
    await assert.rejects(stat(join(repo.dir, 'three')), { code: 'ENOENT' });
    assert.equal(await readFile(join(repo.dir, 'README.md'), 'utf8'), '# demo\n');
    assert.equal(await readFile(join(repo.dir, 'one.txt'), 'utf8'), 'a\nb\nc\n');
    // Files already in the change can still be edited.
    assert.match(await run('write_file', { path: 'one.txt', content: 'a\nb\n' }), /has 5 of at most 10/);
  });

  test('the edit that would cross max_lines is refused and the file stays as it was', async () => {
    const state = await treeState(repo);
    await assertRefused(run('write_file', { path: 'one.txt', content: 'a\nb\nc\nd\ne\nf\ng\nh\n' }), /11 changed lines \(added \+ deleted\), more than the limit of 10 \(changes\.max_lines\)/);
    await assertRefused(run('replace_in_file', { path: 'two/two.txt', old_text: 'a\n', new_text: '1\n2\n3\n4\n5\n6\n7\n' }), /changes\.max_lines/);
    assert.equal(await treeState(repo), state);
    assert.equal(await readFile(join(repo.dir, 'one.txt'), 'utf8'), 'a\nb\n');
    assert.equal(await readFile(join(repo.dir, 'two/two.txt'), 'utf8'), 'a\nb\nc\n');
  });

  test('a delete that would cross max_lines is refused and the file comes back with its mode', async () => {
    assert.match(await run('delete_file', { path: 'two/two.txt' }), /touches 1 of at most 2 files/);
    assert.match(await run('write_file', { path: 'one.txt', content: 'a\n' }), /touches 1 of at most 2 files and has 1 of at most 10/);
    await assertRefused(run('delete_file', { path: 'scripts/run.sh' }), /13 changed lines .*changes\.max_lines/);
    assert.equal(await readFile(join(repo.dir, 'scripts/run.sh'), 'utf8'), RUN_SH);
    assert.equal((await stat(join(repo.dir, 'scripts/run.sh'))).mode & 0o777, 0o755);
    assert.equal(await repo.git('status', '--porcelain', '--', 'scripts'), '');
  });

  test('untracked files made outside the tools count against the limits too', async () => {
    await mkdir(join(repo.dir, 'generated'), { recursive: true });
    await writeFile(join(repo.dir, 'generated/out.txt'), 'made by a command\n');
    await assertRefused(run('write_file', { path: 'README.md', content: '# changed\n' }), /touch 3 files/);
    assert.equal(await readFile(join(repo.dir, 'README.md'), 'utf8'), '# demo\n');
    await rm(join(repo.dir, 'generated'), { recursive: true });
    assert.match(await run('write_file', { path: 'README.md', content: '# changed\n' }), /Rewrote README\.md/);
  });
});
