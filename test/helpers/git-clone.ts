import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A fresh clone (real git) of a repository URL, to check what an API really wrote. */
export interface Clone {
  dir: string;
  git(...args: string[]): Promise<string>;
  /** The exact bytes of `path` at `rev`. */
  bytes(rev: string, path: string): Promise<Buffer>;
  /** `path → mode` of every file at `rev`. */
  modes(rev: string): Promise<Map<string, string>>;
  remove(): Promise<void>;
}

export async function cloneRepository(url: string): Promise<Clone> {
  const dir = await mkdtemp(join(tmpdir(), 'forgebot-clone-'));
  const git = async (...args: string[]) => (await run('git', args, { cwd: dir, timeout: 30_000, maxBuffer: 16 * 1024 * 1024 })).stdout.trim();
  await run('git', ['clone', '--quiet', '--no-checkout', url, dir], { timeout: 30_000 });
  return {
    dir,
    git,
    async bytes(rev, path) {
      const { stdout } = await run('git', ['cat-file', 'blob', `${rev}:${path}`], { cwd: dir, encoding: 'buffer', timeout: 30_000 });
      return stdout;
    },
    async modes(rev) {
      const listing = await git('ls-tree', '-r', rev);
      return new Map(listing.split('\n').filter(Boolean).map((line) => [line.split('\t')[1] ?? '', line.split(' ')[0] ?? '']));
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
