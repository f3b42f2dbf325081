import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A real git repository in a temporary folder, with helpers to commit on branches. */
export class TestRepo {
  private constructor(readonly dir: string) {}

  static async create(files: Record<string, string>, branch = 'main'): Promise<TestRepo> {
    const repo = new TestRepo(await mkdtemp(join(tmpdir(), 'forgebot-repo-')));
    await repo.git('init', '--quiet', `--initial-branch=${branch}`);
    await repo.git('config', 'user.email', 'test@forgebot.invalid');
    await repo.git('config', 'user.name', 'forgebot test');
    await repo.git('config', 'commit.gpgsign', 'false');
    await repo.commit(files, 'initial commit');
    return repo;
  }

  async git(...args: string[]): Promise<string> {
    const { stdout } = await run('git', args, { cwd: this.dir, timeout: 30_000, maxBuffer: 16 * 1024 * 1024 });
    return stdout.trim();
  }

  /** Writes files (null deletes), commits on the current branch, returns the new SHA. */
  async commit(files: Record<string, string | null>, message: string): Promise<string> {
    for (const [path, content] of Object.entries(files)) {
      if (content === null) await this.git('rm', '--quiet', path);
      else {
        await mkdir(dirname(join(this.dir, path)), { recursive: true });
        await writeFile(join(this.dir, path), content);
      }
    }
    await this.git('add', '--all');
    await this.git('commit', '--quiet', '--allow-empty', '-m', message);
    return this.git('rev-parse', 'HEAD');
  }

  async branch(name: string, from = 'HEAD'): Promise<void> {
    await this.git('checkout', '--quiet', '-b', name, from);
  }

  async checkout(name: string): Promise<void> {
    await this.git('checkout', '--quiet', name);
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

export const APP_BASE = ['const a = 1;', 'const b = 2;', 'function add(x, y) {', '  return x + y;', '}', 'const c = 3;', 'export { a, b, c, add };', ''].join('\n');
/**
 * APP_BASE with line 2 removed, line 4 changed and a line added after `const c`. In the diff:
 * new line 3 is added (`return x - y`), old line 2 is removed (`const b`), new 5 / old 6 is context (`const c`).
 */
export const APP_FEATURE = ['const a = 1;', 'function add(x, y) {', '  return x - y;', '}', 'const c = 3;', 'const d = 4;', 'export { a, b, c, add };', ''].join('\n');

/**
 * The repository behind the GitLab fixtures' project and merge request (`gitlabhq/gitlab-test` !1): `master` with
 * src/app.ts (APP_BASE) and a README, and `ms-viewport` one commit ahead with APP_FEATURE; `master` checked out.
 */
export async function createFixtureRepo(): Promise<TestRepo> {
  const repo = await TestRepo.create({ 'src/app.ts': APP_BASE, 'README.md': '# gitlab-test\n' }, 'master');
  await repo.branch('ms-viewport');
  await repo.commit({ 'src/app.ts': APP_FEATURE }, 'feature');
  await repo.checkout('master');
  return repo;
}

/** Lines of src/app.ts in the feature diff, by kind (see APP_FEATURE). */
export const APP_LINES = {
  /** `  return x - y;`: the new side of a modified line. */
  modifiedNew: 3,
  /** `  return x + y;`: the old side of that modified line. */
  modifiedOld: 4,
  /** `const d = 4;`: a pure addition. */
  added: 6,
  /** `const b = 2;`: a pure removal. */
  removed: 2,
  /** `const c = 3;`: unchanged, shown as context. */
  context: { oldLine: 6, newLine: 5 },
} as const;

export interface FeatureRepo {
  repo: TestRepo;
  /** The merge base of `feature` and `main`. */
  baseSha: string;
  /** The tip of `main` (equal to baseSha unless `advanceMain`). */
  startSha: string;
  /** The tip of `feature`. */
  headSha: string;
}

/**
 * A repository with `main`, and a `feature` branch that modifies src/app.ts (added, removed, modified and context
 * lines), adds src/new.ts, deletes obsolete.txt, renames docs/guide.md to docs/manual.md, and adds `extra` more
 * files (use 25+ to need several pages). `advanceMain` commits on main after the branch point (start ≠ base).
 * The branch checked out at the end is `main`.
 */
export async function featureRepo(extra = 0, options: { advanceMain?: boolean } = {}): Promise<FeatureRepo> {
  const guide = Array.from({ length: 12 }, (_, index) => `Guide line ${index + 1}.`).join('\n') + '\n';
  const repo = await TestRepo.create({ 'src/app.ts': APP_BASE, 'README.md': '# test\n', 'obsolete.txt': 'gone soon\n', 'docs/guide.md': guide });
  const baseSha = await repo.git('rev-parse', 'HEAD');
  await repo.branch('feature');
  await repo.git('mv', 'docs/guide.md', 'docs/manual.md');
  const files: Record<string, string | null> = {
    'src/app.ts': APP_FEATURE,
    'src/new.ts': 'export const created = true;\n',
    'obsolete.txt': null,
    'docs/manual.md': guide.replace('Guide line 12.', 'Manual line 12.'),
  };
  for (let index = 0; index < extra; index++) files[`src/generated/file-${String(index).padStart(3, '0')}.ts`] = `export const n${index} = ${index};\n`;
  const headSha = await repo.commit(files, 'feature work');
  await repo.checkout('main');
  const startSha = options.advanceMain ? await repo.commit({ 'README.md': '# test\n\nMain moved on.\n' }, 'main moves on') : baseSha;
  return { repo, baseSha, startSha, headSha };
}

/** The number of files featureRepo's feature branch changes, besides the `extra` ones. */
export const FEATURE_FILES = 4;
