// collectPatch: the agent's work as a binary-safe patch that applies to a fresh clone, as whole files, and counted;
// and the `.forgebot.yml` keys that configure the edit tools.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { collectPatch, UnsupportedChangeError } from '../src/agents/edit-tools/collect-patch.js';
import { createEditTools } from '../src/agents/edit-tools/create-edit-tools.js';
import { patchScopeProblems } from '../src/agents/edit-tools/scope-limits.js';
import { AgentPatch } from '../src/domain/patch.js';
import { DEFAULT_REPO_SETTINGS, parseRepoSettings } from '../src/domain/review-settings.js';
import { settingsFrom, toolRunner } from './helpers/edit-tools.js';
import { TestRepo } from './helpers/git-repo.js';
import { workspaces } from './helpers/workspaces.js';

const exec = promisify(execFile);
const BINARY = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x01, 0xff, 0x00, 0x7f, 0x0a, 0x00]);
const NEW_BINARY = Buffer.concat([BINARY, Buffer.from([0x00, 0x01, 0x02, 0x03, 0xfe, 0x00])]);

describe('collectPatch', () => {
  const spaces = workspaces();
  let repo: TestRepo;
  let headSha: string;

  before(async () => {
    repo = await TestRepo.create({
      'text.txt': 'one\ntwo\nthree\n',
      'same-size.txt': 'abc\n',
      'gone.txt': 'bye\n',
      'image.bin': BINARY.toString('latin1'),
      'old.bin': 'x\0y\0z',
      'tool.sh': '#!/bin/sh\necho tool\n',
      'becomes-exec.sh': '#!/bin/sh\necho exec\n',
    });
    await writeFile(join(repo.dir, 'image.bin'), BINARY);
    await chmod(join(repo.dir, 'tool.sh'), 0o755);
    headSha = await repo.commit({}, 'binary and executable files');
    // The edits, by the tools and by hand (same-size.txt keeps its size: only its content tells the change).
    const run = toolRunner(createEditTools(repo.dir, { headSha, settings: DEFAULT_REPO_SETTINGS }));
    await run('replace_in_file', { path: 'text.txt', old_text: 'two\n', new_text: 'TWO\ntwo and a half\n' });
    await writeFile(join(repo.dir, 'same-size.txt'), 'xyz\n');
    await run('write_file', { path: 'docs/new/added.md', content: '# added\n\nnew file\n' });
    await run('delete_file', { path: 'gone.txt' });
    await run('write_file', { path: 'tool.sh', content: '#!/bin/sh\necho tool v2\n' });
    await writeFile(join(repo.dir, 'image.bin'), NEW_BINARY);
    await writeFile(join(repo.dir, 'added.bin'), Buffer.from([0, 1, 2, 3, 0, 255]));
    await unlink(join(repo.dir, 'old.bin'));
    await writeFile(join(repo.dir, 'new-tool.sh'), '#!/bin/sh\necho new\n', { mode: 0o755 });
    await chmod(join(repo.dir, 'becomes-exec.sh'), 0o755);
  });
  after(async () => {
    await repo.remove();
    await spaces.removeAll();
  });

  test('the patch applies with git apply to a fresh clone at headSha and reproduces the working tree', async () => {
    const statusBefore = await repo.git('status', '--porcelain=v1', '--untracked-files=all');
    const patch = AgentPatch.parse(await collectPatch(repo.dir, headSha));
    assert.equal(patch.baseSha, headSha);
    assert.equal(await repo.git('status', '--porcelain=v1', '--untracked-files=all'), statusBefore, 'the real index is untouched');
    assert.equal(await repo.git('diff', '--cached', '--name-only'), '', 'nothing was staged');
    assert.match(patch.patch, /GIT binary patch/);
    assert.match(patch.patch, /^index [0-9a-f]{40}\.\.[0-9a-f]{40}/m);

    const clone = join(await spaces.make(), 'clone');
    await exec('git', ['clone', '--quiet', repo.dir, clone]);
    await exec('git', ['-C', clone, 'checkout', '--quiet', '--detach', headSha]);
    const patchFile = join(clone, '..', 'agent.patch');
    await writeFile(patchFile, patch.patch);
    await exec('git', ['-C', clone, 'apply', '--check', patchFile]);
    await exec('git', ['-C', clone, 'apply', patchFile]);
    for (const path of ['text.txt', 'same-size.txt', 'docs/new/added.md', 'tool.sh', 'image.bin', 'added.bin', 'new-tool.sh', 'becomes-exec.sh']) {
      assert.deepEqual(await readFile(join(clone, path)), await readFile(join(repo.dir, path)), path);
      assert.equal((await stat(join(clone, path))).mode & 0o111, (await stat(join(repo.dir, path))).mode & 0o111, `${path} mode`);
    }
    for (const path of ['gone.txt', 'old.bin']) await assert.rejects(stat(join(clone, path)), { code: 'ENOENT' });
  });

  test('files carry the whole new bytes and the executable bit; deletes are listed; the counts are numstat', async () => {
    const patch = await collectPatch(repo.dir, headSha);
    const byPath = new Map(patch.files.map((file) => [file.path, file]));
    assert.deepEqual([...byPath.keys()].sort(), ['added.bin', 'becomes-exec.sh', 'docs/new/added.md', 'gone.txt', 'image.bin', 'new-tool.sh', 'old.bin', 'same-size.txt', 'text.txt', 'tool.sh']);
    const expect = { 'added.bin': 'create', 'docs/new/added.md': 'create', 'new-tool.sh': 'create', 'gone.txt': 'delete', 'old.bin': 'delete' } as Record<string, string>;
    for (const file of patch.files) {
      assert.equal(file.action, expect[file.path] ?? 'update', file.path);
      if (file.action === 'delete') continue;
      assert.deepEqual(Buffer.from(file.contentBase64, 'base64'), await readFile(join(repo.dir, file.path)), file.path);
      assert.equal(file.executable, ((await stat(join(repo.dir, file.path))).mode & 0o100) !== 0, `${file.path} executable`);
    }
    const modeOnly = byPath.get('becomes-exec.sh');
    assert.ok(modeOnly?.action === 'update' && modeOnly.executable, 'a mode change alone is an update with the executable bit');
    // text.txt +2 -1, same-size.txt +1 -1, added.md +3, gone.txt -1, tool.sh +1 -1, new-tool.sh +2; binaries count no lines.
    assert.deepEqual({ files: patch.filesChanged, added: patch.linesAdded, deleted: patch.linesDeleted }, { files: 10, added: 9, deleted: 4 });
    assert.deepEqual(patchScopeProblems(patch, { ...DEFAULT_REPO_SETTINGS.changes, max_files: 5, protected_paths: ['docs/**'] }), [
      'docs/new/added.md is protected by .forgebot.yml (changes.protected_paths: "docs/**").',
      'The change touches 10 files, more than the limit of 5 (changes.max_files).',
    ]);
  });

  test('a symlink in the working tree cannot become a patch of whole files', async () => {
    await symlink('text.txt', join(repo.dir, 'link.txt'));
    try {
      await assert.rejects(collectPatch(repo.dir, headSha), (error: unknown) => error instanceof UnsupportedChangeError && /link\.txt is a symbolic link/.test(error.message));
    } finally {
      await unlink(join(repo.dir, 'link.txt'));
    }
  });

  test('an untouched checkout gives an empty patch', async () => {
    const clean = await TestRepo.create({ 'a.txt': 'a\n' });
    try {
      await mkdir(join(clean.dir, 'empty-folder'));
      const patch = await collectPatch(clean.dir, await clean.git('rev-parse', 'HEAD'));
      assert.deepEqual({ ...patch, baseSha: '' }, { baseSha: '', patch: '', files: [], filesChanged: 0, linesAdded: 0, linesDeleted: 0 });
    } finally {
      await clean.remove();
    }
  });
});

