import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import assert from 'node:assert/strict';
import { createGitLabClient, createGitLabForge } from '../../src/activities/gitlab/index.js';
import { ForgeError, type ForgeErrorCode, type FullForge } from '../../src/activities/forge.js';
import type { RepositoryRef } from '../../src/domain/change-ref.js';
import { createFakeGitLab, type FakeGitLab } from '../../src/fakes/gitlab/fake-gitlab.js';
import { TestRepo } from './git-repo.js';

const run = promisify(execFile);

export const AUTHOR_TOKEN = 'glpat-author-test-token-0123';
export const READ_ONLY_TOKEN = 'glpat-read-only-token-4567';
export const PROJECT_ID = 42;
export const PROJECT_PATH = 'group/app';

/** Bytes no text codec keeps: NULs, 0xff, a lone CR. */
export const LOGO_BYTES = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0xff, 0xfe, 0x0d, 0x00, 0x01]);

/** An assert.rejects check: a ForgeError with this code (and a message matching `pattern`). */
export function isForgeError(code: ForgeErrorCode, pattern?: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof ForgeError, String(error));
    assert.equal(error.code, code, error.message);
    if (pattern) assert.match(error.message, pattern);
    return true;
  };
}

/** git in `dir`, stdout as text (trimmed) or as bytes. */
export async function gitIn(dir: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd: dir, timeout: 30_000, maxBuffer: 16 * 1024 * 1024 });
  return stdout.trim();
}
export async function gitBytes(dir: string, ...args: string[]): Promise<Buffer> {
  const { stdout } = await run('git', args, { cwd: dir, timeout: 30_000, maxBuffer: 16 * 1024 * 1024, encoding: 'buffer' });
  return stdout;
}

/**
 * The fake GitLab serving a bare repository (what a forge holds; its refs move only through the API or a push),
 * a working repository that pushes to it like a person would, and the GitLab forge through gitbeaker.
 */
export interface AuthorWorld {
  gitlab: FakeGitLab;
  /** The bare repository the fake serves. */
  bare: string;
  /** A person's clone: pushes to `bare`. */
  work: TestRepo;
  repo: RepositoryRef;
  /** `main` at the start: README.md, src/app.ts, assets/logo.bin (binary), scripts/run.sh (100755), bin/tool (100644). */
  baseSha: string;
  forge: FullForge;
  forgeWith(token: string): FullForge;
  /** Commits `files` on top of `branch` as it is in the bare repository and pushes it there; returns the commit. */
  pushOnto(branch: string, files: Record<string, string>, message: string): Promise<string>;
  /** A fresh `git clone` of the bare repository (removed with the world). */
  clone(): Promise<string>;
  /** The SHA a branch has in the bare repository, or '' when it has none. */
  head(branch: string): Promise<string>;
  remove(): Promise<void>;
}

export async function authorWorld(): Promise<AuthorWorld> {
  const work = await TestRepo.create({ 'README.md': '# app\n', 'src/app.ts': 'export const app = 1;\n', 'bin/tool': 'echo tool\n' });
  await mkdir(join(work.dir, 'assets'), { recursive: true });
  await mkdir(join(work.dir, 'scripts'), { recursive: true });
  await writeFile(join(work.dir, 'assets/logo.bin'), LOGO_BYTES);
  await writeFile(join(work.dir, 'scripts/run.sh'), '#!/bin/sh\necho run\n');
  await chmod(join(work.dir, 'scripts/run.sh'), 0o755);
  await work.git('add', '--all');
  await work.git('update-index', '--chmod=+x', 'scripts/run.sh');
  await work.git('commit', '--quiet', '-m', 'binary and executable files');
  const baseSha = await work.git('rev-parse', 'HEAD');

  const scratch = await mkdtemp(join(tmpdir(), 'forgebot-author-'));
  const bare = join(scratch, 'app.git');
  await run('git', ['clone', '--quiet', '--bare', work.dir, bare], { timeout: 30_000 });

  const gitlab = createFakeGitLab({ token: AUTHOR_TOKEN, readOnlyTokens: [READ_ONLY_TOKEN] });
  await gitlab.start();
  gitlab.addProject({ id: PROJECT_ID, pathWithNamespace: PROJECT_PATH, repoDir: bare });
  const forgeWith = (token: string) => createGitLabForge(createGitLabClient({ host: gitlab.url, token, timeoutMs: 5_000 }), { secrets: [token] });
  let clones = 0;

  return {
    gitlab,
    bare,
    work,
    repo: { forge: 'gitlab', projectId: PROJECT_ID, projectPath: PROJECT_PATH },
    baseSha,
    forge: forgeWith(AUTHOR_TOKEN),
    forgeWith,
    async pushOnto(branch, files, message) {
      await work.git('fetch', '--quiet', bare, `+refs/heads/${branch}:refs/heads/pushing`);
      await work.checkout('pushing');
      for (const [path, content] of Object.entries(files)) {
        await mkdir(dirname(join(work.dir, path)), { recursive: true });
        await writeFile(join(work.dir, path), content);
      }
      await work.git('add', '--all');
      await work.git('commit', '--quiet', '-m', message);
      const sha = await work.git('rev-parse', 'HEAD');
      await work.git('push', '--quiet', bare, `pushing:refs/heads/${branch}`);
      await work.checkout('main');
      await work.git('branch', '--quiet', '-D', 'pushing');
      return sha;
    },
    async clone() {
      const dir = join(scratch, `clone-${++clones}`);
      await run('git', ['clone', '--quiet', `file://${bare}`, dir], { timeout: 30_000 });
      return dir;
    },
    async head(branch) {
      return gitIn(bare, 'rev-parse', '--verify', '--quiet', `refs/heads/${branch}`).catch(() => '');
    },
    async remove() {
      await gitlab.stop();
      await work.remove();
      await rm(scratch, { recursive: true, force: true });
    },
  };
}
