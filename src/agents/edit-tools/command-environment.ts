import { mkdir, realpath } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

const DEFAULT_PATH = '/usr/local/bin:/usr/bin:/bin';

/**
 * The whole environment of a declared command: PATH and LANG from `base`, HOME and TMPDIR in folders of the
 * workspace beside the repository (created here), CI=true, and nothing else — no key, token or runner setting.
 */
export async function commandEnvironment(workspaceDir: string, repoDir: string, base: NodeJS.ProcessEnv): Promise<Record<string, string>> {
  const home = join(workspaceDir, 'command-home');
  const tmp = join(workspaceDir, 'command-tmp');
  await mkdir(home, { recursive: true });
  await mkdir(tmp, { recursive: true });
  const repo = await realpath(repoDir);
  for (const dir of [home, tmp]) {
    const inside = relative(repo, await realpath(dir));
    if (inside === '' || (!inside.startsWith(`..${sep}`) && inside !== '..')) throw new Error(`the command's ${dir} must be outside the repository`);
  }
  return { PATH: base.PATH ?? DEFAULT_PATH, HOME: home, TMPDIR: tmp, LANG: base.LANG ?? 'C.UTF-8', CI: 'true' };
}