describe('.forgebot.yml: commands and changes', () => {
  test('are read, with their defaults', () => {
    const settings = settingsFrom('commands:\n  test: npm test\n  lint_all: npm run lint -- --max-warnings=0\nchanges:\n  max_files: 5\n  protected_paths: ["infra/**"]\n');
    assert.deepEqual(settings.commands, { test: 'npm test', lint_all: 'npm run lint -- --max-warnings=0' });
    assert.deepEqual(settings.changes, { max_files: 5, max_lines: 500, protected_paths: ['infra/**'], command_timeout_seconds: 300 });
    assert.deepEqual(DEFAULT_REPO_SETTINGS.commands, {});
    assert.deepEqual(DEFAULT_REPO_SETTINGS.changes, { max_files: 20, max_lines: 500, protected_paths: [], command_timeout_seconds: 300 });
    assert.deepEqual(DEFAULT_REPO_SETTINGS.reviewer, { enabled: true, min_confidence: 0.6, max_findings: 20, include_nits: false, language: 'English' });
  });

  const bad: [string, string, RegExp][] = [
    ['an upper-case command name', 'commands:\n  Test: npm test\n', /commands\.Test: .*a command name/],
    ['a name starting with a digit', 'commands:\n  1st: echo\n', /commands\.1st: .*a command name/],
    ['a name with a space', 'commands:\n  "run all": echo\n', /commands\.run all: .*a command name/],
    ['a 32-character name', `commands:\n  ${'a'.repeat(32)}: echo\n`, /a command name/],
    ['an empty command', 'commands:\n  test: ""\n', /commands\.test/],
    ['a command that is not a string', 'commands:\n  test: [npm, test]\n', /commands\.test/],
    ['more than 20 commands', `commands:\n${Array.from({ length: 21 }, (_, index) => `  c${index}: echo ${index}\n`).join('')}`, /at most 20 commands/],
    ['a timeout over 1800 s', 'changes:\n  command_timeout_seconds: 1801\n', /changes\.command_timeout_seconds/],
    ['a zero file limit', 'changes:\n  max_files: 0\n', /changes\.max_files/],
    ['an unknown key under changes', 'changes:\n  max_file: 3\n', /changes: .*max_file/],
  ];
  for (const [what, yaml, problem] of bad) {
    test(`reject ${what}, and fall back to the defaults`, () => {
      const parsed = parseRepoSettings(yaml);
      assert.deepEqual(parsed.settings, DEFAULT_REPO_SETTINGS);
      assert.match(parsed.problems.join('\n'), problem);
    });
  }
});
